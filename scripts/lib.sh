# Shared shell functions for scripts/portal, scripts/test and scripts/bench_search.
# Everything the portal needs lives under $RUN (git-ignored): venv, PostgreSQL cluster,
# Redis, ckan.ini, logs. Services listen on private loopback ports so nothing depends
# on (or disturbs) what the machine already runs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN="${SATUDATA_RUN_DIR:-$ROOT/.run}"
VENV="$RUN/venv"
PG_PORT="${SATUDATA_PG_PORT:-54329}"
REDIS_PORT="${SATUDATA_REDIS_PORT:-63790}"
CKAN_PORT="${SATUDATA_PORT:-5000}"
SMTP_PORT="${SATUDATA_SMTP_PORT:-2526}"
PG_VERSION=15
PGBIN="/usr/lib/postgresql/$PG_VERSION/bin"
DB_USER=ckan_satudata

log() { printf '\033[1;34m[satudata]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[satudata] %s\033[0m\n' "$*" >&2; exit 1; }

mkdir -p "$RUN"

# PostgreSQL refuses to run as root: as root we run it as the `postgres` user, whose
# data dir must be reachable by that user (a clone under /root is not).
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_dir() {
  if [ -n "${SATUDATA_PG_DIR:-}" ]; then echo "$SATUDATA_PG_DIR"; return; fi
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$RUN" 2>/dev/null; then
    echo "/var/lib/satudata/$(printf %s "$ROOT" | md5sum | cut -c1-10)/pg"
  else
    echo "$RUN/pg"
  fi
}

ensure_system_packages() {
  local missing=()
  [ -x "$PGBIN/pg_ctl" ] || missing+=("postgresql-$PG_VERSION")
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v pg_config >/dev/null || missing+=(libpq-dev)
  ldconfig -p 2>/dev/null | grep -q libmagic.so.1 || missing+=(libmagic1)
  command -v gcc >/dev/null || missing+=(gcc)
  # the balancer in front of several web nodes (scripts/portal up --nodes N);
  # run by supervisord under .run/, never as the system's service
  [ -x /usr/sbin/nginx ] || missing+=(nginx)
  python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
  # the browser tests drive Debian's Chromium (never a browser download)
  [ -x /usr/bin/chromium ] || [ -n "${SATUDATA_NO_BROWSER:-}" ] || missing+=(chromium)
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || die "missing system packages: ${missing[*]} (run as root or install them)"
    log "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # Debian's postinst may try to start the services; we start our own on private ports.
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

ensure_venv() {
  local stamp="$VENV/.satudata-stamp" want
  want="$(cat "$ROOT/requirements.txt" "$ROOT/dev-requirements.txt" "$ROOT/setup.py" | md5sum | cut -c1-32)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
  log "creating virtualenv and installing CKAN 2.12 + extensions (first run: a minute or two)"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q -U pip wheel setuptools
  "$VENV/bin/pip" install -q -r "$ROOT/requirements.txt" -r "$ROOT/dev-requirements.txt"
  "$VENV/bin/pip" install -q --no-deps -e "$ROOT"
  echo "$want" > "$stamp"
}

pg_running() { as_pg "$PGBIN/pg_ctl" -D "$(pg_dir)/data" status >/dev/null 2>&1; }

start_postgres() {
  local dir; dir="$(pg_dir)"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    log "initialising PostgreSQL cluster in $dir"
    mkdir -p "$dir/data" "$dir/sock"
    [ "$(id -u)" = 0 ] && chown -R postgres: "$dir"
    as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! pg_running && psql_admin -tAc "SELECT 1" >/dev/null 2>&1; then
    # another checkout's cluster (e.g. the demo portal) already serves this port
    log "PostgreSQL already answers on 127.0.0.1:$PG_PORT: using it"
  elif ! pg_running; then
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $dir/sock -c fsync=${SATUDATA_PG_FSYNC:-on} -c max_connections=${SATUDATA_PG_MAX_CONNECTIONS:-300}" start >/dev/null
  fi
  psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname='$DB_USER'" | grep -q 1 \
    || psql_admin -qc "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_USER'"
}

stop_postgres() {
  pg_running && as_pg "$PGBIN/pg_ctl" -D "$(pg_dir)/data" -m fast -w stop >/dev/null || true
}

psql_admin() { psql -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"; }

ensure_database() {
  local db="$1"
  psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 \
    || psql_admin -qc "CREATE DATABASE $db OWNER $DB_USER ENCODING 'UTF8' TEMPLATE template0"
}

# CKAN's DataStore on the project's own cluster, as CKAN's docs describe: a
# database of its own, written by the main user, read by a read-only user;
# `ckan datastore set-permissions` SQL (rendered without needing a config).
DS_RO_USER=datastore_ro
datastore_db() { echo "${1}_datastore"; }
ensure_datastore_role() {
  psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname='$DS_RO_USER'" | grep -q 1 \
    || psql_admin -qc "CREATE ROLE $DS_RO_USER LOGIN PASSWORD '$DS_RO_USER' NOSUPERUSER NOCREATEDB NOCREATEROLE"
}
ensure_datastore() {
  local db="$1" ds; ds="$(datastore_db "$1")"
  ensure_datastore_role
  ensure_database "$ds"
  "$VENV/bin/python" -c 'import sys; from ckanext.datastore.cli import permissions_sql; print(permissions_sql(*sys.argv[1:]))' \
    "$db" "$ds" "$DB_USER" "$DB_USER" "$DS_RO_USER" | psql_admin -q -d "$ds" -v ON_ERROR_STOP=1 >/dev/null
}
# The test databases are copies of one migrated template (CREATE DATABASE …
# TEMPLATE …, tests/workers.py makes one per pytest process), so no run
# migrates from scratch. The template's name carries a hash of every migration
# script and of test.ini's plugins: a new revision makes a new template, built
# once (under a lock) by `ckan db upgrade`, core and the plugins' chains.
test_template_key() {
  local site; site="$("$VENV/bin/python" -c 'import ckan, os; print(os.path.dirname(ckan.__file__))')"
  { grep '^ckan.plugins' "$ROOT/test.ini"
    find "$site/migration" "$(dirname "$site")/ckanext/activity/migration" \
         "$ROOT/ckanext/satudata/migration" -name '*.py' -print0 | sort -z | xargs -0 cat
  } | md5sum | cut -c1-12
}
ensure_test_template() {
  local tpl tmp old
  tpl="satudata_tpl_$(test_template_key)"
  exec 9>"$RUN/test-template.lock"
  flock 9
  if ! psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname='$tpl'" | grep -q 1; then
    log "migrating the test template database $tpl (once per set of migrations)"
    tmp="${tpl}_new$$"
    psql_admin -qc "DROP DATABASE IF EXISTS $tmp"
    psql_admin -qc "CREATE DATABASE $tmp OWNER $DB_USER ENCODING 'UTF8' TEMPLATE template0"
    CKAN_SQLALCHEMY_URL="$(db_url "$tmp")" CKAN_REDIS_URL="$(redis_url 1)" \
      "$VENV/bin/ckan" -c "$ROOT/test.ini" db upgrade >"$RUN/test-template.log" 2>&1 \
      || { psql_admin -qc "DROP DATABASE IF EXISTS $tmp"; die "template migration failed, see $RUN/test-template.log"; }
    psql_admin -qc "ALTER DATABASE $tmp RENAME TO $tpl"
    # templates of older migrations: dropped unless a clone is being made from one
    for old in $(psql_admin -tAc "SELECT datname FROM pg_database WHERE datname ~ '^satudata_tpl_[0-9a-f]{12}\$' AND datname <> '$tpl'"); do
      psql_admin -qc "DROP DATABASE IF EXISTS $old" 2>/dev/null || true
    done
  fi
  flock -u 9
  echo "$tpl"
}
datastore_write_url() { db_url "$(datastore_db "$1")"; }
datastore_read_url() { echo "postgresql://$DS_RO_USER:$DS_RO_USER@127.0.0.1:$PG_PORT/$(datastore_db "$1")"; }

redis_cli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }

# 0: the portal; 1-16: CKAN's own tests; from 17, 16 for each test run at a
# time (tests/workers.py): two runs on one machine never share a job queue
REDIS_DATABASES=512

start_redis() {
  mkdir -p "$RUN/redis"
  if redis_cli ping >/dev/null 2>&1; then
    local have; have="$(redis_cli config get databases 2>/dev/null | tail -1)"
    [ "${have:-0}" -ge "$REDIS_DATABASES" ] && return
    log "Redis on 127.0.0.1:$REDIS_PORT has ${have:-?} databases: restarting it with $REDIS_DATABASES"
    redis_cli shutdown >/dev/null 2>&1 || true
    for _ in $(seq 50); do redis_cli ping >/dev/null 2>&1 || break; sleep 0.1; done
  fi
  log "starting Redis on 127.0.0.1:$REDIS_PORT"
  redis-server --daemonize yes --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$RUN/redis" \
    --pidfile "$RUN/redis/redis.pid" --logfile "$RUN/redis/redis.log" --appendonly yes \
    --databases "$REDIS_DATABASES" >/dev/null
  for _ in $(seq 50); do redis_cli ping >/dev/null 2>&1 && return; sleep 0.1; done
  die "Redis did not start (see $RUN/redis/redis.log)"
}

stop_redis() { redis_cli shutdown nosave >/dev/null 2>&1 || true; }

# baseline_ini SRC DEST: the benchmarks' baseline, the same CKAN, database
# and schema with the search plugin kept (stock CKAN needs a search backend
# and Solr cannot run here) and every other plugin of this package removed
baseline_ini() {
  sed -e "/^ckan.plugins = /{s/ satudata_[a-z_]*//g; s/= satudata /= satudata_search /}" \
      -e "/^ckan.views.default_views = /s/ satudata_[a-z_]*//g" "$1" > "$2"
  grep -q "^ckan.plugins = satudata_search " "$2" \
    || die "the baseline's plugin list lost satudata_search: $(grep '^ckan.plugins' "$2")"
}

db_url() { echo "postgresql://$DB_USER:$DB_USER@127.0.0.1:$PG_PORT/$1"; }
redis_url() { echo "redis://127.0.0.1:$REDIS_PORT/$1"; }

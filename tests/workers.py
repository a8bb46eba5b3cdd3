"""Each pytest process its own databases, so the suite runs under pytest-xdist.

scripts/test exports the run's database (CKAN_SQLALCHEMY_URL, the DataStore's
URLs, CKAN_REDIS_URL) and the name of a migrated template database
(SATUDATA_TEST_TEMPLATE, scripts/lib.sh `ensure_test_template`). Before CKAN's
pytest plugin reads its config (its ``pytest_sessionstart``), each process
that runs tests here:

- copies the template into its own database (``CREATE DATABASE … TEMPLATE``,
  half a second, where migrating from scratch takes twenty): the run's
  database in a serial run, ``<db>_gw0``, ``<db>_gw1``… in xdist's workers;
- gets a DataStore database beside it, with CKAN's read/write permissions;
- a Redis database of its own (`redis_db`), since `clean_redis` flushes one.

Then `reset_database` empties the tables between tests instead of CKAN's
``clean_db``, which drops every table the first time and deletes row by row
from every table of CKAN's model afterwards. Run without scripts/test (plain
pytest on test.ini's database) nothing here applies but the faster reset;
CKAN's own first ``clean_db`` still migrates."""
from __future__ import annotations

import os
import re

# xdist names its workers gw0, gw1, … in the environment before any conftest
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")

# a run's sixteen Redis databases start at SATUDATA_REDIS_BASE (scripts/test:
# a slot per run at a time); two for each process
MAX_WORKERS = 8


def worker_number() -> int:
    return int(WORKER[2:]) if WORKER else 0


def redis_db(server: bool = False) -> int:
    """This process's Redis database; ``server=True``: the one for a portal it
    starts itself (gunicorn), so the tests' `clean_redis` never flushes it."""
    base = int(os.environ.get("SATUDATA_REDIS_BASE", "1"))
    return base + 2 * worker_number() + (1 if server else 0)


def _with_database(url: str, name: str) -> str:
    return re.sub(r"/[^/?]*(\?|$)", "/%s\\1" % name, url, count=1)


def _database(url: str) -> str:
    return re.search(r"/([^/?]*)(?:\?|$)", url).group(1)


def _admin_execute(admin_url: str, database: str, statements: list[str]) -> None:
    import psycopg2
    conn = psycopg2.connect(_with_database(admin_url, database))
    conn.autocommit = True   # CREATE/DROP DATABASE refuse a transaction
    try:
        with conn.cursor() as cur:
            for sql in statements:
                cur.execute(sql)
    finally:
        conn.close()


def _is_xdist_controller(config) -> bool:
    """xdist's controller only hands tests out; it never runs one."""
    return not WORKER and getattr(config.option, "numprocesses", None) not in (None, 0, "0")


def own_databases(config) -> None:
    """Point this process at databases of its own, copied from the template."""
    template = os.environ.get("SATUDATA_TEST_TEMPLATE")
    admin = os.environ.get("SATUDATA_TEST_ADMIN_URL")
    url = os.environ.get("CKAN_SQLALCHEMY_URL")
    if _is_xdist_controller(config):
        # CKAN's sessionstart builds an app (~5 s of a core) for tests it never runs
        ckan_setup = config.pluginmanager.get_plugin("ckan")
        if ckan_setup is not None and hasattr(ckan_setup, "_tests_test_request_context"):
            config.pluginmanager.unregister(ckan_setup)
        return
    if not (template and admin and url):
        return
    assert worker_number() < MAX_WORKERS, "at most %d workers (16 Redis databases a run)" % (
        MAX_WORKERS)
    base = _database(url)
    db = "%s_%s" % (base, WORKER) if WORKER else base
    store = db + "_datastore"
    assert re.fullmatch(r"[a-z0-9_]+", db), db
    owner = re.search(r"//([^:@/]+)", url).group(1)
    _admin_execute(admin, "postgres", [
        # FORCE: connections a killed earlier run may have left
        "DROP DATABASE IF EXISTS %s WITH (FORCE)" % db,
        "CREATE DATABASE %s OWNER %s TEMPLATE %s" % (db, owner, template),
        # a test's data need not survive a crash of the machine: commits do
        # not wait for the disk (each test commits ~40 times)
        "ALTER DATABASE %s SET synchronous_commit = off" % db,
    ])
    write_url = os.environ.get("CKAN_DATASTORE_WRITE_URL")
    read_url = os.environ.get("CKAN_DATASTORE_READ_URL")
    if write_url and read_url:
        if not _exists(admin, store):   # its tables are named by resource ids: kept
            _admin_execute(admin, "postgres", [
                "CREATE DATABASE %s OWNER %s ENCODING 'UTF8' TEMPLATE template0" % (store, owner),
                "ALTER DATABASE %s SET synchronous_commit = off" % store])
        # CKAN's `datastore set-permissions` SQL, for this pair of databases
        from ckanext.datastore.cli import permissions_sql
        reader = re.search(r"//([^:@/]+)", read_url).group(1)
        sql = permissions_sql(db, store, owner, owner, reader)
        sql = "\n".join(line for line in sql.splitlines() if not line.startswith("\\connect"))
        _admin_execute(admin, store, [sql])
        os.environ["CKAN_DATASTORE_WRITE_URL"] = _with_database(write_url, store)
        os.environ["CKAN_DATASTORE_READ_URL"] = _with_database(read_url, store)
    os.environ["CKAN_SQLALCHEMY_URL"] = _with_database(url, db)
    redis = os.environ.get("CKAN_REDIS_URL")
    if redis:
        os.environ["CKAN_REDIS_URL"] = re.sub(r"/\d*$", "", redis) + "/%d" % redis_db()
    os.environ["SATUDATA_TEST_FROM_TEMPLATE"] = "1"


def _exists(admin: str, database: str) -> bool:
    import psycopg2
    conn = psycopg2.connect(_with_database(admin, "postgres"))
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
            return cur.fetchone() is not None
    finally:
        conn.close()


def mark_migrated() -> None:
    """A copy of the template is at every head: CKAN's first ``clean_db``
    need not drop the tables and migrate again (after CKAN's sessionstart)."""
    if os.environ.get("SATUDATA_TEST_FROM_TEMPLATE"):
        import ckan.model as model
        model.repo.tables_created_and_initialised = True


# -- between tests -----------------------------------------------------------------

_plan: dict = {}


def _reset_plan(conn):
    """The public tables in an order DELETE can take (who references a table
    comes before it), and those only TRUNCATE may empty (append-only logs
    refuse DELETE with a trigger). Computed once per schema."""
    import sqlalchemy as sa
    tables = set(conn.execute(sa.text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
        "AND tablename NOT LIKE '%alembic_version'")).scalars())
    key = frozenset(tables)
    if _plan.get("key") == key:
        return _plan
    refs = conn.execute(sa.text(
        "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c "
        "JOIN pg_namespace n ON n.oid = c.connamespace "
        "WHERE c.contype = 'f' AND n.nspname = 'public'")).all()
    guarded = set(conn.execute(sa.text(
        "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
        "AND NOT t.tgisinternal AND (t.tgtype & 8) <> 0")).scalars())   # ON DELETE
    referencing = {t: set() for t in tables}
    for child, parent in refs:
        child, parent = child.strip('"'), parent.strip('"')
        if child != parent and child in tables and parent in tables:
            referencing[parent].add(child)
    order, done = [], set()

    def visit(table, path=()):
        if table in done:
            return
        assert table not in path, "foreign keys in a cycle: %s" % (path + (table,),)
        for child in sorted(referencing[table]):
            visit(child, path + (table,))
        done.add(table)
        order.append(table)
    for table in sorted(tables):
        visit(table)
    _plan.update(key=key, order=order, guarded=guarded & tables)
    return _plan


def reset_database() -> None:
    """Every row of every table gone (the alembic versions stay), in one or
    two round trips: which tables have rows, then DELETE those (TRUNCATE only
    for the append-only logs; TRUNCATE makes new files for a table and its
    indexes, ~30 ms a table, where a DELETE of a few rows takes well under one)."""
    import sqlalchemy as sa
    from sqlalchemy.orm import close_all_sessions

    import ckan.model as model
    close_all_sessions()
    if not model.repo.tables_created_and_initialised:
        model.repo.rebuild_db()   # a database nobody migrated: CKAN's way, once
        return
    admin = _admin_engine(model.meta.engine)
    with (admin or model.meta.engine).begin() as conn:
        conn.execute(sa.text("SET LOCAL lock_timeout = '30s'"))
        if admin is not None:
            # the database's owner may not switch triggers off; its superuser
            # may, for this transaction: the append-only logs' guards then let
            # a DELETE through, where TRUNCATE cost ~30-250 ms a test
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        plan = _reset_plan(conn)
        probe = " UNION ALL ".join(
            "SELECT '%s' WHERE EXISTS (SELECT FROM %s)" % (t, _quote(t)) for t in plan["order"])
        full = set(conn.execute(sa.text(probe)).scalars()) if probe else set()
        guarded = sorted(full & plan["guarded"]) if admin is None else []
        if guarded:
            conn.execute(sa.text("TRUNCATE %s CASCADE" % ", ".join(map(_quote, guarded))))
        deletes = ["DELETE FROM %s" % _quote(t) for t in plan["order"]
                   if t in full and t not in guarded]
        if deletes:
            conn.exec_driver_sql("; ".join(deletes))
    model.Session.remove()


_admin: dict = {}


def _admin_engine(engine):
    """The run's superuser (SATUDATA_TEST_ADMIN_URL, scripts/test) on this
    process's database, or None run without scripts/test."""
    url = os.environ.get("SATUDATA_TEST_ADMIN_URL")
    if not url:
        return None
    database = engine.url.database
    if _admin.get("database") != database:
        import sqlalchemy as sa
        if _admin.get("engine") is not None:
            _admin["engine"].dispose()
        _admin.update(database=database, engine=sa.create_engine(
            sa.engine.make_url(url).set(database=database), pool_size=1, max_overflow=0))
    return _admin["engine"]


def _quote(name: str) -> str:
    return '"%s"' % name.replace('"', '""')

"""The backup/restore drill (issue 27): a portal filled with every kind of
thing it holds is backed up with `ckan satudata backup`, restored with
`ckan satudata restore` into fresh databases and an empty storage directory,
served by gunicorn there, and compared: every table of both databases row for
row, every file byte for byte, package_show of every dataset, event logs,
DataStore rows and search answers over HTTP. A damaged archive is refused and
the target left untouched."""
import hashlib
import io
import os
import re
import subprocess
import sys
import tarfile
import time

import pytest
import requests
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.helpers import (REPO_ROOT, SdiDataset, as_user, free_port, gunicorn_on_loopback,
                           site_context, transition, walk)
from tests.helpers import PREVIEW_PLUGINS as PLUGINS

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS),
              pytest.mark.usefixtures("satudata_db")]

CKAN = os.path.join(os.path.dirname(sys.executable), "ckan")
CSV = b"kecamatan,penduduk\nGlagah,36210\nLicin,29340\n"
HELD_CSV = b"kecamatan,penduduk\nGlagah,37000\nLicin,30000\nKabat,1\n"
ANON = {"user": "", "ignore_auth": False}


def _with_database(url, name):
    return re.sub(r"/[^/?]*(\?|$)", "/%s\\1" % name, url, count=1)


def _admin(database, statements):
    import psycopg2
    conn = psycopg2.connect(_with_database(os.environ["SATUDATA_TEST_ADMIN_URL"], database))
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            for sql in statements:
                cur.execute(sql)
    finally:
        conn.close()


@pytest.fixture
def storage(tmp_path, monkeypatch):
    path = tmp_path / "source-storage"
    path.mkdir()
    monkeypatch.setitem(tk.config, "ckan.storage_path", str(path))
    return path


@pytest.fixture
def target(tmp_path):
    """Fresh CKAN and DataStore databases (DataStore permissions set as
    scripts/portal sets them) and an empty storage directory: an empty
    portal of its own, as another clone would have."""
    if not os.environ.get("SATUDATA_TEST_ADMIN_URL"):
        pytest.skip("needs scripts/test (a PostgreSQL admin URL)")
    from ckanext.datastore.cli import permissions_sql
    source = tk.config["sqlalchemy.url"]
    db = re.search(r"/([^/?]*)(?:\?|$)", source).group(1) + "_restored"
    store = db + "_datastore"
    owner = re.search(r"//([^:@/]+)", source).group(1)
    reader = re.search(r"//([^:@/]+)", tk.config["ckan.datastore.read_url"]).group(1)
    drop = ["DROP DATABASE IF EXISTS %s WITH (FORCE)" % name for name in (db, store)]
    _admin("postgres", drop + [
        "CREATE DATABASE %s OWNER %s ENCODING 'UTF8' TEMPLATE template0" % (name, owner)
        for name in (db, store)])
    sql = permissions_sql(db, store, owner, owner, reader)
    _admin(store, ["\n".join(line for line in sql.splitlines()
                             if not line.startswith("\\connect"))])
    storage = tmp_path / "restored-storage"
    storage.mkdir()
    yield {"url": _with_database(source, db),
           "datastore_write": _with_database(tk.config["ckan.datastore.write_url"], store),
           "datastore_read": _with_database(tk.config["ckan.datastore.read_url"], store),
           "storage": storage}
    _admin("postgres", drop)


def _env(**urls):
    env = dict(os.environ, CKAN_INI=str(REPO_ROOT / "test.ini"))
    env.update({k: str(v) for k, v in urls.items()})
    return env


def source_env(storage):
    return _env(CKAN_SQLALCHEMY_URL=tk.config["sqlalchemy.url"],
                CKAN_DATASTORE_WRITE_URL=tk.config["ckan.datastore.write_url"],
                CKAN_DATASTORE_READ_URL=tk.config["ckan.datastore.read_url"],
                CKAN_STORAGE_PATH=storage)


def target_env(target):
    return _env(CKAN_SQLALCHEMY_URL=target["url"],
                CKAN_DATASTORE_WRITE_URL=target["datastore_write"],
                CKAN_DATASTORE_READ_URL=target["datastore_read"],
                CKAN_STORAGE_PATH=target["storage"])


def ckan(env, *args):
    return subprocess.run([CKAN, "-c", str(REPO_ROOT / "test.ini"), *args], cwd=REPO_ROOT,
                          env=env, capture_output=True, text=True, timeout=600)


def satudata_command(portal, *args):
    """`ckan satudata …`'s own command (the same click command, real pg_dump
    and pg_restore) run in this process against `portal`'s databases and
    storage: what the drill above runs through the `ckan` entry point, without
    CKAN's ~2 s start for each of the six runs here. Answers as `ckan()` does."""
    from click.testing import CliRunner
    from ckanext.satudata.cli import satudata
    with pytest.MonkeyPatch.context() as patch:
        for key, value in portal.items():
            patch.setitem(tk.config, key, str(value))
        result = CliRunner().invoke(satudata, list(args))
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback   # an error the command did not expect: its traceback
        stderr += "".join(traceback.format_exception(*result.exc_info))
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, stderr)


def source_portal(storage):
    return {"ckan.storage_path": storage}


def target_portal(target):
    return {"sqlalchemy.url": target["url"],
            "ckan.datastore.write_url": target["datastore_write"],
            "ckan.datastore.read_url": target["datastore_read"],
            "ckan.storage_path": target["storage"]}


def fill(storage):
    """A portal holding one of everything (returns what the comparison needs)."""
    from tests.helpers import walidata_team
    team = walidata_team()
    org = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    opd = factories.User(name="opd-dinkes")
    helpers.call_action("organization_member_create", context=site_context(), id=org["id"],
                        username=opd["name"], role="editor")
    admin = factories.Sysadmin(name="admin-drill")
    states = {}
    # a dataset in every workflow state
    for until in ("konsep", "penyusunan", "diajukan", "disetujui_subkoord",
                  "disetujui_kabid", "terbit"):
        ds = SdiDataset(name="data-%s" % until.replace("_", "-"), owner_org=org["id"],
                        title="Data %s" % until)
        if until != "konsep":
            walk(ds["id"], team, until=until)
        states[ds["name"]] = until
    returned = SdiDataset(name="data-dikembalikan", owner_org=org["id"])
    walk(returned["id"], team, until="diajukan")
    transition(team["subkoord"], returned["id"], "return", comment="Satuan belum diisi")
    states["data-dikembalikan"] = "dikembalikan"
    # a published dataset with an uploaded file, then a revision holding a new file
    live = SdiDataset(name="penduduk-kecamatan", owner_org=org["id"], title="Penduduk")
    res = helpers.call_action("resource_create", context=site_context(), package_id=live["id"],
                              name="Penduduk 2025", format="CSV", url="penduduk.csv",
                              url_type="upload",
                              upload=FileStorage(io.BytesIO(CSV), "penduduk.csv", "text/csv"))
    walk(live["id"], team)
    helpers.call_action("datastore_create", context=site_context(), resource_id=res["id"],
                        force=True, fields=[{"id": "kecamatan", "type": "text"},
                                            {"id": "penduduk", "type": "int"}],
                        records=[{"kecamatan": "Glagah", "penduduk": 36210},
                                 {"kecamatan": "Licin", "penduduk": 29340}])
    helpers.call_action("resource_patch", context=as_user(opd), id=res["id"],
                        url_type="upload", url="penduduk.csv",
                        upload=FileStorage(io.BytesIO(HELD_CSV), "penduduk.csv", "text/csv"))
    # requests in several states, one with the OPD's file, one with an objection
    base = {"name": "Rina Wulandari", "email": "rina@example.com", "description": "2025",
            "purpose": "Penelitian"}
    filed = helpers.call_action("satudata_request_create", context=ANON,
                                title="Data baru", **base)
    sent = helpers.call_action("satudata_request_create", context=ANON,
                               title="Data dari OPD", **base)
    for user, name, kw in ((team["subkoord"], "assign", {"assignee": team["staf"]["name"]}),
                           (team["staf"], "not_available", {}),
                           (team["subkoord"], "escalate", {"organization": "dinkes"}),
                           (opd, "opd_confirm", {}),
                           (opd, "opd_send", {"upload": FileStorage(
                               io.BytesIO(b"desa,balita\nKemiren,9\n"),
                               filename="stunting.csv")})):
        helpers.call_action("satudata_request_transition", context=as_user(user),
                            id=sent["id"], transition=name, **kw)
    rejected = helpers.call_action("satudata_request_create", context=ANON,
                                   title="Data anggaran", **base)
    helpers.call_action("satudata_request_transition", context=as_user(team["subkoord"]),
                        id=rejected["id"], transition="reject", comment="Pasal 17",
                        reason="dikecualikan")
    helpers.call_action("satudata_objection_file", context=ANON, id=rejected["id"],
                        ground="ditolak", reason="Informasi ini bukan rahasia",
                        access_token=rejected["access_token"])
    token = helpers.call_action("api_token_create", context=site_context(),
                                user=admin["name"], name="drill")["token"]
    model.repo.commit()
    return {"states": states, "resource_id": res["id"], "live": live, "token": token,
            "requests": [filed["number"], sent["number"], rejected["number"]]}


def table_digests(url):
    """Every table's row count and a digest of its rows (in a stable order)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            tables = conn.execute(sa.text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> '_table_stats' ORDER BY 1")).scalars().all()
            return {t: tuple(conn.execute(sa.text(
                'SELECT count(*), md5(coalesce(string_agg(r::text, \'|\' ORDER BY r::text), \'\')) '
                'FROM "%s" r' % t)).one()) for t in tables}
    finally:
        engine.dispose()


def file_digests(root):
    found = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as f:
                found[os.path.relpath(path, root)] = hashlib.sha256(f.read()).hexdigest()
    return found


def timeless(value):
    """An answer without the minutes elapsed since a step began (they grow
    between reading the source and reading the restored portal)."""
    if isinstance(value, dict):
        return {k: timeless(v) for k, v in value.items()
                if k not in ("elapsed_minutes", "overdue")}
    if isinstance(value, list):
        return [timeless(v) for v in value]
    return value


def _api(url, action, token=None, **params):
    answer = requests.post(url + "/api/3/action/" + action, json=params, timeout=60,
                           headers={"Authorization": token} if token else {})
    assert answer.ok, answer.text
    return answer.json()["result"]


def test_backup_restore_drill(storage, target, tmp_path):
    filled = fill(storage)
    sysadmin = {"user": "admin-drill", "ignore_auth": False}
    source = {name: helpers.call_action("package_show", context=dict(sysadmin), id=name)
              for name in filled["states"]}
    source["penduduk-kecamatan"] = helpers.call_action("package_show", context=dict(sysadmin),
                                                       id="penduduk-kecamatan")
    source_history = {name: helpers.call_action("satudata_dataset_history",
                                                context=dict(sysadmin), id=name)
                      for name in source}
    source_requests = {n: helpers.call_action("satudata_request_show", context=dict(sysadmin),
                                              id=n) for n in filled["requests"]}
    queries = ["", "penduduk", "data", "q=organization:dinkes"]
    source_search = {q: helpers.call_action("package_search", context=dict(sysadmin), q=q,
                                            include_private=True, sort="name asc", rows=50)
                     for q in queries}
    model.Session.commit()
    model.Session.remove()
    # after the reads above (reading a requester's data is logged too)
    before_db = table_digests(tk.config["sqlalchemy.url"])
    before_store = table_digests(tk.config["ckan.datastore.write_url"])
    before_files = file_digests(storage)
    assert any(p.startswith("satudata-revisions") for p in before_files), before_files
    assert any(p.startswith("satudata_requests") for p in before_files), before_files
    assert filled["resource_id"] in before_store
    for table in ("satudata_dataset_transition_log", "satudata_request_event",
                  "satudata_objection", "satudata_outbox"):
        assert before_db[table][0] > 0, table

    backups = tmp_path / "backups"
    t0 = time.monotonic()
    made = ckan(source_env(storage), "satudata", "backup", str(backups))
    backup_seconds = time.monotonic() - t0
    assert made.returncode == 0, made.stderr
    assert "secret key" in made.stdout
    (archive,) = list(backups.glob("satudata-backup-*.tar.gz"))
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert names[0] == "manifest.json"
    assert {"databases/ckan.pgdump", "databases/datastore.pgdump"} <= set(names)
    # no configuration file, no key: those are backed up separately
    assert not [n for n in names if n.endswith((".ini", "secret_key"))], names

    t0 = time.monotonic()
    restored = ckan(target_env(target), "satudata", "restore", str(archive))
    restore_seconds = time.monotonic() - t0
    assert restored.returncode == 0, restored.stderr + restored.stdout
    print("drill: backup %.1f s, restore %.1f s, archive %d bytes"
          % (backup_seconds, restore_seconds, archive.stat().st_size))

    # row for row, byte for byte
    assert table_digests(target["url"]) == before_db
    assert table_digests(target["datastore_write"]) == before_store
    assert file_digests(target["storage"]) == before_files

    # the restored portal serves the same content
    port = free_port()
    from tests.workers import redis_db
    env = target_env(target)
    env["CKAN_REDIS_URL"] = re.sub(r"/\d+$", "", tk.config["ckan.redis.url"]) + "/%d" % (
        redis_db(server=True))
    env["CKAN_SITE_URL"] = tk.config["ckan.site_url"]
    # test.ini with the DataStore and the preview plugins, as production runs
    ini = tmp_path / "restored.ini"
    text = (REPO_ROOT / "test.ini").read_text().replace("%(here)s", str(REPO_ROOT))
    ini.write_text(re.sub(r"(?m)^ckan\.plugins = .*$", "ckan.plugins = " + PLUGINS, text))
    env["CKAN_INI"] = str(ini)
    with gunicorn_on_loopback(port, env, "test-drill-server.log", "--workers", "1") as url:
        token = filled["token"]
        for name, shown in source.items():
            assert timeless(_api(url, "package_show", token, id=name)) == timeless(shown), name
            assert _api(url, "satudata_dataset_history", token, id=name) == \
                source_history[name], name
        for number, shown in source_requests.items():
            assert timeless(_api(url, "satudata_request_show", token, id=number)) == \
                timeless(shown), number
        for q, answer in source_search.items():
            assert _api(url, "package_search", token, q=q, include_private=True,
                        sort="name asc", rows=50) == answer, q
        rows = _api(url, "datastore_search", None, resource_id=filled["resource_id"])
        assert [(r["kecamatan"], r["penduduk"]) for r in rows["records"]] == [
            ("Glagah", 36210), ("Licin", 29340)]
        shown = source["penduduk-kecamatan"]["resources"][0]
        download = requests.get("%s/dataset/%s/resource/%s/download/penduduk.csv"
                                % (url, shown["package_id"], shown["id"]), timeout=30)
        assert download.content == CSV
        workflow = _api(url, "satudata_dataset_workflow_show", token, id="penduduk-kecamatan")
        assert workflow["pending_revision"], workflow


def test_a_damaged_archive_is_refused_and_nothing_changes(storage, target, tmp_path):
    SdiDataset(name="satu-data", owner_org=factories.Organization()["id"])
    helpers.call_action("satudata_request_create", context=ANON, name="Rina",
                        email="rina@example.com", title="Data", description="d", purpose="p")
    model.repo.commit()
    model.Session.remove()
    backups = tmp_path / "backups"
    made = satudata_command(source_portal(storage), "backup", str(backups))
    assert made.returncode == 0, made.stderr
    (archive,) = list(backups.glob("*.tar.gz"))
    assert satudata_command(source_portal(storage), "restore", "--check",
                str(archive)).returncode == 0

    # one part altered, the archive rewritten (a valid gzip and tar: only the
    # manifest tells the difference)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for info in src:
            data = src.extractfile(info).read()
            if info.name == "databases/datastore.pgdump":
                data = data[:-1] + bytes([data[-1] ^ 1])
            dst.addfile(info, io.BytesIO(data))
    refused = satudata_command(target_portal(target), "restore", str(damaged))
    assert refused.returncode != 0
    assert "restore refused, nothing changed" in refused.stderr
    assert "databases/datastore.pgdump does not match the manifest" in refused.stderr
    assert table_digests(target["url"]) == {}
    assert file_digests(target["storage"]) == {}

    # a truncated file: refused as damaged
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    refused = satudata_command(target_portal(target), "restore", str(truncated))
    assert refused.returncode != 0 and "damaged" in refused.stderr, refused.stderr
    assert table_digests(target["url"]) == {}

    # a target already holding a portal: refused, untouched
    restored = satudata_command(target_portal(target), "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    again = satudata_command(target_portal(target), "restore", str(archive))
    assert again.returncode != 0 and "not empty" in again.stderr, again.stderr

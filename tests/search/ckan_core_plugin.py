"""pytest plugin for running CKAN's own tests against ``satudata_search``
(``scripts/test-ckan-search`` passes it with ``-p``).

CKAN's ``clean_db`` drops every table the first time (ours included) and
afterwards deletes the rows of CKAN's own tables. Solr lives outside the
database, so CKAN's fixtures never think of re-creating an index: here, after
each reset, the plugin's migrations are applied again when its table is gone.
Index rows otherwise stay, as documents stay in Solr until ``clean_index``.
"""
from __future__ import annotations

import os
import re

import pytest
import sqlalchemy as sa

PLUGIN = "satudata_search"


def migrate_search_tables(always: bool = False) -> None:
    """``ckan db upgrade -p satudata_search``, without needing the plugin
    loaded (CKAN's ``with_plugins`` unloads it between tests; the backend
    stays installed)."""
    import os

    from alembic import command
    from alembic.config import Config

    import ckan.model as model
    import ckanext.satudata
    from ckan.common import config
    present = model.Session.execute(
        sa.text("SELECT to_regclass('satudata_search_index') IS NOT NULL")).scalar()
    model.Session.remove()
    if present and not always:
        return
    folder = os.path.join(os.path.dirname(ckanext.satudata.__file__), "migration", PLUGIN)
    alembic_cfg = Config(os.path.join(folder, "alembic.ini"))
    alembic_cfg.set_main_option("script_location", folder)
    alembic_cfg.set_main_option("sqlalchemy.url", config["sqlalchemy.url"])
    command.upgrade(alembic_cfg, "head")


# -- pytest-xdist: each worker its own database and Redis database -----------
# scripts/test-ckan-search runs `ckan db init` on the run's database and hands
# its name over (SATUDATA_CKAN_TEMPLATE_DB); each worker copies it into
# `<db>_gwN` (CREATE DATABASE … TEMPLATE) before CKAN's plugin reads its
# config, and takes Redis database SATUDATA_CKAN_REDIS_DBS[N]: CKAN's
# `clean_db` and `clean_redis` would otherwise empty them under the other
# worker. xdist's controller runs no test: CKAN's plugin is taken off it so
# it never connects to the database the workers copy.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _worker_database(config) -> None:
    url = os.environ.get("CKAN_SQLALCHEMY_URL")
    template = os.environ.get("SATUDATA_CKAN_TEMPLATE_DB")
    admin = os.environ.get("SATUDATA_TEST_ADMIN_URL")
    if not (url and template and admin):
        return
    n = int(WORKER[2:])
    db = "%s_%s" % (template, WORKER)
    assert re.fullmatch(r"[a-z0-9_]+", db), db
    owner = re.search(r"//([^:@/]+)", url).group(1)
    import psycopg2
    conn = psycopg2.connect(admin)
    conn.autocommit = True   # CREATE/DROP DATABASE refuse a transaction
    try:
        with conn.cursor() as cur:
            cur.execute("DROP DATABASE IF EXISTS %s WITH (FORCE)" % db)
            cur.execute("CREATE DATABASE %s OWNER %s TEMPLATE %s" % (db, owner, template))
    finally:
        conn.close()
    os.environ["CKAN_SQLALCHEMY_URL"] = re.sub(r"/[^/?]*(\?|$)", "/%s\\1" % db, url, count=1)
    redis_dbs = os.environ.get("SATUDATA_CKAN_REDIS_DBS", "").split()
    redis = os.environ.get("CKAN_REDIS_URL")
    if redis and n < len(redis_dbs):
        os.environ["CKAN_REDIS_URL"] = re.sub(r"/\d*$", "", redis) + "/" + redis_dbs[n]


def _is_xdist_controller(config) -> bool:
    return not WORKER and getattr(config.option, "numprocesses", None) not in (None, 0, "0")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    if WORKER:
        _worker_database(config)
    elif _is_xdist_controller(config):
        ckan_setup = config.pluginmanager.get_plugin("ckan")
        if ckan_setup is not None:
            config.pluginmanager.unregister(ckan_setup)


def pytest_sessionstart(session):
    if _is_xdist_controller(session.config):
        return
    import ckan.tests.helpers as helpers
    original = helpers.reset_db
    if getattr(original, "_satudata_search", False):
        return

    def reset_db():
        original()
        migrate_search_tables()

    reset_db._satudata_search = True  # type: ignore[attr-defined]
    helpers.reset_db = reset_db
    # a database left by an older checkout: its index table to this head
    migrate_search_tables(always=True)


def pytest_runtest_setup(item):
    """Seed the Faker behind CKAN's factories from the test's node id.

    CKAN's factories title a dataset with five random words of Faker's English
    list, and some of CKAN's tests assert a word is *absent*: ``test_overall``
    expects ``title:peace`` to find nothing, yet "peace" is one of the list's
    971 words, so about one run in 200 fails — on Solr as well. A seed per test
    keeps each test's data random-looking but the same on every run, so a pass
    means the behaviour, not the dice. The extension's own tests use it too
    (tests/conftest.py)."""
    import zlib

    from faker import Faker
    Faker.seed(zlib.crc32(item.nodeid.encode("utf-8")))


# A CKAN test that points `solr_url` at a server that is not there
# (`test_new_indexerror`, `test_package_search_connection_errors`) means "the
# search index cannot be reached". For this backend the index is two tables
# (the rows and the facet counts an unfiltered search answers from): they are
# renamed for the test's body (after its fixtures, which empty the index) and
# back afterwards, so every write and search fails in PostgreSQL as it fails
# against a dead Solr.
INDEX_TABLES = ("satudata_search_index", "satudata_search_facet_count")
OFFLINE = "_offline"


def _rename_index(offline: bool) -> None:
    import ckan.model as model
    model.Session.remove()
    with model.meta.engine.begin() as conn:
        conn.execute(sa.text("SET LOCAL lock_timeout = '10s'"))
        for table in INDEX_TABLES:
            old, new = (table, table + OFFLINE) if offline else (table + OFFLINE, table)
            conn.execute(sa.text('ALTER TABLE "%s" RENAME TO "%s"' % (old, new)))


def _index_unreachable(item) -> bool:
    return any(m.args and m.args[0] == "solr_url" for m in item.iter_markers("ckan_config"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    offline = _index_unreachable(item)
    if offline:
        _rename_index(True)
    try:
        yield
    finally:
        if offline:
            _rename_index(False)

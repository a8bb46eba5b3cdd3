"""pytest plugin for running CKAN's own tests against ``satudata_search``
(``scripts/test-ckan-search`` passes it with ``-p``).

CKAN's ``clean_db`` drops every table the first time (ours included) and
afterwards deletes the rows of CKAN's own tables. Solr lives outside the
database, so CKAN's fixtures never think of re-creating an index: here, after
each reset, the plugin's migrations are applied again when its table is gone.
Index rows otherwise stay, as documents stay in Solr until ``clean_index``.
"""
from __future__ import annotations

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


def pytest_sessionstart(session):
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

"""Fixtures shared by the satudata tests: real PostgreSQL, Redis and the
extension's PostgreSQL search backend (never a mocked search)."""
import copy

import jinja2
import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.tests import factories

from tests import shims, workers
from tests.helpers import walidata_team

# CKAN's factories fill titles and notes with random English words: seeded
# per test (from its node id), so a test's data is the same on every run.
from tests.search.ckan_core_plugin import (  # noqa: F401
    pytest_runtest_setup)


# Each pytest process its databases (a copy of a migrated template) and Redis
# database, so scripts/test can run the suite under pytest-xdist: tests/workers.py.
@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    workers.own_databases(config)
    shims.install()   # plugins load ~3x faster (each test loads them)


# What a module holds when its tests serve a portal (gunicorn, a worker,
# Chromium): the slowest tests of the run, tens of seconds each.
_SERVES_A_PORTAL = ("gunicorn_on_loopback", "browser_ini", "served_ini", "sync_playwright",
                    "from tests.theme.test_browser import")
_serving_modules: dict = {}


def serves_a_portal(path) -> bool:
    if path not in _serving_modules:
        try:
            source = path.read_text()
        except OSError:
            source = ""
        _serving_modules[path] = any(needle in source for needle in _SERVES_A_PORTAL)
    return _serving_modules[path]


@pytest.hookimpl(trylast=True)   # after xdist's, which names the groups
def pytest_collection_modifyitems(items):
    """`browser` marks every test that drives Chromium, so a quick loop can
    leave them out: ``scripts/test -m "not browser"``. And the modules that
    serve a portal run first (a stable sort: each module stays whole and in
    order): xdist hands out tests in this order, so the long ones start while
    the short ones can still fill the other worker, instead of ending the run
    on one worker."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: 0 if serves_a_portal(item.path) else 1)
    _keep_xdist_groups(items)


def _keep_xdist_groups(items):
    """pytest 9 reads a test's id from ``item._id``; pytest-xdist 3.8 still
    writes a test's ``xdist_group`` into ``item._nodeid`` (``…@group``), which
    pytest 9 no longer reads: every group was ignored, and the tests of a
    module sharing one served portal were split over the workers, each
    building the portal again. The id is set where pytest 9 reads it."""
    try:
        from _pytest.nodeid import coerce_node_id
    except ImportError:   # pytest 8 reads _nodeid itself
        return
    for item in items:
        named = getattr(item, "_nodeid", None)
        if named and "@" in named and named != item.nodeid:
            item._id = coerce_node_id(named)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A browser test that failed keeps a screenshot of each page it had
    open (before its fixtures close them): screenshots are otherwise taken
    only when asked for (tests/theme/test_browser.py, SHOTS_WANTED)."""
    report = yield
    if report.when == "call" and report.failed and "browser" in getattr(item, "fixturenames", ()):
        from tests.theme.test_browser import keep_pages_of_a_failure
        keep_pages_of_a_failure(item.name)
    return report


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session):
    workers.mark_migrated()   # after CKAN's own sessionstart loaded the config


@pytest.fixture(scope="session")
def reset_db():
    """CKAN's fixture (behind ``clean_db``), emptying every table, ours too,
    in a round trip or two (workers.reset_database)."""
    factories.fake.unique.clear()
    return workers.reset_database


class _CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates kept for the process's next app (keyed by
    template file and checked against its source, so an edited template is
    compiled again): CKAN's ``app`` fixture builds a new app for every test,
    which parsed and compiled the ~110 templates of a few pages anew."""

    def __init__(self):
        self.compiled = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_COMPILED_TEMPLATES = _CompiledTemplates()


class _LoadedEnvironment:
    """The plugins CKAN loaded for the last test, the config they left and
    the app built on them, kept for the next test that asks for the same.

    CKAN's ``with_plugins`` loads every plugin for each test and unloads them
    after it (three rounds of ``update_config``), and its ``app`` builds a new
    Flask app (loading the plugins once more): ~0.2 s of CPU a test, the same
    work with the same outcome when the config the test starts from is the
    one the last test started from. Kept: that config's fingerprint, the
    config as the loading left it (handed back as a copy: ``ckan_config``
    puts back the test's starting config after each test), the plugin
    objects, and the app. Anything that loads or unloads a plugin in between
    (``module_satudata_db``, a test of its own) is seen by the plugin objects
    no longer being the loaded ones, and everything is loaded again."""

    def __init__(self):
        self.forget()

    def forget(self):
        self.starts, self.left, self.config, self.plugins, self.app = set(), None, None, None, None

    @staticmethod
    def fingerprint(config) -> str:
        def value(key, v):   # with_plugins sets the list of what test.ini names in a string
            return " ".join(v) if key == "ckan.plugins" and isinstance(v, list) else v
        return repr(sorted((k, value(k, v)) for k, v in config.items()))

    @staticmethod
    def loaded_plugins():
        from ckan.plugins import core
        return [(name, core._PLUGINS_SERVICE.get(name)) for name in core._PLUGINS]

    def matches(self, config) -> bool:
        if self.plugins is None or self.loaded_plugins() != self.plugins:
            return False
        found = self.fingerprint(config)
        return found in self.starts or found == self.left

    def put_back(self, config):
        """The config as the plugins' loading left it."""
        if self.fingerprint(config) != self.left:
            config.clear()
            config.update(copy.deepcopy(self.config))

    def remember(self, start, config, app=None):
        """What loading the plugins (and building the app) from a config of
        fingerprint `start` left; a config the kept one came from leads to
        the new one as well (the plugins, then the app on them)."""
        self.starts = (self.starts | {start}) if app is not None and self.left == start \
            else {start}
        self.config = copy.deepcopy(config)
        self.left = self.fingerprint(config)
        self.plugins = self.loaded_plugins()
        self.app = app


_ENVIRONMENT = _LoadedEnvironment()


@pytest.fixture
def with_plugins(ckan_config, provide_plugin, monkeypatch, request):
    """CKAN's ``with_plugins`` (the plugins of ``ckan.plugins`` and of the
    test's ``with_plugins`` marks loaded), the loading skipped when the last
    test loaded the same with the same config (`_LoadedEnvironment`). The
    plugins stay loaded after the test, for the next one."""
    import ckan.plugins as plugins
    names, provided = [], False
    for mark in request.node.iter_markers("with_plugins"):
        for plugin in mark.args:
            if isinstance(plugin, dict):   # an implementation of the test's own
                for name, impl in plugin.items():
                    provide_plugin(name, impl)
                    names.append(name)
                provided = True
            else:
                names.append(plugin)
    current = ckan_config["ckan.plugins"]
    if isinstance(current, str):
        current = current.split()
    monkeypatch.setitem(ckan_config, "ckan.plugins", current + names)
    if not provided and _ENVIRONMENT.matches(ckan_config):
        _ENVIRONMENT.put_back(ckan_config)
    else:
        starting = _ENVIRONMENT.fingerprint(ckan_config)
        plugins.load_all()
        if provided:
            _ENVIRONMENT.forget()
        else:
            _ENVIRONMENT.remember(starting, ckan_config)
    yield
    if provided:
        plugins.unload_all()


@pytest.fixture
def app(make_app, ckan_config):
    """CKAN's test app, built again only when the config or the loaded
    plugins changed since the last test's (`_LoadedEnvironment`), with a
    client of its own for each test (no cookie of an earlier test). Its
    templates compiled once per process (`_CompiledTemplates`)."""
    if _ENVIRONMENT.app is not None and _ENVIRONMENT.matches(ckan_config):
        _ENVIRONMENT.put_back(ckan_config)
        ckan_config["testing"] = True
        test_app = _ENVIRONMENT.app
        test_app.client = test_app.test_client()
        return test_app
    starting = _ENVIRONMENT.fingerprint(ckan_config)
    test_app = make_app()
    test_app.flask_app.jinja_env.bytecode_cache = _COMPILED_TEMPLATES
    _ENVIRONMENT.remember(starting, ckan_config, test_app)
    return test_app


PLUGINS_WITH_TABLES = ("activity", "satudata", "satudata_search")
_heads: dict = {}


def behind_head(plugins=PLUGINS_WITH_TABLES):
    """The plugins whose tables are not at their migrations' head: a test of
    the migrations themselves may have left them down (a query, where running
    alembic to find out takes ~100 ms a plugin)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from ckan.cli.db import _resolve_alembic_config
    present = set(model.Session.execute(sa.text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
        "AND tablename LIKE '%alembic_version'")).scalars())
    behind = []
    for plugin in plugins:
        if plugin not in _heads:
            script = ScriptDirectory.from_config(Config(_resolve_alembic_config(plugin)))
            _heads[plugin] = set(script.get_heads())
        table = "%s_alembic_version" % plugin
        current = set(model.Session.execute(sa.text(
            "SELECT version_num FROM %s" % table)).scalars()) if table in present else set()
        if current != _heads[plugin]:
            behind.append(plugin)
    model.Session.remove()
    return behind


def empty_job_queues():
    """This process's background job queues (its own Redis database) and
    their failed-job registries emptied: a job an earlier test queued names
    rows that are gone, and a later test's worker would run it (a test that
    ran a worker after twenty others sent their mails took 30 s, not 3)."""
    from ckan.lib import jobs
    from rq.registry import FailedJobRegistry
    for queue in jobs.get_all_queues():
        failed = FailedJobRegistry(queue=queue)
        for job_id in failed.get_job_ids():
            failed.remove(job_id, delete_job=True)
        queue.empty()


@pytest.fixture
def satudata_db(clean_db, migrate_db_for, with_plugins):
    """An empty CKAN database with the activity, satudata and satudata_search
    tables at their heads (clean_db empties every table: reset_db above), and
    no background job left from an earlier test."""
    for plugin in behind_head():
        migrate_db_for(plugin)
    empty_job_queues()


@pytest.fixture
def empty_queue():
    """The jobs a test queues reach neither its own worker's later run nor a
    later test's (emptied before and after)."""
    empty_job_queues()
    yield
    empty_job_queues()


@pytest.fixture(scope="module")
def module_satudata_db(reset_db, migrate_db_for):
    """`satudata_db` once for a module whose tests only read what a
    module-scoped fixture builds on it (a portal built once, not per test):
    emptied and migrated, the plugins loaded for the module (CKAN's
    ``with_plugins`` loads them per test), emptied again and the config as it
    was afterwards. Its tests must not use ``satudata_db`` (which empties the
    database before each) and take back what they write."""
    import ckan.plugins as plugins
    from ckan.common import config
    original = copy.deepcopy(config)
    plugins.load_all()   # before the migrations: alembic finds them by plugin
    reset_db()
    for plugin in behind_head():
        migrate_db_for(plugin)
    yield
    plugins.unload_all()
    config.clear()
    config.update(original)
    reset_db()


@pytest.fixture
def sysadmin(satudata_db):
    return factories.Sysadmin()


@pytest.fixture
def sdi_dataset_dict():
    """The minimal valid SDI dataset (SPEC "Metadata"), without owner_org."""
    return {
        "title": "Jumlah Penduduk per Kecamatan",
        "notes": "Data contoh (sample data).",
        "topic": "pemerintahan_umum",
        "update_frequency": "tahunan",
        "period_start": "2025",
        "presentation_level": "kecamatan",
        "unit": "jiwa",
        "classification": "terbuka",
    }


@pytest.fixture
def opd(satudata_db):
    return factories.Organization(name="dinkes", title="Dinas Kesehatan")


@pytest.fixture
def walidata(satudata_db):
    """One user per portal role (SPEC "People"), as user dicts by role."""
    return walidata_team()


@pytest.fixture
def smtp_sink(ckan_config, monkeypatch):
    """A real SMTP server (aiosmtpd) on a free loopback port; CKAN mails to it."""
    from aiosmtpd.controller import Controller
    from tests.helpers import MailSink, free_port
    sink = MailSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(ckan_config, "smtp.server", "127.0.0.1:%d" % controller.port)
    monkeypatch.setitem(ckan_config, "smtp.mail_from", "portal@satudata.example.org")
    monkeypatch.setitem(ckan_config, "smtp.starttls", False)
    monkeypatch.setitem(ckan_config, "smtp.user", None)
    yield sink
    controller.stop()
    assert not sink.refused, "the portal sent mail a relay refuses: %s" % sink.refused

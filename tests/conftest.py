"""Fixtures shared by the satudata tests: real PostgreSQL, Redis and the
extension's PostgreSQL search backend (never a mocked search)."""
import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.tests import factories

# CKAN's factories fill titles and notes with random English words: seeded
# per test (from its node id), so a test's data is the same on every run.
from tests.search.ckan_core_plugin import (  # noqa: F401
    pytest_runtest_setup)


@pytest.fixture
def satudata_db(clean_db, migrate_db_for, with_plugins):
    """A clean CKAN database with the activity, satudata and satudata_search tables."""
    migrate_db_for("activity")
    migrate_db_for("satudata")
    migrate_db_for("satudata_search")
    # clean_db only drops tables the first time; later it deletes the rows of
    # CKAN's own tables, so empty ours too.
    tables = model.Session.execute(sa.text(
        "SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables "
        "WHERE schemaname = 'public' AND tablename LIKE 'satudata%' "
        "AND tablename NOT LIKE '%alembic_version'")).scalar()
    if tables:
        model.Session.execute(sa.text("TRUNCATE %s" % tables))
        model.Session.commit()


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
    from ckanext.satudata.workflow import roles
    team = {}
    for role in ("staf", "subkoord", "kabid"):
        team[role] = factories.User(name="%s-walidata" % role)
        roles.grant(team[role]["id"], role, None)
    model.repo.commit()
    return team


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

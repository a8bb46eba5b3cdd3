"""Fixtures shared by the satudata tests: real PostgreSQL, Redis and the
extension's PostgreSQL search backend (never a mocked search)."""
import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories


@pytest.fixture
def satudata_db(clean_db, migrate_db_for, with_plugins):
    """A clean CKAN database with the activity and satudata tables."""
    migrate_db_for("activity")
    migrate_db_for("satudata")
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


def site_context():
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": user["name"], "ignore_auth": True}


class SdiDataset(factories.Dataset):
    """A dataset carrying the SDI fields the schema requires."""
    topic = "pemerintahan_umum"
    update_frequency = "tahunan"
    period_start = "2025"
    presentation_level = "kecamatan"
    unit = "jiwa"
    classification = "terbuka"


@pytest.fixture
def walidata(satudata_db):
    """One user per portal role (SPEC "People"), as user dicts by role."""
    from ckanext.satudata import roles
    team = {}
    for role in ("staf", "subkoord", "kabid"):
        team[role] = factories.User(name="%s-walidata" % role)
        roles.grant(team[role]["id"], role, None)
    model.repo.commit()
    return team


def as_user(user):
    return {"user": user["name"] if user else "", "ignore_auth": False}


def transition(user, dataset, name, **kw):
    from ckan.tests import helpers
    return helpers.call_action("satudata_dataset_transition", context=as_user(user),
                               id=dataset, transition=name, **kw)


def walk(dataset, team, until="terbit"):
    """Take a dataset along the SOP chain with the team's users."""
    steps = [("assign", "subkoord", {"assignee": team["staf"]["name"]}),
             ("submit", "staf", {}), ("approve", "subkoord", {}),
             ("approve", "kabid", {}), ("publish", "staf", {})]
    result = None
    for name, role, extra in steps:
        result = transition(team[role], dataset, name, **extra)
        if result["state"] == until:
            break
    return result

"""CKAN's /dashboard puts the logged-in person's OWN overdue items first:
datasets (workflow 1) and requests (workflow 2) whose current step they hold
and whose SOP standard time or legal deadline has passed (issue 13)."""
import datetime as dt

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.satudata.workflow import clock
from ckanext.satudata.theme import dashboard

from tests.helpers import SdiDataset, as_user, site_context
from tests.requests.helpers import RINA as REQUESTER

pytestmark = pytest.mark.usefixtures("satudata_db")


def at(*args):
    return dt.datetime(*args, tzinfo=clock.WIB)


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: at(2026, 11, 25, 10, 0))   # Wednesday


def _set(table, key, ref, **values):
    sets = ", ".join("%s = :%s" % (k, k) for k in values)
    model.Session.execute(sa.text("UPDATE %s SET %s WHERE %s = :ref" % (table, sets, key)),
                          dict(values, ref=ref))
    model.Session.commit()


@pytest.mark.parametrize("req, user, roles, orgs, expected", [
    ({"status": "baru"}, "sk", {"subkoord"}, set(), True),
    ({"status": "baru"}, "kb", {"kabid"}, set(), False),
    ({"status": "diperiksa", "assignee": "s1"}, "s1", {"staf"}, set(), True),
    ({"status": "diperiksa", "assignee": "s1"}, "s2", {"staf"}, set(), False),
    ({"status": "di_opd", "organization": "dinkes"}, "o", set(), {"dinkes"}, True),
    ({"status": "di_opd", "organization": "dinkes"}, "o", set(), {"bappeda"}, False),
    ({"status": "di_opd", "organization": "dinkes"}, "sk", {"subkoord"}, set(), False),
    ({"status": "diteruskan"}, "sk", {"subkoord"}, set(), True),
    ({"status": "menunggu_klarifikasi"}, "sk", {"subkoord", "staf"}, set(), False),
    ({"status": "selesai"}, "s1", {"staf"}, set(), False),
])
def test_who_holds_the_step(req, user, roles, orgs, expected):
    assert dashboard.holds_step(req, user, roles, orgs) is expected


def _section(app, user):
    token = factories.APIToken(user=user["name"])["token"]
    body = app.get("/dashboard/", headers={"Authorization": token}).body
    return body[body.index('class="satudata-my-work'):] if "satudata-my-work" in body else ""


def test_own_overdue_items_come_first(app, walidata, frozen):
    dinkes = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    opd = factories.User(name="opd-dinkes")
    helpers.call_action("organization_member_create", context=site_context(),
                        id=dinkes["id"], username=opd["name"], role="editor")
    reader = factories.User(name="pembaca-dinkes")
    helpers.call_action("organization_member_create", context=site_context(),
                        id=dinkes["id"], username=reader["name"], role="member")
    late = SdiDataset(name="terlambat-disposisi", title="Terlambat Disposisi",
                      owner_org=dinkes["id"])
    _set("satudata_dataset_workflow", "package_id", late["id"],
         entered_at=at(2026, 11, 23, 8, 0))
    fresh = SdiDataset(name="baru-masuk", title="Baru Masuk", owner_org=dinkes["id"])

    anon = {"user": "", "ignore_auth": False}
    # at the OPD for two days (step 5: 30 minutes) - the OPD's, not the Subkoord's
    at_opd = helpers.call_action("satudata_request_create", context=anon,
                                 **dict(REQUESTER, title="Permintaan di OPD"))
    helpers.call_action("satudata_request_transition", context=as_user(walidata["subkoord"]),
                        id=at_opd["id"], transition="assign",
                        assignee=walidata["staf"]["name"])
    helpers.call_action("satudata_request_transition", context=as_user(walidata["staf"]),
                        id=at_opd["id"], transition="not_available")
    helpers.call_action("satudata_request_transition", context=as_user(walidata["subkoord"]),
                        id=at_opd["id"], transition="escalate", organization="dinkes")
    _set("satudata_data_request", "id", at_opd["id"], status_entered_at=at(2026, 11, 23, 8))
    # new for two days (step 2: 10 minutes) - the Subkoord's
    waiting = helpers.call_action("satudata_request_create", context=anon,
                                  **dict(REQUESTER, title="Menunggu disposisi"))
    _set("satudata_data_request", "id", waiting["id"], status_entered_at=at(2026, 11, 23, 8))
    # just filed, not overdue
    helpers.call_action("satudata_request_create", context=anon,
                        **dict(REQUESTER, title="Baru saja"))

    section = _section(app, walidata["subkoord"])
    mine = section[section.index("satudata-dashboard-mine-overdue"):
                   section.index("satudata-dashboard-reviews")]
    assert "Terlambat Disposisi" in mine and waiting["number"] in mine
    assert "Baru Masuk" not in mine and at_opd["number"] not in mine
    assert fresh["name"]
    # the request list holds the Subkoord's own step only, overdue first
    # (the request at the OPD waits for the OPD: issue 23)
    listed = section[section.index("satudata-dashboard-requests"):]
    assert waiting["number"] in listed and at_opd["number"] not in listed
    assert listed.index(waiting["number"]) < listed.index("Baru saja")

    section = _section(app, opd)
    mine = section[section.index("satudata-dashboard-mine-overdue"):
                   section.index("satudata-dashboard-requests")]
    assert at_opd["number"] in mine and waiting["number"] not in mine
    assert "Terlambat Disposisi" not in mine

    # nothing of theirs is overdue: no such block (the Kabid holds no step
    # here, the Staf's step was taken, a read-only member acts for nobody)
    for who in (walidata["kabid"], walidata["staf"], reader, factories.User()):
        assert "satudata-dashboard-mine-overdue" not in _section(app, who)

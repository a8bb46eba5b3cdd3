"""Minimal by role (issue 26): every personal field of a request, on every
page, API answer and export, for every kind of caller. The PPID desk (staf,
subkoord, kabid, DPO; sysadmins) sees the contacts; only the staf, who verify
it, see the NIK whole; the requester sees their own with the NIK masked; the
OPD the request went to answers from the text, number and deadline alone."""
import pytest

from ckan.tests import factories, helpers

from ckanext.satudata.privacy.access import mask_nik
from tests.helpers import built_once, as_user, walidata_team
from tests.privacy.conftest import (CONTACTS, build_people, DESK, NIK, NIK_MASKED, OPD_SIDE, OTHERS,
                                    REQUESTER, act)
from tests.requests.helpers import ANON

pytestmark = [pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")]

EVERYONE = DESK + OPD_SIDE + OTHERS


def expected(who):
    """{field: value shown} for `who`; absent fields are not shown at all."""
    if who in DESK or who == "requester":
        shown = {k: REQUESTER[k] for k in CONTACTS}
        shown["identity_number"] = NIK if who == "staf" else NIK_MASKED
        return shown
    return {}


def leaked(text, who):
    """The personal values in `text` that `who` must not see."""
    allowed = expected(who)
    values = {k: REQUESTER[k] for k in CONTACTS}
    values["identity_number"] = NIK
    found = [v for k, v in values.items() if v in text and allowed.get(k) != v]
    if NIK_MASKED in text and "identity_number" not in allowed:
        found.append(NIK_MASKED)
    return found


def build_world():
    """tests/privacy/conftest.py's `people` and `at_opd`: the desk, the DPO,
    the OPD's editor, admin and member, another OPD's editor, a stranger, and
    a request the Walidata sent to the DKP (SOP step 4)."""
    users = build_people(walidata_team())
    filed = helpers.call_action("satudata_request_create", context=dict(ANON), **REQUESTER)
    number = filed["number"]
    act(users["subkoord"], number, "assign", assignee=users["staf"]["name"])
    act(users["staf"], number, "not_available", comment="Belum ada di portal")
    act(users["subkoord"], number, "escalate", organization=users["org"]["id"])
    return {"people": users, "at_opd": filed}


@pytest.fixture(scope="module")
def _shared():
    return {}


@pytest.fixture
def world(request, _shared, with_plugins):
    """The people and the request, built once for the tests that only look
    (~1 s a build): built again only when a test of the module emptied the
    database since. A test that writes takes `satudata_db` and gets an empty
    database and a world of its own. (What the lookers leave: API tokens,
    and the access log's rows of the desk's views, which no test here reads.)"""
    return built_once(request, _shared, build_world,
                      lambda kept: ("group", kept["people"]["org"]["id"]))



@pytest.fixture
def people(world):
    return world["people"]


@pytest.fixture
def at_opd(world):
    return world["at_opd"]


def headers(user):
    return {"Authorization": factories.APIToken(user=user["name"])["token"]} if user else {}


def test_mask_keeps_the_region_and_the_last_digits():
    assert mask_nik(NIK) == NIK_MASKED
    assert mask_nik("") == "" and mask_nik(None) is None and mask_nik("1234") == "****"


@pytest.mark.parametrize("who", EVERYONE)
def test_request_show_and_list(people, at_opd, who):
    user = people[who]
    shown = helpers.call_action("satudata_request_show", context=as_user(user),
                                id=at_opd["number"])
    listed = helpers.call_action("satudata_request_list", context=as_user(user))["results"]
    want = expected(who)
    for field in CONTACTS + ("identity_number",):
        assert shown.get(field) == want.get(field), (who, field)
    assert not leaked(repr(shown), who) and not leaked(repr(listed), who), who
    # what an OPD needs to answer is there for the OPD the request went to
    if who in ("editor", "admin"):
        assert shown["audience"] == "internal"
        assert shown["title"] == REQUESTER["title"] and shown["purpose"] == REQUESTER["purpose"]
        assert shown["due_date"] and "opd_confirm" in shown["allowed_transitions"]


def test_the_requester_sees_their_own_with_the_nik_masked(people, at_opd):
    mine = helpers.call_action("satudata_request_show", context=as_user(None),
                               id=at_opd["number"], access_token=at_opd["access_token"])
    assert {k: mine.get(k) for k in expected("requester")} == expected("requester")
    assert NIK not in repr(mine)


@pytest.mark.parametrize("who", EVERYONE)
def test_api_over_http(app, people, at_opd, who):
    body = app.get("/api/3/action/satudata_request_show?id=%s" % at_opd["number"],
                   headers=headers(people[who])).body
    assert not leaked(body, who), who
    for value in expected(who).values():
        assert value in body, (who, value)


@pytest.mark.parametrize("who", EVERYONE)
def test_tracking_page(app, people, at_opd, who):
    page = app.get("/permintaan-data/%s" % at_opd["number"], headers=headers(people[who])).body
    assert not leaked(page, who), who
    for value in expected(who).values():
        assert value in page, (who, value)
    if who in ("editor", "admin"):
        assert "satudata-personal-withheld" in page and REQUESTER["title"] in page


@pytest.mark.parametrize("who", ("editor", "admin"))
def test_opd_inbox_and_dashboard(app, people, at_opd, who):
    inbox = app.get("/satudata/permintaan/opd", headers=headers(people[who])).body
    assert at_opd["number"] in inbox and not leaked(inbox, who)
    dashboard = app.get("/dashboard/", headers=headers(people[who])).body
    assert not leaked(dashboard, who)


@pytest.mark.parametrize("who", ("staf", "subkoord", "kabid"))
def test_board_of_the_desk(app, people, at_opd, who):
    board = app.get("/satudata/permintaan", headers=headers(people[who])).body
    assert REQUESTER["institution"] in board and not leaked(board, who)


@pytest.mark.parametrize("path", (
    "/satudata/kinerja/export/semua.xlsx", "/satudata/kinerja/export/request_steps.csv",
    "/satudata/kinerja/export/overdue.csv", "/satudata/kinerja/export/people.csv",
    "/satudata/kinerja/export/opd.csv", "/permintaan-data/statistik"))
def test_exports_hold_no_personal_data(app, people, at_opd, path):
    response = app.get(path, headers=headers(people["kabid"]))
    assert response.status_code == 200
    text = response.data.decode("latin-1")   # xlsx: zipped, a value would still show
    assert not leaked(text, "stranger"), path


@pytest.mark.usefixtures("satudata_db")   # writes: a user, a role
def test_dpo_is_granted_like_the_other_roles(app, people):
    user = factories.User(name="calon-dpo")
    sysadmin = people["sysadmin"]
    helpers.call_action("satudata_role_grant", context=as_user(sysadmin),
                        user=user["name"], role="dpo")
    assert "dpo" in [r["role"] for r in helpers.call_action(
        "satudata_role_list", context=as_user(sysadmin), user=user["name"])]
    # the DPO is not on the Walidata team's workflows: no request board
    assert app.get("/satudata/permintaan", headers=headers(user),
                   status=403).status_code == 403

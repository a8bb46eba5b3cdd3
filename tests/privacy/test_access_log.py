"""Who looked (issue 26): every view of a requester's personal data by staff
(API, tracking page, board, list) is one append-only row: who, when, which
request, which fields, which page or action; the DPO reads it, nobody else;
the requester's own views and an OPD's (which hold no personal data) are not
logged as staff access."""
import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.satudata.privacy.log import access_log
from tests.helpers import as_user
from tests.privacy.conftest import NIK, NIK_MASKED

pytestmark = [pytest.mark.usefixtures("satudata_db"),
              pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")]


def rows():
    model.Session.remove()
    return model.Session.execute(sa.select(access_log).order_by(access_log.c.id)).all()


def headers(user):
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def test_each_staff_view_is_one_row(app, people, at_opd):
    before = len(rows())   # the fixture's own transitions returned views
    number = at_opd["number"]
    app.get("/api/3/action/satudata_request_show?id=%s" % number,
            headers=headers(people["kabid"]))
    app.get("/permintaan-data/%s" % number, headers=headers(people["staf"]))
    new = rows()[before:]
    assert [(r.actor_name, r.request_number) for r in new] == [
        ("kabid-walidata", number), ("staf-walidata", number)]
    api, page = new
    assert api.source == "GET /api/3/action/satudata_request_show"
    assert page.source == "GET /permintaan-data/%s" % number
    assert set(api.fields) == {"name", "email", "phone", "institution",
                               "identity_number:masked"}
    assert "identity_number" in page.fields and list(page.actor_roles) == ["staf"]
    assert NIK not in repr(new) and NIK_MASKED not in repr(new)


def test_the_opd_and_the_requester_leave_no_staff_row(app, people, at_opd):
    before = len(rows())
    number = at_opd["number"]
    for who in ("editor", "admin", "member", "stranger"):
        app.get("/permintaan-data/%s" % number, headers=headers(people[who]))
    helpers.call_action("satudata_request_show", context=as_user(None), id=number,
                        access_token=at_opd["access_token"])
    assert len(rows()) == before


def test_board_and_list_are_logged_once_per_request(app, people, at_opd):
    before = len(rows())
    app.get("/satudata/permintaan", headers=headers(people["subkoord"]))
    helpers.call_action("satudata_request_list", context=as_user(people["dpo"]))
    new = rows()[before:]
    assert [(r.actor_name, r.source.split()[-1] if r.source.startswith("GET") else "list")
            for r in new] == [("subkoord-walidata", "/satudata/permintaan"),
                              ("petugas-pdp", "list")]
    assert set(new[0].fields) == {"name", "institution"}


def test_the_log_is_append_only(people, at_opd):
    assert rows()
    for statement in ("UPDATE satudata_personal_access_log SET actor_name = 'x'",
                      "DELETE FROM satudata_personal_access_log"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with model.meta.engine.begin() as conn:
                conn.execute(sa.text(statement))
    assert rows()


@pytest.mark.parametrize("who", ("staf", "subkoord", "kabid", "editor", "stranger"))
def test_only_the_dpo_reads_the_log(app, people, at_opd, who):
    with pytest.raises(Exception) as e:
        helpers.call_action("satudata_personal_access_log", context=as_user(people[who]))
    assert "NotAuthorized" in type(e.value).__name__
    assert app.get("/satudata/privasi/log", headers=headers(people[who]),
                   status=403).status_code == 403


def test_the_dpo_reads_the_log_by_request(app, people, at_opd):
    number = at_opd["number"]
    helpers.call_action("satudata_request_show", context=as_user(people["kabid"]), id=number)
    result = helpers.call_action("satudata_personal_access_log",
                                 context=as_user(people["dpo"]), request=number)
    assert result["count"] >= 1 and {e["request_number"] for e in result["results"]} == {number}
    assert result["results"][0]["actor"] == "kabid-walidata"
    assert result["results"][0]["at"].endswith("+07:00")
    page = app.get("/satudata/privasi/log?request=%s" % number,
                   headers=headers(people["dpo"])).body
    assert "kabid-walidata" in page and NIK not in page


@pytest.mark.parametrize("actor", [["x"], [[["x"]]], {"name": "x"}, 7])
def test_an_actor_that_is_not_text_is_refused_not_a_500(app, people, actor):
    """Found by the hostile-input property test: a nested list as `actor`
    reached the query (500); now a bilingual 409."""
    resp = app.post("/api/3/action/satudata_personal_access_log", json={"actor": actor},
                    headers=headers(people["dpo"]), status=409)
    assert resp.json["error"]["actor"] == ["Harus berupa teks / Must be text"]

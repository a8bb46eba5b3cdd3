"""CSRF (issue 9, "Trust under attack"): every POST that acts with the session
cookie must carry CKAN's CSRF token (form field or ``X-CSRFToken`` header, as
CKAN 2.12's JavaScript sends); an API token in the Authorization header needs
none. And CKAN 2.12's exemption leak (``ckan_before_request`` calls
``csrf.exempt(view)`` for every header-authenticated or anonymous request,
process-wide) does not switch that protection off. Real stack: the Flask app
with CSRF enabled (test.ini turns it off for the other tests)."""
import re

import pytest

import ckan.model as model
from ckan.tests import factories, helpers

from tests.helpers import SdiDataset, as_user
from ckanext.satudata.workflow import roles

pytestmark = [
    pytest.mark.usefixtures("satudata_db"),
    pytest.mark.ckan_config("WTF_CSRF_ENABLED", True),
    pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0"),
]

REQUEST = {"name": "Rina Wulandari", "email": "rina@example.com",
           "title": "Data stunting balita per desa", "description": "Tahun 2024-2025",
           "purpose": "Penelitian skripsi"}
_META = re.compile(r'<meta name="_csrf_token" content="([^"]+)"')


def browser(app, user=None):
    """A browser of its own; logged in through the session cookie if `user`
    (as after CKAN's login form: flask-login's user id in the session)."""
    client = app.test_client()
    if user:
        from ckan.common import config
        with client.session_transaction(base_url=config["ckan.site_url"]) as session:
            session["_user_id"] = model.User.get(user["name"]).get_id()
            session["_fresh"] = True
    return client


def csrf_token(client, path="/dataset"):
    """The token CKAN puts in every page (what its JS sends as X-CSRFToken)."""
    return _META.search(client.get(path, status=200).body).group(1)


def api_token(user):
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def state(dataset):
    return helpers.call_action("satudata_dataset_workflow_show", id=dataset["id"])["state"]


@pytest.fixture
def team(walidata):
    dinkes = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    dataset = SdiDataset(owner_org=dinkes["id"], name="penduduk")
    return dict(walidata, dinkes=dinkes, dataset=dataset, sysadmin=factories.Sysadmin(),
                stranger=factories.User(name="tetangga"))


def test_the_app_fixture_honours_the_mark(app):
    assert app.flask_app.config["WTF_CSRF_ENABLED"] is True
    # a test that forgot the mark would see CSRF off: test.ini turns it off
    from ckan.common import config
    assert config["WTF_CSRF_ENABLED"] is True


# -- the API ------------------------------------------------------------------------------

def test_cookie_api_post_needs_the_csrf_header(app, team):
    subkoord = browser(app, team["subkoord"])
    body = {"id": "penduduk", "transition": "assign", "assignee": team["staf"]["name"]}
    url = "/api/3/action/satudata_dataset_transition"
    subkoord.post(url, json=body, status=400)
    subkoord.post(url, json=body, headers={"X-CSRFToken": "forged"}, status=400)
    assert state(team["dataset"]) == "konsep"
    # what CKAN's JS sends
    result = subkoord.post(url, json=body, headers={"X-CSRFToken": csrf_token(subkoord)},
                           status=200).json["result"]
    assert result["state"] == "penyusunan"


def test_api_token_needs_no_csrf_token(app, team):
    result = app.test_client().post(
        "/api/3/action/satudata_dataset_transition", headers=api_token(team["subkoord"]),
        json={"id": "penduduk", "transition": "assign", "assignee": team["staf"]["name"]},
        status=200).json["result"]
    assert result["state"] == "penyusunan"
    # and anonymous clients still file requests through the API (no cookie, no token)
    created = app.test_client().post("/api/3/action/satudata_request_create", json=REQUEST,
                                     status=200).json["result"]
    assert created["number"].startswith("PDS-")


@pytest.mark.parametrize("action, who, data", [
    ("satudata_dataset_transition", "subkoord",
     {"id": "penduduk", "transition": "assign", "assignee": "staf-walidata"}),
    ("satudata_request_transition", "subkoord",
     {"id": "{number}", "transition": "reject", "comment": "spam"}),
    ("satudata_request_create", "stranger", REQUEST),
    ("satudata_role_grant", "sysadmin", {"user": "tetangga", "role": "kabid"}),
    ("satudata_role_revoke", "sysadmin", {"user": "kabid-walidata", "role": "kabid"}),
    ("satudata_request_dataset_create", "staf", {"request": "{number}", "name": "x"}),
])
def test_every_write_action_refuses_a_cookie_post_without_the_token(app, team, action, who,
                                                                     data):
    filed = helpers.call_action("satudata_request_create", context=as_user(None), **REQUEST)
    data = {k: v.format(number=filed["number"]) for k, v in data.items()}
    before = (state(team["dataset"]),
              helpers.call_action("satudata_request_show", id=filed["number"])["status"],
              helpers.call_action("satudata_request_list", limit=0)["count"],
              sorted((r["user_id"], r["role"]) for r in roles.assignments()))
    client = browser(app, team[who])
    page = client.post("/api/3/action/%s" % action, json=data, status=400)
    assert "CSRF" in page.body
    after = (state(team["dataset"]),
             helpers.call_action("satudata_request_show", id=filed["number"])["status"],
             helpers.call_action("satudata_request_list", limit=0)["count"],
             sorted((r["user_id"], r["role"]) for r in roles.assignments()))
    assert after == before


# -- the forms ----------------------------------------------------------------------------

def test_a_cross_origin_form_cannot_move_a_dataset(app, team):
    subkoord = browser(app, team["subkoord"])
    form = {"transition": "assign", "assignee": team["staf"]["name"]}
    # what a page on another site can send: the form, the cookie, no token
    subkoord.post("/dataset/penduduk/alur", data=form, status=400)
    subkoord.post("/dataset/penduduk/alur", data=form,
                  headers={"Origin": "https://evil.example"}, status=400)
    assert state(team["dataset"]) == "konsep"
    # the panel's own form carries the token
    token = csrf_token(subkoord, "/dataset/penduduk")
    subkoord.post("/dataset/penduduk/alur", data=dict(form, _csrf_token=token), status=200)
    assert state(team["dataset"]) == "penyusunan"


def test_the_roles_page_refuses_a_forged_post(app, team):
    admin = browser(app, team["sysadmin"])
    admin.post("/ckan-admin/satudata/roles", data={"user": "tetangga", "role": "kabid"},
               status=400)
    assert "kabid" not in roles.roles_of(team["stranger"]["id"])
    token = csrf_token(admin, "/ckan-admin/satudata/roles")
    admin.post("/ckan-admin/satudata/roles",
               data={"user": "tetangga", "role": "kabid", "_csrf_token": token}, status=200)
    assert "kabid" in roles.roles_of(team["stranger"]["id"])


def test_the_requesters_session_is_protected_too(app, team):
    """Once the token lives in the session, a forged POST could withdraw the
    request: the session's authority needs the CSRF token like a login does."""
    filed = helpers.call_action("satudata_request_create", context=as_user(None), **REQUEST)
    url = "/permintaan-data/%s" % filed["number"]
    requester = app.test_client()
    requester.get("%s?token=%s" % (url, filed["access_token"]), status=200)
    requester.post(url + "/aksi", data={"transition": "withdraw"}, status=400)
    assert helpers.call_action("satudata_request_show", id=filed["number"])["status"] == "baru"
    token = csrf_token(requester, url)
    requester.post(url + "/aksi", data={"transition": "withdraw", "_csrf_token": token},
                   status=200)
    assert helpers.call_action("satudata_request_show",
                               id=filed["number"])["status"] == "dibatalkan"


# -- CKAN 2.12's exemption leak -------------------------------------------------------------

def _leak_targets(team, filed):
    """(path, form data of a harmless POST, who posts with the cookie, check nothing moved)"""
    number = filed["number"]

    def request_status():
        return helpers.call_action("satudata_request_show", id=number)["status"]

    def dataset_state():
        return state(team["dataset"])

    def kabid_roles():
        return sorted(roles.roles_of(team["stranger"]["id"]))

    def about():
        return model.User.get("tetangga").about

    return [
        ("/dataset/penduduk/alur", {"transition": "assign",
                                    "assignee": team["staf"]["name"]},
         "subkoord", dataset_state),
        ("/permintaan-data/%s/aksi" % number, {"transition": "reject", "comment": "spam"},
         "subkoord", request_status),
        ("/ckan-admin/satudata/roles", {"user": "tetangga", "role": "kabid"},
         "sysadmin", kabid_roles),
        ("/api/3/action/satudata_dataset_transition",
         {"id": "penduduk", "transition": "assign", "assignee": team["staf"]["name"]},
         "subkoord", dataset_state),
        ("/user/edit/tetangga", {"name": "tetangga", "email": "t@example.com",
                                 "about": "diubah lewat CSRF", "save": ""},
         "stranger", about),
    ]


@pytest.mark.parametrize("first", ["api_token", "anonymous"])
@pytest.mark.parametrize("target", range(5))
def test_a_header_or_anonymous_request_does_not_exempt_the_view_for_others(app, team, first,
                                                                          target):
    """CKAN 2.12 exempts the view of any request authenticated by header (or
    anonymous) for the rest of the process: here a stranger's token request
    (or an anonymous one) to the view, then a token-less cookie POST to it."""
    filed = helpers.call_action("satudata_request_create", context=as_user(None), **REQUEST)
    path, form, victim, unchanged = _leak_targets(team, filed)[target]
    before = unchanged()
    attacker = app.test_client()
    headers = api_token(team["stranger"]) if first == "api_token" else {}
    # the first request goes through (CKAN exempts it: no cookie to forge)
    response = attacker.post(path, data={"transition": "noop"}, headers=headers,
                             follow_redirects=False)
    assert response.status_code != 400 or "CSRF" not in response.body
    # the victim's browser, with its session cookie, is still protected
    page = browser(app, team[victim]).post(path, data=form)
    assert page.status_code == 400 and "CSRF" in page.body
    assert unchanged() == before
    # and the exemption did not outlive the request that needed it
    from ckan.config.middleware.flask_app import csrf
    view = app.flask_app.view_functions[_endpoint(app, path)]
    assert "%s.%s" % (view.__module__, view.__name__) not in set(csrf._exempt_views)


def _endpoint(app, path):
    adapter = app.flask_app.url_map.bind("test.ckan.net")
    return adapter.match(path, method="POST")[0]


def test_the_token_request_itself_stays_exempt(app, team):
    """What CKAN means by the exemption still holds for the request that
    authenticates with the header: an API client needs no CSRF token."""
    page = app.test_client().post(
        "/dataset/penduduk/alur", headers=api_token(team["subkoord"]),
        data={"transition": "assign", "assignee": team["staf"]["name"]}, status=200)
    assert "CSRF" not in page.body
    assert state(team["dataset"]) == "penyusunan"

"""Issue 22 on the request service's edges: the rate limit holds whatever API
URL reaches the action, the POSTs that put a token into a browser's session
need CKAN's CSRF token, and junk paging parameters are refusals, never a
500. Real HTTP through CKAN's Flask app, real Redis and PostgreSQL."""
import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import ckan.model as model
from ckan.common import config
from ckan.tests import helpers

from ckanext.satudata.requests import views as request_views
from tests.requests.helpers import ANON, RINA

pytestmark = pytest.mark.usefixtures("satudata_db", "clean_redis")

_META = re.compile(r'<meta name="_csrf_token" content="([^"]+)"')


def _count():
    model.Session.remove()
    return helpers.call_action("satudata_request_list", limit=0)["count"]


# -- 5. the rate limit, by the action rather than the path's spelling ----------------------

PREFIXES = ["/api/action/", "/api/3/action/", "/api/03/action/", "/api/003/action/"]


@pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "2")
@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_api_url_of_the_action_counts_and_is_limited(app, walidata, prefix):
    for _ in range(2):
        assert app.post(prefix + "satudata_request_create", json=RINA).status_code == 200
    for other in PREFIXES + ["/permintaan-data/baru"]:
        body = {"json": RINA} if other.startswith("/api/") else {"data": RINA}
        answer = app.post(other + ("satudata_request_create" if other.startswith("/api/")
                                   else ""), **body)
        assert answer.status_code == 429, other
        assert int(answer.headers["Retry-After"]) > 0
    assert _count() == 2
    # other actions by the limited address still answer
    assert app.post(prefix + "satudata_request_list", json={}).status_code == 200


# -- 8. the token box and the form need the CSRF token ---------------------------------------

@pytest.mark.ckan_config("WTF_CSRF_ENABLED", True)
@pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")
def test_a_cross_site_post_plants_no_token(app, opds):
    planted = helpers.call_action("satudata_request_create", context=dict(ANON), **RINA)
    url = "/permintaan-data/%s/token" % planted["number"]
    visitor = app.test_client()   # a fresh browser, no session yet
    for form in ({"access_token": planted["access_token"]},
                 {"access_token": planted["access_token"], "_csrf_token": "forged"}):
        answer = visitor.post(url, data=form, follow_redirects=False)
        assert answer.status_code == 400 and "CSRF" in answer.body
    with visitor.session_transaction(base_url=config["ckan.site_url"]) as session:
        assert not session.get(request_views.SESSION_TOKENS)
    page = visitor.get("/permintaan-data/%s" % planted["number"], status=200)
    assert RINA["email"] not in page.body          # still the public view
    # the box on the page carries the token and works
    token = _META.search(page.body).group(1)
    assert 'name="_csrf_token"' in page.body
    visitor.post(url, data={"access_token": planted["access_token"], "_csrf_token": token},
                 status=200)
    with visitor.session_transaction(base_url=config["ckan.site_url"]) as session:
        assert session[request_views.SESSION_TOKENS] == {
            planted["number"]: planted["access_token"]}
    assert RINA["email"] in visitor.get("/permintaan-data/%s" % planted["number"]).body


@pytest.mark.ckan_config("WTF_CSRF_ENABLED", True)
@pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")
def test_a_cross_site_form_files_nothing(app, opds):
    visitor = app.test_client()
    answer = visitor.post("/permintaan-data/baru", data=RINA, follow_redirects=False)
    assert answer.status_code == 400 and "CSRF" in answer.body
    assert _count() == 0
    page = visitor.get("/permintaan-data/baru", status=200)
    token = _META.search(page.body).group(1)
    done = visitor.post("/permintaan-data/baru", data=dict(RINA, _csrf_token=token),
                        follow_redirects=False)
    assert done.status_code in (302, 303)
    assert _count() == 1
    # an API client (no cookie) files without one, as before
    assert app.test_client().post("/api/3/action/satudata_request_create",
                                  json=RINA).status_code == 200


# -- 9. junk paging parameters are refusals -------------------------------------------------

API = "/api/3/action/satudata_request_list"
JUNK = ["", " ", "abc", -1, "-1", 1001, 10 ** 30, "9" * 40, 1.5, "1.5", True, [], [5],
        {}, {"a": 1}, "\x00", "٣"]


@pytest.mark.parametrize("key", ["limit", "offset"])
@pytest.mark.parametrize("value", JUNK, ids=repr)
def test_junk_paging_is_a_bilingual_refusal(app, opds, key, value):
    if key == "offset" and value in (1001,):
        pytest.skip("a large offset is a valid, empty page")
    answer = app.post(API, json={key: value})
    assert answer.status_code == 409, answer.body
    error = answer.json["error"]
    assert error["__type"] == "Validation Error"
    message = " ".join(str(m) for m in error.get(key, []) or error.values())
    assert " / " in message, message


def test_good_paging_still_works(app, opds, filed):
    for body in ({}, {"limit": 0}, {"limit": "5"}, {"limit": 1000, "offset": "0"},
                 {"offset": 2 ** 62}):
        answer = app.post(API, json=body)
        assert answer.status_code == 200, (body, answer.body)
    assert app.post(API, json={"limit": 1}).json["result"]["count"] == 1


PARAMS = ["limit", "offset", "status", "organization", "q"]
VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.integers(-2 ** 70, 2 ** 70),
              st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
              st.sampled_from(["", " ", "-1", "1e3", "0x10", "1_000", "٣", "\x00", "baru",
                               "dinkes", "%", "_"])),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=4), inner, max_size=2)),
    max_leaves=5)


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=st.dictionaries(st.sampled_from(PARAMS), VALUES, max_size=5))
def test_request_list_never_answers_500(app, opds, body):
    try:
        answer = app.post(API, json=body)
    except ValueError:   # JSON cannot carry it (NaN is, Infinity is): not our answer
        return
    assert answer.status_code < 500, (body, answer.body[:300])
    if answer.status_code != 200:
        assert answer.json["success"] is False

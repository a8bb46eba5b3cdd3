"""Hostile inputs never get a 500 (issue 16: 52 of 843 did).

Property-based (PyPI ``hypothesis``): every action the extension adds
(``satudata_*``) and ``package_search``'s parameters, through the real HTTP
API (POST JSON and GET query strings), as an anonymous caller, a logged-in
user and a sysadmin: random types (numbers, lists, dicts, None), sizes,
unicode with lone surrogates and NUL, deep nesting, SQL and Lucene injection.
Any answer below 500 is fine; an error answer must be CKAN's JSON error body.
The runs are derandomized and bounded (``max_examples``) so the file stays fast.
"""
import json
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st


import ckan.model as model
from ckan.tests import factories

from tests.helpers import built_once, SdiDataset, walidata_team, walk

settings.register_profile(
    "satudata-hostile", max_examples=6, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.large_base_example])
HOSTILE = settings.get_profile("satudata-hostile")

INJECTIONS = [
    "' OR '1'='1", "'; DROP TABLE package; --", "\") OR 1=1 --", "1; SELECT pg_sleep(10)",
    "*:*", "{!lucene}*:*", "_query_:\"{!dismax}x\"", "id:* OR capacity:private",
    "permission_labels:*", "satudata_state:*", "((((((((((a", "a:b:c:d", "[* TO *]",
    "name:/.*/", "\\", "\"", "%", "_", "\x00", "\ud800", "a\x00b", "NOW+999999999999YEARS",
    "metadata_modified:[NOW-99999999999DAYS TO *]", "../../etc/passwd", "<script>x</script>",
    "{{7*7}}", "${jndi:ldap://x}", "AND OR NOT", "-" * 200, "(" * 500, "NOT " * 300,
    "a* " * 50, "\u202e\u0000\uffff", "9" * 400,
]
NUMBERS = st.one_of(st.integers(), st.integers(min_value=-2**70, max_value=2**70),
                    st.sampled_from([0, -1, 2**31, 2**63, 10**30, -10**30]),
                    st.floats(allow_nan=False, allow_infinity=False))
TEXT = st.one_of(
    st.text(max_size=40),                                   # incl. lone surrogates, NUL
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.sampled_from(INJECTIONS),
    st.integers(min_value=1, max_value=6000).map(lambda n: "a" * n),
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8)


def _deep(n):
    value = "x"
    for _ in range(n):
        value = [value]
    return value


DEEP = st.sampled_from([_deep(50), _deep(500), {"a": {"b": {"c": _deep(100)}}}])
ANY_VALUE = st.one_of(VALUES, DEEP)

ACTION_PARAMS = [
    "id", "number", "user", "role", "transition", "comment", "assignee", "expected_state",
    "workflow", "group_by", "date_from", "date_to", "status", "organization", "q", "limit",
    "offset", "access_token", "dataset", "resource_url", "upload", "request", "name",
    "email", "phone", "institution", "identity_number", "title", "description", "purpose",
    "format", "website", "owner_org", "resource_name", "notes",
]
SEARCH_PARAMS = [
    "q", "fq", "fq_list", "sort", "rows", "start", "facet", "facet.field", "facet.limit",
    "facet.mincount", "fl", "include_private", "include_drafts", "include_deleted",
    "use_default_schema", "q.op", "defType", "qf", "ext_bbox", "df", "wt",
]


def _satudata_actions():
    from ckanext.satudata.plugin import SatudataPlugin
    actions = SatudataPlugin.get_actions(SatudataPlugin.__new__(SatudataPlugin))
    return sorted(name for name in actions if name.startswith("satudata_"))


def build_world(walidata, sysadmin):
    """A published dataset, a filed request and the callers' API tokens."""
    import ckan.plugins.toolkit as tk
    org = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    SdiDataset(name="jumlah-puskesmas", title="Jumlah Puskesmas", owner_org=org["id"],
               tags=[{"name": "kesehatan"}])
    walk("jumlah-puskesmas", walidata)
    request = tk.get_action("satudata_request_create")({"ignore_auth": True, "user": ""}, {
        "name": "Warga", "email": "warga@example.com", "title": "Data puskesmas",
        "description": "Mohon data", "purpose": "Penelitian"})
    user = factories.User(name="warga-biasa")
    model.repo.commit()
    return {
        "tokens": {
            "anonymous": None,
            "user": factories.APIToken(user=user["name"])["token"],
            "sysadmin": factories.APIToken(user=sysadmin["name"])["token"],
        },
        "request": request,
        "org_id": org["id"],
    }


@pytest.fixture(scope="module")
def _shared():
    return {}


@pytest.fixture
def world(request, _shared, with_plugins):
    """The world, built once for the tests that only search it (~0.7 s a
    build): built again only when a test of the module emptied the database
    since. A test that calls the satudata actions (which may write: a new
    request, a transition as the sysadmin) takes `satudata_db` and gets an
    empty database and a world of its own."""
    return built_once(request, _shared,
                      lambda: build_world(walidata_team(), factories.Sysadmin()),
                      lambda kept: ("group", kept["org_id"]))



def _check(resp, what):
    """Never a 5xx; an error answer is CKAN's JSON error body."""
    assert resp.status_code < 500, "%s -> %s: %s" % (
        what, resp.status_code, resp.get_data(as_text=True)[:500])
    if resp.content_type.startswith("application/json"):
        body = resp.json
        if resp.status_code == 400 and isinstance(body, str):
            return  # core's answer to a body that is no JSON object, or GET of a POST action
        assert isinstance(body, dict) and "success" in body, (what, body)
        if resp.status_code >= 400:
            assert body["success"] is False and "error" in body, (what, body)


def _post(app, token, action, body):
    headers = {"Authorization": token} if token else {}
    # json.dumps keeps lone surrogates as \\ud800 escapes: valid JSON text
    resp = app.post("/api/3/action/%s" % action, data=json.dumps(body),
                    content_type="application/json", headers=headers,
                    follow_redirects=False)
    _check(resp, "POST %s %r" % (action, body))
    return resp


def _get(app, token, action, params):
    headers = {"Authorization": token} if token else {}
    query = urllib.parse.urlencode(params, doseq=True, errors="surrogatepass")
    resp = app.get("/api/3/action/%s?%s" % (action, query), headers=headers,
                   follow_redirects=False)
    _check(resp, "GET %s %r" % (action, params))
    return resp


WHO = ["anonymous", "user", "sysadmin"]


# -- the regressions of the issue, every action, every caller -------------------

KNOWN = [
    {"id": 123}, {"id": ["a", "b"]}, {"id": {"$ne": 1}}, {"id": None}, {"id": True},
    {"id": "\x00"}, {"id": "a\x00b", "number": "\x00"}, {"id": "\ud800"},
    {"limit": "abc"}, {"limit": -1}, {"limit": 10**30}, {"offset": 10**30},
    {"offset": 2**63}, {"offset": "abc"}, {"offset": -5}, {"q": "\x00"},
    {"q": "(" * 5000}, {"q": 5}, {"user": 7}, {"user": ["x"]}, {"role": {"a": 1}},
    {"transition": ["assign"]}, {"workflow": 1, "group_by": []},
    {"workflow": "dataset", "group_by": "step", "date_from": 20250101},
    {"workflow": "dataset", "group_by": "step", "date_from": "9999-99-99"},
    {"status": 1}, {"organization": {"id": "x"}}, {"access_token": 12},
    {"request": ["x"]}, {"number": 1.5},
]


def _all(checks):
    """Run every check; report every failure at once."""
    failures = []
    for check in checks:
        try:
            check()
        except AssertionError as e:
            failures.append(str(e).split("\n")[0][:300])
    assert not failures, "%d failures:\n%s" % (len(failures), "\n".join(failures))


@pytest.mark.usefixtures("satudata_db")   # the actions may write
@pytest.mark.parametrize("who", WHO)
def test_known_hostile_inputs_on_every_satudata_action(app, world, who):
    token = world["tokens"][who]
    number = world["request"]["number"]
    checks = []
    for action in _satudata_actions():
        for body in KNOWN:
            checks.append(lambda a=action, b=body: _post(app, token, a, b))
            # the same with a real reference alongside (reaches deeper code)
            checks.append(lambda a=action, b=body: _post(
                app, token, a, dict({"id": number, "request": number}, **b)))
        checks.append(lambda a=action: _post(app, token, a, [1, 2]))  # not an object
        checks.append(lambda a=action: _post(app, token, a, "x"))
        checks.append(lambda a=action: _get(app, token, a, {
            "id": "\x00", "limit": "abc", "offset": "9" * 40}))
    _all(checks)


@pytest.mark.usefixtures("satudata_db")   # the actions may write
@pytest.mark.parametrize("who", WHO)
def test_satudata_actions_never_500(app, world, who):
    token = world["tokens"][who]
    number = world["request"]["number"]
    bodies = st.dictionaries(st.one_of(st.sampled_from(ACTION_PARAMS), st.text(max_size=6)),
                             ANY_VALUE, max_size=6)

    for action in _satudata_actions():
        @HOSTILE
        @given(body=bodies, with_ref=st.booleans())
        def check(body, with_ref):
            if with_ref:  # a real request number gets past the lookups
                body = dict({"id": number, "request": number}, **body)
            _post(app, token, action, body)
        check()


@pytest.mark.parametrize("who", ["anonymous", "user"])
def test_package_search_post_never_500(app, world, who):
    token = world["tokens"][who]

    @settings(HOSTILE, max_examples=60)
    @given(body=st.dictionaries(st.sampled_from(SEARCH_PARAMS), ANY_VALUE, max_size=6))
    def check(body):
        _post(app, token, "package_search", body)
    check()


@pytest.mark.parametrize("who", ["anonymous", "user"])
def test_package_search_get_never_500(app, world, who):
    token = world["tokens"][who]
    text = st.one_of(TEXT, NUMBERS.map(str))

    @settings(HOSTILE, max_examples=40)
    @given(params=st.dictionaries(st.sampled_from(SEARCH_PARAMS),
                                  st.one_of(text, st.lists(text, max_size=3)), max_size=6))
    def check(params):
        _get(app, token, "package_search", params)
    check()


@pytest.mark.parametrize("body", [
    {"q": "\x00"}, {"fq": "tags:\x00"}, {"q": "\ud800"}, {"q": ["a", "b"]}, {"q": {"a": 1}},
    {"q": 5}, {"fq_list": "tags:x"}, {"fq_list": [1, None]}, {"fq_list": [["x"]]},
    {"sort": 5}, {"sort": "name asc; DROP TABLE package"}, {"rows": "abc"}, {"rows": -1},
    {"rows": 10**30}, {"start": 10**30}, {"start": "abc"}, {"start": -1},
    {"facet.field": "tags"}, {"facet.field": [1, None]}, {"facet.field": [["tags"]]},
    {"facet.field": ["tags"], "facet.limit": "abc"},
    {"facet.field": ["tags"], "facet.limit": 10**30},
    {"facet.field": ["tags"], "facet.mincount": 10**30}, {"fl": 5}, {"fl": ["id", None]},
    {"include_private": "maybe"}, {"include_private": [1]}, {"q": "(" * 5000 + "a"},
    {"q": "NOT " * 2000 + "a"}, {"fq": "metadata_modified:[NOW+99999999999YEARS TO *]"},
    {"fq": "metadata_modified:[0000-00-00 TO *]"}, {"q": "a* " * 30},
    {"q": "name:[\x00 TO \uffff]"}, {"defType": "edismax", "qf": "x^1000"},
])
def test_package_search_known_hostile_inputs(app, world, body):
    for who in ("anonymous", "user"):
        resp = _post(app, world["tokens"][who], "package_search", body)
        assert resp.status_code in (200, 400, 409), (body, resp.status_code)
        resp = _get(app, world["tokens"][who], "package_search", {
            k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()})
        assert resp.status_code in (200, 400, 409), (body, resp.status_code)


def test_a_check_that_cannot_fail_is_no_check(app, world):
    """The assertion helper itself catches a 500 (guards against a vacuous test)."""
    class Fake:
        status_code = 500
        content_type = "text/html"

        def get_data(self, as_text=False):
            return "boom"
    with pytest.raises(AssertionError):
        _check(Fake(), "fake")


def test_blank_integers_mean_the_default(app, world):
    """Core's own pages send rows=''; a blank start was a 500 in core."""
    for params in ({"rows": ""}, {"start": ""}, {"start": " ", "rows": ""},
                   {"facet.field": '["tags"]', "facet.limit": ""}):
        resp = _get(app, None, "package_search", params)
        assert resp.status_code == 200, (params, resp.json)
        assert resp.json["result"]["count"] == 1
    resp = _get(app, None, "package_search", {"rows": "[1]"})
    assert resp.status_code == 409
    assert resp.json["error"]["rows"] == ["Harus bilangan bulat / Must be an integer"]

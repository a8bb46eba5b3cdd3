"""Search is bounded (issue 16): size of q/fq, clauses, wildcards, nesting and
a statement_timeout on the search's own SQL. Over a bound: HTTP 409 with a
bilingual message, never a 500, never a stalled worker; the caller's session
and transaction stay usable."""
import time

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.lib.search.query import PackageSearchQuery as CkanPackageSearchQuery
from ckan.tests import factories, helpers

from ckanext.satudata.search import query as search_query
from tests.helpers import built_once, SdiDataset, walidata_team, walk
from ckanext.satudata.search.bounds import SearchBoundError, literal_prefix

SEARCH = "/api/3/action/package_search"
P = "ckanext.satudata.search."


def build_catalogue(walidata):
    """Two published datasets (anonymous callers see them). Every indexed text is
    fixed: the factories' random Faker prose ("a", "and") made the counts flaky."""
    org = factories.Organization(name="dinkes", title="Dinas Kesehatan",
                                 description="Dinas Kesehatan Kabupaten Banyuwangi")
    SdiDataset(name="kematian-bayi", title="Angka Kematian Bayi", owner_org=org["id"],
               notes="Angka kematian bayi per kecamatan", tags=[{"name": "kesehatan"}])
    SdiDataset(name="jumlah-puskesmas", title="Jumlah Puskesmas", owner_org=org["id"],
               notes="Jumlah puskesmas per kecamatan", tags=[{"name": "kesehatan"}])
    for name in ("kematian-bayi", "jumlah-puskesmas"):
        walk(name, walidata)
    return org


@pytest.fixture(scope="module")
def _shared():
    return {}


@pytest.fixture
def catalogue(request, _shared, with_plugins):
    """The catalogue, built once for the tests that only search it (~0.5 s a
    build): built again only when a test of the module emptied the database
    since. A test that writes takes `satudata_db` and gets an empty database
    and a catalogue of its own."""
    return built_once(request, _shared, lambda: {"org": build_catalogue(walidata_team())},
                      lambda kept: ("group", kept["org"]["id"]))["org"]



def _post(app, status, **body):
    resp = app.post(SEARCH, json=body, status=status)
    return resp.json


def _bound_message(body):
    """The 409's message: CKAN's "Search error" with ours, bilingual."""
    assert body["success"] is False
    assert body["error"]["__type"] == "Search Error"
    message = body["error"]["message"]
    assert " / " in message, message
    return message


def _names(body):
    return sorted(d["name"] for d in body["result"]["results"])


# -- sizes -------------------------------------------------------------------

@pytest.mark.ckan_config(P + "q_max_length", "50")
def test_q_over_its_size_is_a_409(catalogue, app):
    assert _names(_post(app, 200, q="puskesmas " * 5)) == ["jumlah-puskesmas"]
    message = _bound_message(_post(app, 409, q="puskesmas " * 6))
    assert "Search query too long: q has 59 characters, at most 50" in message
    assert "Kueri pencarian terlalu panjang" in message


@pytest.mark.ckan_config(P + "fq_max_length", "100")
def test_fq_and_each_fq_list_item_over_their_size_are_a_409(catalogue, app):
    assert _post(app, 200, fq="tags:kesehatan")["result"]["count"] == 2
    _bound_message(_post(app, 409, fq="tags:kesehatan " + "x" * 100))
    message = _bound_message(_post(app, 409, fq_list=["tags:kesehatan", "tags:" + "x" * 101]))
    assert "fq has" in message


def test_default_bounds_refuse_the_300_kb_query_at_once(catalogue, app):
    start = time.perf_counter()
    message = _bound_message(_post(app, 409, q=("a* " * 100_000)[:300_000]))
    assert time.perf_counter() - start < 5
    assert "at most 4000" in message


# -- clauses -----------------------------------------------------------------

@pytest.mark.ckan_config(P + "q_max_length", "0")
def test_solr_default_of_1024_clauses(catalogue, app):
    words = ["kata%d" % i for i in range(1023)] + ["puskesmas"]
    assert _names(_post(app, 200, q=" OR ".join(words))) == ["jumlah-puskesmas"]
    message = _bound_message(_post(app, 409, q=" OR ".join(words + ["bayi"])))
    assert "1025" in message and "at most 1024" in message


@pytest.mark.ckan_config(P + "max_clauses", "3")
@pytest.mark.ckan_config(P + "q_max_length", "0")
def test_clauses_of_q_and_of_all_fq(catalogue, app):
    # core adds +capacity:public +state:(active) to fq: two of its three
    assert _post(app, 200, q="bayi OR puskesmas OR x", fq_list=["tags:kesehatan"])
    message = _bound_message(_post(app, 409, q="bayi OR puskesmas",
                                   fq_list=["tags:kesehatan", "name:x"]))
    assert "fq has 4, at most 3" in message
    assert "q has 4" in _bound_message(_post(app, 409, q="a1 OR b1 OR c1 OR d1"))
    # a range, a phrase and a word are a clause each
    _bound_message(_post(app, 409, q='"angka kematian" bayi name:[a TO z] puskesmas'))
    # 40,000 OR'd terms (19 s before the bounds) are refused before parsing
    start = time.perf_counter()
    _bound_message(_post(app, 409, q=" OR ".join("kata%d" % i for i in range(40_000))))
    assert time.perf_counter() - start < 5


@pytest.mark.ckan_config(P + "max_clauses", "2")
def test_plain_text_fallback_counts_its_words(catalogue, app):
    # not valid Lucene (a lone bracket): searched as plain words, still bounded
    _bound_message(_post(app, 409, q="angka ( kematian bayi"))
    assert _post(app, 200, q="kematian ( bayi")["result"]["count"] == 1


# -- wildcards ---------------------------------------------------------------

def test_wildcard_needs_a_literal_prefix(catalogue, app):
    assert _names(_post(app, 200, q="puskes*")) == ["jumlah-puskesmas"]
    assert _names(_post(app, 200, q="name:ju*")) == ["jumlah-puskesmas"]
    for q in ("a*", "*an", "?uskesmas", "name:j*", "title:*mlah"):
        message = _bound_message(_post(app, 409, q=q))
        assert "needs at least 2 characters before * or ?" in message
    # `*:*`, `field:*` and an escaped star are no wildcard expansion
    assert _post(app, 200, q="*:*")["result"]["count"] == 2
    assert _post(app, 200, q="tags:*")["result"]["count"] == 2
    assert _post(app, 200, q="a\\*")["result"]["count"] == 0


def test_literal_prefix():
    assert literal_prefix("ke*") == 2
    assert literal_prefix("*ke") == 0
    assert literal_prefix("k\\*e?") == 3
    assert literal_prefix("a?b*") == 1


@pytest.mark.ckan_config(P + "max_wildcards", "3")
def test_number_of_wildcard_terms(catalogue, app):
    assert _post(app, 200, q="ang* OR kem* OR pus*")["result"]["count"] == 2
    message = _bound_message(_post(app, 409, q="ang* OR kem*", fq="name:ju* OR name:ke*"))
    assert "Too many wildcard terms (* or ?) in the search: 4, at most 3" in message


@pytest.mark.ckan_config(P + "wildcard_min_prefix", "0")
@pytest.mark.ckan_config(P + "max_wildcards", "0")
def test_wildcard_bounds_can_be_turned_off(catalogue, app):
    assert _post(app, 200, q="name:j*")["result"]["count"] == 1


# -- nesting -----------------------------------------------------------------

@pytest.mark.ckan_config(P + "max_depth", "8")
def test_nesting_depth(catalogue, app):
    assert _post(app, 200, q="(" * 7 + "puskesmas" + ")" * 7)["result"]["count"] == 1
    message = _bound_message(_post(app, 409, q="(" * 9 + "puskesmas" + ")" * 9))
    assert "nested too deeply (9) in q, at most 8" in message
    _bound_message(_post(app, 409, fq="NOT " * 9 + "tags:kesehatan"))
    _bound_message(_post(app, 409, q="- - - - - - - - - bayi"))
    # brackets inside a phrase are text, not nesting
    assert _post(app, 200, q='"' + "(" * 20 + 'bayi"')["result"]["count"] == 1


def test_default_depth_stops_what_would_exhaust_the_recursion(catalogue, app):
    _bound_message(_post(app, 409, q="(" * 3000 + "a" + ")" * 3000))
    _bound_message(_post(app, 409, q="NOT " * 900 + "bayi"))


# -- statement_timeout ---------------------------------------------------------

def _slow_facets(seconds):
    original = CkanPackageSearchQuery._facets

    def slow(where_sql, params, facet_fields, limit, mincount):
        model.Session.execute(sa.text("SELECT pg_sleep(%f)" % seconds))
        return original(where_sql, params, facet_fields, limit, mincount)
    return staticmethod(slow)


@pytest.mark.ckan_config(P + "statement_timeout", "200")
def test_statement_timeout_is_a_409_not_a_stalled_worker(catalogue, app, monkeypatch):
    monkeypatch.setattr(CkanPackageSearchQuery, "_facets", _slow_facets(5))
    start = time.perf_counter()
    message = _bound_message(_post(app, 409, q="bayi", **{"facet.field": ["tags"]}))
    assert time.perf_counter() - start < 4
    assert "The search was stopped after 0.2 seconds" in message
    # the next request of the same worker is served as usual
    monkeypatch.undo()
    assert _post(app, 200, q="bayi", **{"facet.field": ["tags"]})["result"]["count"] == 1
    assert app.get("/api/3/action/status_show").json["success"] is True


@pytest.mark.usefixtures("satudata_db")   # writes: an organization
@pytest.mark.ckan_config(P + "statement_timeout", "200")
def test_timeout_leaves_the_callers_transaction_and_timeout_intact(catalogue, monkeypatch):
    session = model.Session
    # the caller's own unsaved work in the same transaction
    factories.Organization(name="opd-baru")  # commits; now an uncommitted change:
    org = model.Group.get("opd-baru")
    org.title = "Judul belum disimpan"
    session.execute(sa.text("SET LOCAL statement_timeout = '42s'"))

    monkeypatch.setattr(CkanPackageSearchQuery, "_facets", _slow_facets(3))
    with pytest.raises(SearchBoundError):
        helpers.call_action("package_search", q="bayi", **{"facet.field": ["tags"]})
    monkeypatch.undo()
    assert session.execute(sa.text("SHOW statement_timeout")).scalar() == "42s"
    assert session.execute(sa.text("SELECT 1")).scalar() == 1
    # a successful search gives the caller's timeout back too
    assert helpers.call_action("package_search", q="bayi")["count"] == 1
    assert session.execute(sa.text("SHOW statement_timeout")).scalar() == "42s"
    model.repo.commit()
    session.remove()
    assert model.Group.get("opd-baru").title == "Judul belum disimpan"


@pytest.mark.ckan_config(P + "statement_timeout", "300")
def test_search_sql_runs_under_the_configured_timeout(catalogue):
    seen = []
    original = CkanPackageSearchQuery._facets

    def spy(where_sql, params, facet_fields, limit, mincount):
        seen.append(model.Session.execute(sa.text("SHOW statement_timeout")).scalar())
        return original(where_sql, params, facet_fields, limit, mincount)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(CkanPackageSearchQuery, "_facets", staticmethod(spy))
        helpers.call_action("package_search", q="bayi", **{"facet.field": ["tags"]})
    assert seen == ["300ms"]


def test_database_limit_errors_are_a_409(catalogue):
    """Whatever bound PostgreSQL itself hits (stack depth, ...) is a bound
    error, and the session goes on."""
    with pytest.raises(SearchBoundError):
        with search_query.bounded(model.Session):
            # the shape of the old `ts_rank_cd(v, q1 || q2 || ...)`: 54001
            model.Session.execute(sa.text("SELECT 1" + " + 1" * 100_000))
    assert model.Session.execute(sa.text("SELECT 1")).scalar() == 1


# -- the /dataset page ---------------------------------------------------------

def test_dataset_page_shows_the_bound_message_not_a_500(catalogue, app):
    resp = app.get("/dataset/", query_string={"q": "a*"}, status=200)
    assert "There was an error while searching" in resp.body
    assert "needs at least 2 characters before * or ?" in resp.body
    assert "perlu paling sedikit 2 huruf" in resp.body
    resp = app.get("/dataset/", query_string={"q": "kematian " * 500}, status=200)
    assert "Search query too long" in resp.body
    # and an ordinary search still lists datasets
    resp = app.get("/dataset/", query_string={"q": "puskes*"}, status=200)
    assert "jumlah-puskesmas" in resp.body

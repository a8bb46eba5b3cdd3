"""satudata_search as a plugin of its own (issue 11): prefix search on the
words as written, the date forms Solr accepts, the workflow state fresh in
the index, facet counts kept per permission label set, rebuild-fast."""
import datetime as dt

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings, strategies as st

import ckan.lib.search as search
import ckan.model as model
from ckan.cli.cli import ckan as ckan_cli
from ckan.lib.search.common import SearchError, SearchQueryError
from ckan.tests import factories, helpers

from ckanext.satudata.search import index as search_index
from ckanext.satudata.search.lucene import normalise_timestamps, parse_solr_date
from tests.helpers import built_once, SdiDataset, as_user, site_context, transition, walidata_team, walk

# The tests that only search what `penduduk` builds share one build (below);
# a test that writes, or searches an empty catalogue, has a database of its own.
OWN_DB = pytest.mark.usefixtures("satudata_db")


def names(result):
    return sorted(r["name"] for r in result["results"])


def anonymous(**params):
    return helpers.call_action("package_search", context=as_user(None), **params)


def build_people(walidata):
    dinkes = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    opd = factories.User(name="opd-dinkes")
    helpers.call_action("organization_member_create", context=site_context(),
                        id=dinkes["id"], username=opd["name"], role="editor")
    return dict(walidata, opd=opd, dinkes=dinkes)


def build_penduduk(people):
    SdiDataset(name="jumlah-penduduk", title="Jumlah Penduduk per Kecamatan",
               notes="Data kependudukan dan pencatatan sipil", owner_org=people["dinkes"]["id"],
               tags=[{"name": "demografi"}])
    SdiDataset(name="angka-kematian-bayi", title="Angka Kematian Bayi",
               notes="Jumlah kematian bayi di puskesmas", owner_org=people["dinkes"]["id"])
    for name in ("jumlah-penduduk", "angka-kematian-bayi"):
        walk(name, people)
    return people


@pytest.fixture(scope="module")
def _shared():
    return {}


@pytest.fixture
def penduduk(request, _shared, with_plugins):
    """The people and the two published datasets, built once for the tests
    that only search them (~0.5 s a build): built again only when a test of
    the module emptied the database since. A test that writes takes
    `satudata_db` and gets an empty database and a build of its own."""
    return built_once(request, _shared,
                      lambda: build_penduduk(build_people(walidata_team())),
                      lambda kept: ("group", kept["dinkes"]["id"]))



# -- prefix and wildcard on the words as written -----------------------------

@pytest.mark.parametrize("q", ["title:pendu*", "pendu*", "title:Pendu*", "notes:kependu*",
                               "kependu*", "title:pendud?k", "tags:demo*"])
def test_prefix_matches_the_unstemmed_word(penduduk, q):
    # `penduduk` stems to `duduk` in Indonesian: the prefix must not see stems
    assert names(anonymous(q=q)) == ["jumlah-penduduk"], q


def test_prefix_does_not_match_inside_a_word(penduduk):
    assert anonymous(q="title:uduk*")["count"] == 0
    assert anonymous(q="title:duduk")["count"] == 1  # the stemmed word search still works


# -- dates as Solr takes them ------------------------------------------------

NOW = dt.datetime(2026, 11, 26, 10, 30, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("value,expected", [
    ("2026-11-01T00:00:00Z", dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)),
    ("2026-11-01T00:00:00+00:00Z", dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)),
    ("2026-11-01T07:00:00+07:00", dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)),
    ("2026-11-01T00:00:00.500Z", dt.datetime(2026, 11, 1, 0, 0, 0, 500000, dt.timezone.utc)),
    ("NOW-1DAY/DAY", dt.datetime(2026, 11, 25, tzinfo=dt.timezone.utc)),
    ("NOW/DAY+1DAY", dt.datetime(2026, 11, 27, tzinfo=dt.timezone.utc)),
    ("2026-11-01T10:00:00Z/DAY+1DAY", dt.datetime(2026, 11, 2, tzinfo=dt.timezone.utc)),
])
def test_solr_date_forms(value, expected):
    assert parse_solr_date(value, now=NOW) == expected


def test_timestamps_with_offsets_reach_the_parser_in_utc():
    assert normalise_timestamps("metadata_modified:[2026-11-01T07:00:00+07:00 TO *]") == \
        "metadata_modified:[2026-11-01T00:00:00Z TO *]"
    # a phrase is left as written
    assert normalise_timestamps('title:"2026-11-01T07:00:00+07:00"') == \
        'title:"2026-11-01T07:00:00+07:00"'


@pytest.mark.parametrize("fq", [
    "metadata_modified:[2026-11-01T00:00:00Z TO *]",
    "metadata_modified:[2026-11-01T00:00:00+00:00Z TO NOW]",
    "metadata_modified:[2026-11-01T07:00:00+07:00 TO *]",
    "metadata_modified:[NOW-1DAY/DAY TO *]",
    "metadata_modified:[* TO NOW+1DAY]",
])
def test_date_filters_in_package_search(penduduk, fq):
    assert anonymous(fq=fq)["count"] == 2, fq


def test_date_filter_excludes_by_offset(penduduk):
    # in the future, whichever way the offset is written
    later = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2))
    as_wib = later.astimezone(dt.timezone(dt.timedelta(hours=7))).strftime("%Y-%m-%dT%H:%M:%S+07:00")
    assert anonymous(fq="metadata_modified:[%s TO *]" % as_wib)["count"] == 0
    earlier = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2))
    as_wib = earlier.astimezone(dt.timezone(dt.timedelta(hours=7))).strftime("%Y-%m-%dT%H:%M:%S+07:00")
    assert anonymous(fq="metadata_modified:[%s TO *]" % as_wib)["count"] == 2


def test_dcat_catalog_modified_since_with_a_timezone(penduduk, app):
    for since in ("2026-11-01T00:00:00Z", "2026-11-01T00:00:00+07:00", "2026-11-01"):
        resp = app.get("/catalog.ttl", query_string={"modified_since": since})
        assert resp.status_code == 200, (since, resp.status_code)
        assert "Jumlah Penduduk per Kecamatan" in resp.body


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(when=st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1),
                         timezones=st.sampled_from([dt.timezone.utc,
                                                    dt.timezone(dt.timedelta(hours=7)),
                                                    dt.timezone(dt.timedelta(hours=-5, minutes=-30))])),
       style=st.sampled_from(["offset", "offset_z", "utc_z"]))
def test_any_timestamp_form_means_the_same_instant(when, style):
    if style == "utc_z":
        text = when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    else:
        text = when.isoformat() + ("Z" if style == "offset_z" else "")
    normalised = normalise_timestamps("metadata_modified:[%s TO *]" % text)
    value = normalised[len("metadata_modified:["):-len(" TO *]")]
    assert parse_solr_date(value) == when


@OWN_DB   # searches an empty database
@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(value=st.text(alphabet="0123456789-:TZ+./NOWDAYHURSECMI *", max_size=40))
def test_any_date_range_is_a_result_or_a_4xx_never_a_500(value):
    try:
        helpers.call_action("package_search", context=as_user(None),
                            fq="metadata_modified:[%s TO *]" % value)
    except SearchQueryError:
        pass  # the API answers 400
    except SearchError:
        pass  # a bound: 409
    except Exception as e:  # pragma: no cover - the bug this guards against
        if type(e).__name__ in ("ValidationError",):
            return
        raise


def test_api_answers_400_for_a_bad_date(penduduk, app):
    resp = app.post("/api/3/action/package_search",
                    json={"fq": "metadata_modified:[2026-13-45T99:00:00Z TO *]"},
                    status=400)
    assert resp.json["success"] is False


# -- the workflow state fresh in the index -----------------------------------

def indexed(name):
    return search.show(name)


def workflow_state(package_id):
    return model.Session.execute(sa.text(
        "SELECT state FROM satudata_dataset_workflow WHERE package_id = :id"),
        {"id": package_id}).scalar()


def staff_finds(people, state):
    result = helpers.call_action(
        "package_search", context=as_user(people["subkoord"]), include_private=True,
        fq="satudata_state:%s" % state, rows=100)
    return names(result)


@OWN_DB
def test_held_discarded_and_published_revisions_keep_the_index_state(penduduk):
    people = penduduk
    pkg = model.Package.get("jumlah-penduduk")
    assert indexed("jumlah-penduduk")["satudata_state"] == "terbit"

    # an edit of the live dataset is held as a revision: penyusunan
    helpers.call_action("package_patch", context=as_user(people["opd"]),
                        id="jumlah-penduduk", title="Jumlah Penduduk (revisi)")
    assert workflow_state(pkg.id) == "penyusunan"
    assert indexed("jumlah-penduduk")["satudata_state"] == "penyusunan"
    assert indexed("jumlah-penduduk")["satudata_revision_pending"] == "true"
    assert "jumlah-penduduk" in staff_finds(people, "penyusunan")
    assert "jumlah-penduduk" not in staff_finds(people, "terbit")

    # discarded: back to terbit
    transition(people["subkoord"], "jumlah-penduduk", "discard", comment="Tidak jadi.")
    assert workflow_state(pkg.id) == "terbit"
    assert indexed("jumlah-penduduk")["satudata_state"] == "terbit"
    assert "jumlah-penduduk" in staff_finds(people, "terbit")

    # held again and published through the chain: terbit, no revision pending
    helpers.call_action("package_patch", context=as_user(people["opd"]),
                        id="jumlah-penduduk", title="Jumlah Penduduk (revisi 2)")
    assert indexed("jumlah-penduduk")["satudata_state"] == "penyusunan"
    for name, role in (("submit", "staf"), ("approve", "subkoord"), ("approve", "kabid")):
        transition(people[role], "jumlah-penduduk", name)
        assert indexed("jumlah-penduduk")["satudata_state"] == workflow_state(pkg.id)
    transition(people["staf"], "jumlah-penduduk", "publish")
    doc = indexed("jumlah-penduduk")
    assert doc["satudata_state"] == "terbit" and doc["satudata_revision_pending"] == "false"
    assert doc["title"] == "Jumlah Penduduk (revisi 2)"


@OWN_DB
def test_every_indexed_state_matches_the_workflow_row(penduduk):
    helpers.call_action("package_patch", context=as_user(penduduk["opd"]),
                        id="angka-kematian-bayi", notes="Revisi catatan")
    rows = model.Session.execute(sa.text(
        "SELECT w.state, i.fields->'satudata_state'->>0 FROM satudata_dataset_workflow w "
        "JOIN satudata_search_index i USING (package_id)")).all()
    assert rows and all(a == b for a, b in rows), rows


# -- facet counts kept per label set ------------------------------------------

FACETS = ["organization", "groups", "tags", "res_format", "license_id", "topic"]


def counted_and_scanned(user, **params):
    """The same search through the maintained counts and through the scan
    (a no-op filter the counts path does not take)."""
    context = as_user(user)
    base = dict(params, rows=0, **{"facet.field": FACETS, "facet.limit": -1})
    counted = helpers.call_action("package_search", context=dict(context), **base)
    fq = (base.get("fq", "") + " -name:__never__").strip()
    scanned = helpers.call_action("package_search", context=dict(context), **dict(base, fq=fq))
    return counted, scanned


def assert_counts_match(user, **params):
    counted, scanned = counted_and_scanned(user, **params)
    assert counted["count"] == scanned["count"]
    assert counted["facets"] == scanned["facets"]
    return counted


@OWN_DB   # the recount rewrites the counts
def test_counts_table_agrees_with_a_recount(penduduk):
    before = model.Session.execute(sa.text(
        "SELECT site_id, labels, dataset_type, capacity, key, value, n "
        "FROM satudata_search_facet_count WHERE n <> 0 ORDER BY 1,2,3,4,5,6")).all()
    search_index.recount_facets()
    after = model.Session.execute(sa.text(
        "SELECT site_id, labels, dataset_type, capacity, key, value, n "
        "FROM satudata_search_facet_count WHERE n <> 0 ORDER BY 1,2,3,4,5,6")).all()
    assert before == after and after


ops = st.lists(st.tuples(
    st.sampled_from(["create", "update", "private", "public", "delete"]),
    st.integers(0, 5),
    st.lists(st.sampled_from(["air", "bayi", "sekolah", "jalan"]), max_size=3),
    st.sampled_from(["CSV", "XLSX", "PDF"])), min_size=1, max_size=8)


@OWN_DB
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=ops)
def test_counts_equal_the_scan_whatever_happens(people_factory, steps):
    people = people_factory()
    orgs = [people["dinkes"], people["dishub"]]
    made, dead = {}, set()
    for op, i, tags, fmt in steps:
        name = "ds-%d" % i
        if name in dead:
            continue
        tag_dicts = [{"name": t} for t in tags]
        if op == "create" or name not in made:
            if name in made:
                continue
            made[name] = helpers.call_action(
                "package_create", context=site_context(), name=name, title="Data %d" % i,
                notes="Catatan %d" % i,
                owner_org=orgs[i % 2]["id"], topic="pemerintahan_umum",
                update_frequency="tahunan", period_start="2025", presentation_level="kecamatan",
                unit="jiwa", classification="terbuka", tags=tag_dicts,
                resources=[{"url": "http://example.com/%d" % i, "format": fmt, "name": "R"}])
        elif op == "update":
            helpers.call_action("package_patch", context=site_context(), id=name, tags=tag_dicts)
        elif op in ("private", "public"):
            model.Session.execute(sa.text("UPDATE package SET private = :p WHERE name = :n"),
                                  {"p": op == "private", "n": name})
            model.repo.commit()
            search.rebuild(name)
        elif op == "delete":
            helpers.call_action("package_delete", context=site_context(), id=name)
            made.pop(name)
            dead.add(name)
    for user in (None, people["opd"], people["subkoord"]):
        assert_counts_match(user)
        assert_counts_match(user, fq="+dataset_type:dataset")
        assert_counts_match(user, fq="+dataset_type:dataset +capacity:public")
    counts_before = model.Session.execute(sa.text(
        "SELECT labels, key, value, n FROM satudata_search_facet_count WHERE n <> 0 "
        "ORDER BY 1, 2, 3")).all()
    search_index.recount_facets()
    assert model.Session.execute(sa.text(
        "SELECT labels, key, value, n FROM satudata_search_facet_count WHERE n <> 0 "
        "ORDER BY 1, 2, 3")).all() == counts_before


@pytest.fixture
def people_factory(reset_db, walidata):
    """A fresh catalogue for each hypothesis example."""
    from tests.conftest import satudata_db as _  # noqa: F401 (documentation)

    def make():
        model.Session.execute(sa.text("DELETE FROM satudata_search_index"))
        model.Session.execute(sa.text("DELETE FROM satudata_search_facet_count"))
        for (package_id,) in model.Session.query(model.Package.id).all():
            helpers.call_action("dataset_purge", context=site_context(), id=package_id)
        model.repo.commit()
        orgs = {o.name: o for o in model.Session.query(model.Group).all()}
        dinkes = orgs.get("dinkes") or factories.Organization(name="dinkes")
        dishub = orgs.get("dishub") or factories.Organization(name="dishub")
        dinkes = {"id": dinkes.id} if hasattr(dinkes, "id") and not isinstance(dinkes, dict) else dinkes
        dishub = {"id": dishub.id} if hasattr(dishub, "id") and not isinstance(dishub, dict) else dishub
        opd = model.User.get("opd-x") or None
        if opd is None:
            opd_dict = factories.User(name="opd-x")
            helpers.call_action("organization_member_create", context=site_context(),
                                id=dinkes["id"], username="opd-x", role="editor")
        else:
            opd_dict = {"name": opd.name, "id": opd.id}
        return dict(walidata, dinkes=dinkes, dishub=dishub, opd=opd_dict)
    return make


def test_the_dataset_page_facets_come_from_the_counts(penduduk, monkeypatch):
    from ckan.lib.search.query import PackageSearchQuery
    scans = []
    original = PackageSearchQuery._facets
    monkeypatch.setattr(PackageSearchQuery, "_facets", staticmethod(
        lambda *a: scans.append(1) or original(*a)))
    result = anonymous(fq="+dataset_type:dataset", **{"facet.field": FACETS})
    assert not scans and result["count"] == 2
    assert result["facets"]["organization"] == {"dinkes": 2}
    anonymous(q="bayi", **{"facet.field": FACETS})
    assert scans  # free text still scans the matches


def test_one_facet_value_is_counted_from_the_counts(penduduk):
    """A search by one facet value and no facets (the dataset page's related
    datasets, the API by OPD or tag) takes its count from the counts table,
    not a count(*) that grows with the catalogue (issue 28, 100,000
    datasets): the same count and results as the scan, for each user."""
    topic = helpers.call_action("package_show", id="jumlah-penduduk")["topic"]
    filters = ['organization:"dinkes"', "organization:dinkes", 'tags:"demografi"',
               "+tags:demografi", 'topic:"%s" +dataset_type:dataset' % topic,
               'tags:"tidak-ada"', "+dataset_type:dataset +capacity:public res_format:CSV"]
    counting = []

    def record(conn, cursor, statement, *args):
        if "count(*) FROM satudata_search_index" in statement:
            counting.append(statement)
    engine = model.meta.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        for user in (None, penduduk["opd"]):
            for fq in filters:
                counting.clear()
                params = dict(fq=fq, rows=5, sort="metadata_modified desc")
                counted = helpers.call_action("package_search", context=as_user(user), **params)
                assert not counting, fq
                scanned = helpers.call_action("package_search", context=as_user(user),
                                              **dict(params, fq=fq + " -name:__never__"))
                assert counting, fq   # the scan did count: the check above can fail
                assert counted["count"] == scanned["count"], fq
                assert names(counted) == names(scanned), fq
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert anonymous(fq='organization:"dinkes"', rows=0)["count"] == 2
    assert anonymous(fq='tags:"demografi"', rows=0)["count"] == 1
    # asked with facets, the filtered facets still come from the scan
    assert anonymous(fq='tags:"demografi"', **{"facet.field": ["tags"]})["facets"]["tags"] \
        == {"demografi": 1}


# -- rebuild-fast (multi-process) ----------------------------------------------

@OWN_DB
def test_rebuild_fast_indexes_every_dataset(penduduk, cli):
    model.Session.execute(sa.text("DELETE FROM satudata_search_index"))
    model.Session.execute(sa.text("DELETE FROM satudata_search_facet_count"))
    model.repo.commit()
    result = cli.invoke(ckan_cli, ["search-index", "rebuild-fast"])
    assert result.exit_code == 0, result.output
    model.Session.remove()
    rows = model.Session.execute(sa.text("SELECT name FROM satudata_search_index")).scalars().all()
    assert sorted(rows) == ["angka-kematian-bayi", "jumlah-penduduk"]
    assert anonymous(q="penduduk")["count"] == 1
    assert_counts_match(None)


# -- open-ended wildcard terms and local parameters: a result or a 4xx ---------

@OWN_DB   # searches an empty database
@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(word=st.text(alphabet="pendukPENDUK*?\\'\"-", min_size=1, max_size=12),
       field=st.sampled_from(["", "title:", "notes:", "tags:", "name:"]))
def test_any_wildcard_term_is_a_result_or_a_4xx(word, field):
    try:
        helpers.call_action("package_search", context=as_user(None), q=field + word)
    except SearchError:
        pass  # SearchQueryError: 400; a bound: 409


def test_wildcard_matches_whole_words_only(penduduk):
    assert names(anonymous(q="title:pe*k")) == ["jumlah-penduduk"]
    assert anonymous(q="title:pe*x")["count"] == 0
    assert anonymous(q="title:pe*u")["count"] == 0  # `penduduk` does not end in u
    assert names(anonymous(q="penduduk*")) == ["jumlah-penduduk"]


@pytest.mark.ckan_config("ckan.search.solr_allowed_query_parsers", "bool lucene dismax knn")
def test_local_parameters_of_allowed_parsers(penduduk):
    assert names(anonymous(q="{!bool must=penduduk}")) == ["jumlah-penduduk"]
    assert anonymous(q="{!bool must=penduduk must_not=kecamatan}")["count"] == 0
    assert anonymous(q="{!lucene q.op=OR}penduduk bayi")["count"] == 2
    assert anonymous(q="{!lucene q.op=AND}penduduk bayi")["count"] == 0
    with pytest.raises(SearchQueryError):
        anonymous(q="{!knn f=vector topK=3}[1, 2]")
    with pytest.raises(SearchQueryError):
        anonymous(q="{!bool must='unclosed}")

"""The PostgreSQL search backend through CKAN's own package_search and the
other callers of ckan.lib.search (SPEC "Search"; issue "Search")."""
import datetime as dt

import pytest
import sqlalchemy as sa

import ckan.lib.search as search
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan as ckan_cli
from ckan.tests import factories, helpers

from tests.helpers import built_once, SdiDataset, site_context, walidata_team, walk


def names(result):
    return sorted(r["name"] for r in result["results"])


def search_as(user=None, **params):
    context = {"user": user["name"] if user else "", "ignore_auth": False}
    return helpers.call_action("package_search", context=context, **params)


def build_catalogue(walidata):
    """Two OPDs, four published datasets and one still in preparation; the
    callers TestPermissionLabels searches as (a sysadmin, a stranger, members)."""
    dinkes = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    dispendik = factories.Organization(name="dispendik", title="Dinas Pendidikan")
    SdiDataset(name="angka-kematian-bayi", title="Angka Kematian Bayi per Kecamatan",
               notes="Jumlah kematian bayi di puskesmas Kabupaten Banyuwangi",
               owner_org=dinkes["id"], topic="perlindungan_sosial_kesehatan",
               tags=[{"name": "kesehatan"}, {"name": "bayi"}],
               resources=[{"url": "http://example.com/akb.csv", "format": "CSV", "name": "AKB"}])
    SdiDataset(name="jumlah-puskesmas", title="Jumlah Puskesmas",
               notes="Fasilitas kesehatan tingkat pertama per kecamatan",
               owner_org=dinkes["id"], topic="perlindungan_sosial_kesehatan",
               tags=[{"name": "kesehatan"}],
               resources=[{"url": "http://example.com/p.xlsx", "format": "XLSX", "name": "P"}])
    SdiDataset(name="jumlah-sekolah-dasar", title="Jumlah Sekolah Dasar",
               notes="Sekolah dasar negeri dan swasta per kecamatan",
               owner_org=dispendik["id"], topic="pendidikan_tenaga_kerja",
               tags=[{"name": "pendidikan"}],
               resources=[{"url": "http://example.com/sd.csv", "format": "CSV", "name": "SD"}])
    SdiDataset(name="angka-partisipasi-sekolah", title="Angka Partisipasi Sekolah",
               notes="Rasio partisipasi murni pendidikan dasar; bukan data kesehatan",
               owner_org=dispendik["id"], topic="pendidikan_tenaga_kerja",
               tags=[{"name": "pendidikan"}, {"name": "sekolah"}])
    SdiDataset(name="rahasia-dinkes", title="Data Internal Kesehatan", private=True,
               notes="Belum terbit", owner_org=dinkes["id"],
               tags=[{"name": "kesehatan"}, {"name": "internal"}],
               resources=[{"url": "http://example.com/r.csv", "format": "CSV", "name": "R"}])
    for name in ("angka-kematian-bayi", "jumlah-puskesmas", "jumlah-sekolah-dasar",
                 "angka-partisipasi-sekolah"):
        walk(name, walidata)
    callers = {"sysadmin": factories.Sysadmin(), "stranger": factories.User(),
               "outsider": member(dispendik), "dinkes_member": member(dinkes, "member"),
               "dinkes_editor": member(dinkes)}
    return dict(callers, dinkes=dinkes, dispendik=dispendik)


def member(org, capacity="editor"):
    user = factories.User()
    helpers.call_action("organization_member_create", context=site_context(),
                        id=org["id"], username=user["name"], role=capacity)
    return user


@pytest.fixture(scope="module")
def _shared():
    return {}


@pytest.fixture
def catalogue(request, _shared, with_plugins):
    """The catalogue, built once for the tests that only read it (~0.7 s a
    build): built again only when a test of the module emptied the database
    since. A test that writes takes `satudata_db` (directly or through a
    fixture: `sysadmin`, `walidata`) and gets an empty database and a
    catalogue of its own."""
    return built_once(request, _shared, lambda: build_catalogue(walidata_team()),
                      lambda kept: ("group", kept["dinkes"]["id"]))



class TestFreeText:
    @pytest.mark.parametrize("q, expected", [
        ("*:*", ["angka-kematian-bayi", "angka-partisipasi-sekolah", "jumlah-puskesmas",
                 "jumlah-sekolah-dasar"]),
        ("", ["angka-kematian-bayi", "angka-partisipasi-sekolah", "jumlah-puskesmas",
              "jumlah-sekolah-dasar"]),
        ("puskesmas", ["angka-kematian-bayi", "jumlah-puskesmas"]),
        ("PUSKESMAS kecamatan", ["angka-kematian-bayi", "jumlah-puskesmas"]),
        # Indonesian stemming: "sehat" finds "kesehatan"
        ("sehat", ["angka-kematian-bayi", "angka-partisipasi-sekolah", "jumlah-puskesmas"]),
        ('"sekolah dasar"', ["jumlah-sekolah-dasar"]),
        ("kesehatan -bayi", ["angka-partisipasi-sekolah", "jumlah-puskesmas"]),
        ("kesehatan NOT bayi", ["angka-partisipasi-sekolah", "jumlah-puskesmas"]),
        ("bayi OR sekolah", ["angka-kematian-bayi", "angka-partisipasi-sekolah",
                             "jumlah-sekolah-dasar"]),
        ("puskesmas AND bayi", ["angka-kematian-bayi"]),
        ("(bayi OR murni) AND puskesmas", ["angka-kematian-bayi"]),
        ("partisi*", ["angka-partisipasi-sekolah"]),
        ("tidakadakatainidimanapun", []),
        ("covid-19", []),
        # not valid Lucene: searched as plain words rather than failing
        ('"sekolah', ["angka-partisipasi-sekolah", "jumlah-sekolah-dasar"]),
    ])
    def test_q(self, catalogue, q, expected):
        assert names(search_as(q=q)) == expected

    def test_fielded_q(self, catalogue):
        assert names(search_as(q="name:jumlah-puskesmas")) == ["jumlah-puskesmas"]
        assert names(search_as(q="tags:bayi")) == ["angka-kematian-bayi"]
        assert names(search_as(q="title:sekolah")) == ["angka-partisipasi-sekolah",
                                                        "jumlah-sekolah-dasar"]
        assert names(search_as(q="name:jumlah-*")) == ["jumlah-puskesmas", "jumlah-sekolah-dasar"]

    def test_title_ranks_above_notes(self, catalogue):
        # "puskesmas" is in one title and in another's notes
        result = search_as(q="puskesmas", sort="score desc")
        assert [r["name"] for r in result["results"]] == ["jumlah-puskesmas",
                                                          "angka-kematian-bayi"]


class TestFilterQueries:
    @pytest.mark.parametrize("fq, expected", [
        ("+organization:dinkes", ["angka-kematian-bayi", "jumlah-puskesmas"]),
        ("+dataset_type:dataset +organization:dispendik",
         ["angka-partisipasi-sekolah", "jumlah-sekolah-dasar"]),
        ('tags:"kesehatan"', ["angka-kematian-bayi", "jumlah-puskesmas"]),
        ('tags: "pendidikan"', ["angka-partisipasi-sekolah", "jumlah-sekolah-dasar"]),
        ('tags:"pendidikan"organization:"dispendik"tags:"sekolah"', ["angka-partisipasi-sekolah"]),
        ("res_format:CSV", ["angka-kematian-bayi", "jumlah-sekolah-dasar"]),
        ("res_format:csv", []),  # string fields are exact, as in Solr
        ("capacity:public", ["angka-kematian-bayi", "angka-partisipasi-sekolah",
                             "jumlah-puskesmas", "jumlah-sekolah-dasar"]),
        ("name:(jumlah-puskesmas OR jumlah-sekolah-dasar)",
         ["jumlah-puskesmas", "jumlah-sekolah-dasar"]),
        ("-organization:dinkes", ["angka-partisipasi-sekolah", "jumlah-sekolah-dasar"]),
        ("organization:dinkes -tags:bayi", ["jumlah-puskesmas"]),
        ("organization:dinkes OR tags:sekolah",
         ["angka-kematian-bayi", "angka-partisipasi-sekolah", "jumlah-puskesmas"]),
        ("topic:pendidikan_tenaga_kerja", ["angka-partisipasi-sekolah", "jumlah-sekolah-dasar"]),
        ('+site_id:"satudata-test"', ["angka-kematian-bayi", "angka-partisipasi-sekolah",
                                      "jumlah-puskesmas", "jumlah-sekolah-dasar"]),
        ('+site_id:"another-portal"', []),
        ("region_code_bps:3510 +presentation_level:kecamatan",
         ["angka-kematian-bayi", "angka-partisipasi-sekolah", "jumlah-puskesmas",
          "jumlah-sekolah-dasar"]),
        ("res_format:*", ["angka-kematian-bayi", "jumlah-puskesmas", "jumlah-sekolah-dasar"]),
    ])
    def test_fq(self, catalogue, fq, expected):
        assert names(search_as(fq=fq)) == expected

    def test_fq_list_is_anded(self, catalogue):
        result = search_as(fq_list=["+organization:dinkes", "res_format:CSV"])
        assert names(result) == ["angka-kematian-bayi"]

    def test_date_ranges(self, catalogue):
        everything = search_as(fq="metadata_modified:[2000-01-01T00:00:00Z TO *]")
        assert everything["count"] == 4
        assert search_as(fq="metadata_modified:[* TO 2000-01-01T00:00:00Z]")["count"] == 0
        assert search_as(fq="metadata_modified:[NOW-1DAY TO NOW]")["count"] == 4
        assert search_as(fq="metadata_created:[NOW/DAY-1DAY TO NOW+1DAY]")["count"] == 4
        assert search_as(fq="metadata_modified:{NOW TO *]")["count"] == 0
        # ckanext-dcat's form
        since = (dt.datetime.utcnow() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert search_as(fq_list=["-dataset_type:harvest",
                                  "metadata_modified:[%s TO NOW]" % since])["count"] == 4

    @pytest.mark.parametrize("fq", [
        "organization:(dinkes", "metadata_modified:[yesterday TO *]", "tags:/reg.*ex/",
        "a:b:c", "{!lucene}organization:dinkes", "_query_:x",
    ])
    def test_untranslatable_fq_is_a_search_error_not_broader(self, catalogue, fq):
        with pytest.raises(search.SearchError):
            search_as(fq=fq)

    def test_api_answers_search_errors_without_a_500(self, catalogue, app):
        resp = app.get("/api/3/action/package_search", query_string={"fq": "organization:(x"},
                       status=400)
        assert resp.json["success"] is False
        assert "Search" in resp.json["error"]["__type"]

    @pytest.mark.usefixtures("satudata_db")   # writes: a draft
    def test_include_drafts_and_deleted(self, catalogue, sysadmin):
        draft = SdiDataset(name="draf", owner_org=catalogue["dinkes"]["id"], state="draft")
        assert "draf" not in names(search_as(sysadmin, include_private=True, rows=50))
        assert "draf" in names(search_as(sysadmin, include_private=True, include_drafts=True,
                                         rows=50))
        assert draft


@pytest.mark.usefixtures("satudata_db")   # writes: a deletion
@pytest.mark.ckan_config("ckan.search.remove_deleted_packages", "false")
def test_include_deleted(catalogue, sysadmin):
    helpers.call_action("package_delete", context=site_context(), id="jumlah-puskesmas")
    assert "jumlah-puskesmas" not in names(search_as(sysadmin))
    assert "jumlah-puskesmas" in names(search_as(sysadmin, include_deleted=True))


class TestFacetsSortPaging:
    def test_facets(self, catalogue):
        result = search_as(**{"facet.field": ["organization", "tags", "res_format", "topic"]})
        assert result["facets"]["organization"] == {"dinkes": 2, "dispendik": 2}
        assert result["facets"]["tags"] == {"kesehatan": 2, "pendidikan": 2, "bayi": 1,
                                            "sekolah": 1}
        assert result["facets"]["res_format"] == {"CSV": 2, "XLSX": 1}
        assert result["facets"]["topic"] == {"perlindungan_sosial_kesehatan": 2,
                                             "pendidikan_tenaga_kerja": 2}
        org_items = result["search_facets"]["organization"]["items"]
        assert {i["display_name"] for i in org_items} == {"Dinas Kesehatan", "Dinas Pendidikan"}

    def test_facet_limit_and_mincount(self, catalogue):
        result = search_as(**{"facet.field": ["tags"], "facet.limit": 2})
        assert result["facets"]["tags"] == {"kesehatan": 2, "pendidikan": 2}
        result = search_as(**{"facet.field": ["tags"], "facet.mincount": 2})
        assert result["facets"]["tags"] == {"kesehatan": 2, "pendidikan": 2}
        result = search_as(q="bayi", **{"facet.field": ["tags"]})
        assert result["facets"]["tags"] == {"bayi": 1, "kesehatan": 1}

    @pytest.mark.parametrize("sort, expected", [
        ("name asc", ["angka-kematian-bayi", "angka-partisipasi-sekolah",
                      "jumlah-puskesmas", "jumlah-sekolah-dasar"]),
        ("name desc", ["jumlah-sekolah-dasar", "jumlah-puskesmas",
                       "angka-partisipasi-sekolah", "angka-kematian-bayi"]),
        ("title_string asc", ["angka-kematian-bayi", "angka-partisipasi-sekolah",
                              "jumlah-puskesmas", "jumlah-sekolah-dasar"]),
        ("metadata_modified asc", ["angka-kematian-bayi", "jumlah-puskesmas",
                                   "jumlah-sekolah-dasar", "angka-partisipasi-sekolah"]),
        ("metadata_modified desc", ["angka-partisipasi-sekolah", "jumlah-sekolah-dasar",
                                    "jumlah-puskesmas", "angka-kematian-bayi"]),
        ("topic asc, name desc", ["jumlah-sekolah-dasar", "angka-partisipasi-sekolah",
                                  "jumlah-puskesmas", "angka-kematian-bayi"]),
    ])
    def test_sort(self, catalogue, sort, expected):
        assert [r["name"] for r in search_as(sort=sort)["results"]] == expected

    @pytest.mark.parametrize("sort", ["name sideways", "name; DROP TABLE package", "name asc extra"])
    def test_bad_sort_is_refused(self, catalogue, sort):
        with pytest.raises(search.SearchError):
            search_as(sort=sort)

    def test_paging(self, catalogue):
        pages = [search_as(sort="name asc", rows=1, start=i) for i in range(5)]
        assert [p["count"] for p in pages] == [4, 4, 4, 4, 4]
        assert [r["name"] for p in pages for r in p["results"]] == [
            "angka-kematian-bayi", "angka-partisipasi-sekolah", "jumlah-puskesmas",
            "jumlah-sekolah-dasar"]
        assert search_as(rows=0)["results"] == [] and search_as(rows=0)["count"] == 4

    def test_results_are_full_dataset_dicts(self, catalogue):
        result = search_as(q="name:jumlah-puskesmas")["results"][0]
        assert result == helpers.call_action("package_show", id="jumlah-puskesmas")

    def test_fl(self, catalogue):
        result = search_as(q="name:jumlah-puskesmas", fl="name,title,tags,topic")
        assert result["results"] == [{"name": "jumlah-puskesmas", "title": "Jumlah Puskesmas",
                                      "tags": ["kesehatan"],
                                      "topic": "perlindungan_sosial_kesehatan"}]
        ids = search.query_for(model.Package)
        ids.run({"q": "*:*", "fl": "id", "rows": 10, "fq": "+capacity:public"})
        assert len(ids.results) == 4 and all(isinstance(i, str) for i in ids.results)


class TestPermissionLabels:
    """The security boundary: a user sees exactly what package_show lets them."""

    def test_private_dataset_hidden_from_outsiders_counts_and_facets_included(self, catalogue):
        outsider = catalogue["outsider"]   # an editor of dispendik
        for user in (None, catalogue["stranger"], outsider):
            result = search_as(user, q="*:*", include_private=True,
                               **{"facet.field": ["tags", "organization"]})
            assert "rahasia-dinkes" not in names(result)
            assert result["count"] == 4
            assert "internal" not in result["facets"]["tags"]
            assert result["facets"]["organization"] == {"dinkes": 2, "dispendik": 2}
            assert search_as(user, q="rahasia", include_private=True)["count"] == 0

    def test_owning_opd_and_sysadmin_see_it(self, catalogue):
        member, sysadmin = catalogue["dinkes_member"], catalogue["sysadmin"]
        for user in (member, sysadmin):
            result = search_as(user, include_private=True,
                               **{"facet.field": ["tags"], "rows": 2})
            assert result["count"] == 5
            assert result["facets"]["tags"]["internal"] == 1
            assert search_as(user, q="internal", include_private=True)["count"] == 1
        # without include_private the public listing stays public
        assert search_as(member)["count"] == 4

    def test_labels_cannot_be_widened_from_fq(self, catalogue):
        stranger = catalogue["stranger"]
        for fq in ("capacity:private", "*:* OR capacity:private"):
            result = search_as(stranger, include_private=True, fq=fq)
            assert "rahasia-dinkes" not in names(result)
        # outside the Walidata team the labels are no field to query at all
        for fq in ("permission_labels:*",
                   '+permission_labels:"member-%s"' % catalogue["dinkes"]["id"]):
            with pytest.raises(search.SearchQueryError):
                search_as(stranger, include_private=True, fq=fq)

    def test_matches_package_show(self, catalogue):
        stranger = catalogue["stranger"]
        with pytest.raises(tk.ObjectNotFound):  # hidden answers as missing
            helpers.call_action("package_show", context={"user": stranger["name"],
                                                         "ignore_auth": False},
                                id="rahasia-dinkes")

    def test_organization_counts(self, catalogue):
        member, sysadmin = catalogue["dinkes_editor"], catalogue["sysadmin"]
        expected = {None: 2, member["name"]: 3, sysadmin["name"]: 3}
        for user, dinkes_count in expected.items():
            orgs = helpers.call_action("organization_list",
                                       context={"user": user or "", "ignore_auth": False},
                                       all_fields=True, include_dataset_count=True)
            assert {o["name"]: o["package_count"] for o in orgs} == {
                "dinkes": dinkes_count, "dispendik": 2}
        shown = helpers.call_action("organization_show",
                                    context={"user": "", "ignore_auth": False}, id="dinkes",
                                    include_datasets=True)
        assert shown["package_count"] == 2
        assert {d["name"] for d in shown["packages"]} == {"angka-kematian-bayi",
                                                          "jumlah-puskesmas"}


class TestIndexing:
    @pytest.mark.usefixtures("satudata_db")   # writes
    def test_update_delete_purge(self, catalogue, sysadmin):
        # an unpublished dataset is updated in place (a published one holds
        # the edit as a revision: see test_dataset_workflow.py)
        context = site_context()
        helpers.call_action("package_patch", context=context, id="rahasia-dinkes",
                            title="Data Internal Kesehatan dan Pustu")
        assert names(search_as(sysadmin, q="pustu", include_private=True)) == ["rahasia-dinkes"]
        helpers.call_action("package_delete", context=site_context(), id="rahasia-dinkes")
        assert search_as(sysadmin, q="pustu", include_private=True)["count"] == 0
        helpers.call_action("dataset_purge", context=site_context(), id="jumlah-sekolah-dasar")
        rows = model.Session.execute(sa.text(
            "SELECT count(*) FROM satudata_search_index WHERE name IN "
            "('rahasia-dinkes', 'jumlah-sekolah-dasar')")).scalar()
        assert rows == 0

    @pytest.mark.usefixtures("satudata_db")   # writes
    def test_owner_org_change(self, catalogue):
        helpers.call_action("package_owner_org_update", context=site_context(),
                            id="jumlah-puskesmas", organization_id=catalogue["dispendik"]["id"])
        assert "jumlah-puskesmas" in names(search_as(fq="organization:dispendik"))

    @pytest.mark.usefixtures("satudata_db")   # writes
    def test_group_membership_changes(self, catalogue):
        group = factories.Group(name="kesehatan-ibu-anak")
        helpers.call_action("member_create", context=site_context(), id=group["id"],
                            object="angka-kematian-bayi", object_type="package",
                            capacity="public")
        assert names(search_as(fq="groups:kesehatan-ibu-anak")) == ["angka-kematian-bayi"]
        groups = helpers.call_action("group_list", context={"user": "", "ignore_auth": False},
                                     all_fields=True)
        assert groups[0]["package_count"] == 1
        helpers.call_action("member_delete", context=site_context(), id=group["id"],
                            object="angka-kematian-bayi", object_type="package")
        assert names(search_as(fq="groups:kesehatan-ibu-anak")) == []

    @pytest.mark.usefixtures("satudata_db")   # tries to write
    def test_failed_action_leaves_index_untouched(self, catalogue):
        with pytest.raises(tk.ValidationError):
            helpers.call_action("package_patch", context=site_context(), id="jumlah-puskesmas",
                                title="Baru", topic="bukan-topik")
        assert search_as(q="name:jumlah-puskesmas")["results"][0]["title"] == "Jumlah Puskesmas"

    def test_before_dataset_index_hooks_run(self, catalogue):
        # scheming/core hooks shape the document: extras-free SDI fields are indexed
        doc = search.show("jumlah-puskesmas")
        assert doc["topic"] == "perlindungan_sosial_kesehatan"
        assert doc["capacity"] == "public"
        assert doc["permission_labels"] == ["public", "satudata-walidata"]
        assert doc["satudata_state"] == "terbit"


@pytest.mark.usefixtures("satudata_db")   # they clear and rebuild the index
class TestSearchIndexCommands:
    def test_rebuild_clear_show(self, catalogue, cli):
        result = cli.invoke(ckan_cli, ["search-index", "clear"])
        assert result.exit_code == 0, result.output
        assert search_as()["count"] == 0
        result = cli.invoke(ckan_cli, ["search-index", "rebuild"])
        assert result.exit_code == 0, result.output
        assert search_as()["count"] == 4
        result = cli.invoke(ckan_cli, ["search-index", "rebuild", "-e", "-i"])
        assert result.exit_code == 0, result.output
        assert search_as()["count"] == 4
        result = cli.invoke(ckan_cli, ["search-index", "clear", "jumlah-puskesmas"])
        assert result.exit_code == 0, result.output
        assert search_as()["count"] == 3
        result = cli.invoke(ckan_cli, ["search-index", "rebuild", "jumlah-puskesmas"])
        assert result.exit_code == 0, result.output
        assert search_as()["count"] == 4
        result = cli.invoke(ckan_cli, ["search-index", "show", "jumlah-puskesmas"])
        assert result.exit_code == 0 and "jumlah-puskesmas" in result.output
        result = cli.invoke(ckan_cli, ["search-index", "check"])
        assert "Packages not indexed = 0" in result.output

    def test_rebuild_only_missing(self, catalogue, cli):
        model.Session.execute(sa.text(
            "DELETE FROM satudata_search_index WHERE name = 'jumlah-puskesmas'"))
        model.Session.commit()
        assert search_as()["count"] == 3
        result = cli.invoke(ckan_cli, ["search-index", "rebuild", "-o"])
        assert result.exit_code == 0, result.output
        assert search_as()["count"] == 4

    def test_clean_index_fixture_empties_the_index(self, catalogue, reset_index):
        reset_index()
        assert search_as()["count"] == 0


class TestPages:
    def test_home_dataset_and_organization_pages(self, catalogue, app):
        home = app.get("/", status=200).body
        assert "Data Internal Kesehatan" not in home
        page = app.get("/dataset/", query_string={"q": "puskesmas"})
        assert "Jumlah Puskesmas" in page.body and "Angka Kematian Bayi" in page.body
        assert "rahasia-dinkes" not in page.body
        page = app.get("/dataset/", query_string={"tags": "pendidikan"})
        assert "Jumlah Sekolah Dasar" in page.body and "Jumlah Puskesmas" not in page.body
        page = app.get("/organization/dinkes")
        assert "Jumlah Puskesmas" in page.body and "Data Internal Kesehatan" not in page.body
        app.get("/dataset/jumlah-puskesmas", status=200)
        app.get("/dataset/rahasia-dinkes", status=404)

    def test_dcat_catalog(self, catalogue, app):
        body = app.get("/catalog.ttl").body
        assert "angka-kematian-bayi" in body or "Angka Kematian Bayi" in body
        assert "Data Internal Kesehatan" not in body

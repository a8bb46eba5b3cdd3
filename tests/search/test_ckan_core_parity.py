"""Where CKAN's own tests (scripts/test-ckan-search) found the backend
answering differently from CKAN's Solr path (issue 29), on the real database."""
import configparser
import os
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

import ckan.lib.search as search
import ckan.logic as logic
import ckan.model as model
from ckan.tests import factories, helpers

from tests.helpers import SdiDataset

pytestmark = pytest.mark.usefixtures("satudata_db")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def dataset(**fields):
    return SdiDataset(owner_org=factories.Organization()["id"], **fields)


def search_as(**params):
    return helpers.call_action("package_search", context={"user": "", "ignore_auth": False},
                               **params)


@contextmanager
def index_table_gone():
    """The index table renamed for a while: every read and write of the index
    fails in PostgreSQL, as every request fails against a dead Solr."""
    def rename(gone):
        model.Session.remove()
        with model.meta.engine.begin() as conn:
            for table in ("satudata_search_index", "satudata_search_facet_count"):
                old, new = (table, table + "_gone") if gone else (table + "_gone", table)
                conn.execute(sa.text("ALTER TABLE %s RENAME TO %s" % (old, new)))
    rename(True)
    try:
        yield
    finally:
        model.Session.remove()
        rename(False)


class TestUnparsableQuery:
    """Lucene takes one modifier per clause: Solr refuses `--included` and
    CKAN's /dataset page says "error while searching"
    (test_package.py::TestSearch::test_search_solr_syntax_error)."""

    @pytest.mark.parametrize("q", ["--included", "+-included", "NOT -included",
                                   "kesehatan -+bayi", "title:(--x)"])
    def test_doubled_modifier_is_a_search_error(self, q):
        dataset(title="included")
        with pytest.raises(search.SearchError) as raised:
            search_as(q=q)
        # not a SearchQueryError: the page renders its own message, no 400
        assert not isinstance(raised.value, search.SearchQueryError)

    @pytest.mark.parametrize("q", ["-included", "-(-included)", "+included", "- included"])
    def test_one_modifier_still_searches(self, q):
        dataset(title="included")
        search_as(q=q)

    def test_dataset_page_shows_the_search_error(self, app):
        dataset()
        page = app.get("/dataset/", query_string={"q": "--included"}, status=200)
        assert 'id="search-error"' in page.body

    def test_api_answers_409_search_error(self, app):
        resp = app.get("/api/3/action/package_search", query_string={"q": "--included"},
                       status=409)
        assert resp.json["error"]["__type"] == "Search Error"


class TestIndexUnavailable:
    """A write the database refuses is core's failed Solr `add`
    (test_package.py::TestPackageNew::test_new_indexerror); a search that
    cannot reach the index is core's Solr connection error
    (test_api.py::test_package_search_connection_errors)."""

    def test_failed_index_write_is_a_search_index_error(self):
        owner_org = factories.Organization()["id"]
        with index_table_gone():
            with pytest.raises(search.SearchIndexError) as raised:
                SdiDataset(name="tidak-terindeks", owner_org=owner_org)
            assert "tidak-terindeks" in str(raised.value)
            model.Session.rollback()
        assert not model.Session.query(model.Package).filter_by(name="tidak-terindeks").count()

    def test_caller_transaction_stays_usable(self):
        """Solr failing leaves the database session alone; so does the
        savepoint around the index write."""
        ds = dataset()
        default, custom = logic.package_show_default_and_custom_schemas({}, ds["id"])
        pkg_dict = dict(default, with_custom_schema=custom)
        with index_table_gone():
            model.Session.execute(sa.text("CREATE TEMP TABLE tetap (x int)"))
            with pytest.raises(search.SearchIndexError):
                search.index_for(model.Package).index_package(pkg_dict)
            # the statement before the failure is still there
            assert model.Session.execute(sa.text("SELECT count(*) FROM tetap")).scalar() == 0
            model.Session.rollback()

    def test_api_create_answers_search_index_error(self, app, sysadmin):
        org = factories.Organization()
        token = factories.APIToken(user=sysadmin["name"])["token"]
        data = dict(name="tidak-terindeks", title="Tidak terindeks", notes="Catatan",
                    owner_org=org["id"], topic="pemerintahan_umum",
                    update_frequency="tahunan", period_start="2025",
                    presentation_level="kecamatan", unit="jiwa", classification="terbuka")
        with index_table_gone():
            resp = app.post("/api/3/action/package_create", json=data,
                            headers={"Authorization": token}, status=500)
        assert resp.json["error"]["__type"] == "Search Index Error"
        assert "Unable to add package to search index" in resp.json["error"]["message"]

    def test_search_without_the_index_is_a_connection_error(self, app):
        with index_table_gone():
            with pytest.raises(search.SolrConnectionError):
                search_as(q="apa saja")
            # no query text, CKAN's own filters only: answered from the counts
            with pytest.raises(search.SolrConnectionError):
                search_as()
            resp = app.get("/api/3/action/package_search", query_string={"q": "x"}, status=500)
        assert resp.json["error"]["__type"] == "Search Connection Error"


def test_ckan_core_settings_carry_ckan_test_settings():
    """CKAN's tests read options of its test-core.ini
    (TestPackageEdit::test_redirect_after_edit_using_config reads
    package_edit_return_url); the settings file used for them carries them."""
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(os.path.join(ROOT, "tests", "search", "ckan_core_settings.ini"))
    app_main = ini["app:main"]
    assert app_main["package_new_return_url"] == "http://localhost/dataset/<NAME>?test=new"
    assert app_main["package_edit_return_url"] == "http://localhost/dataset/<NAME>?test=edit"
    for key in ("ckan.auth.create_default_api_keys", "apitoken_header_name",
                "SESSION_COOKIE_DOMAIN", "ckan.files.default_storages.default",
                "ckan.locale_order", "WTF_CSRF_ENABLED"):
        assert key in app_main, key
    core = configparser.ConfigParser(interpolation=None)
    core.read(os.path.join(ROOT, "test-core-search.ini"))
    assert core["app:main"]["use"] == "config:tests/search/ckan_core_settings.ini"

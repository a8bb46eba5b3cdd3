"""`ckanext.satudata.search_backend = solr` leaves CKAN's stock Solr path
untouched. The tests that talk to a real Solr run only where SOLR_URL is set
(see docs/solr.md)."""
import os

import pytest

import ckan.lib.search as ckan_search
from ckan.lib.search.index import PackageSearchIndex
from ckan.lib.search.query import PackageSearchQuery

from ckanext.satudata import search
from ckanext.satudata.search.index import PostgresPackageSearchIndex
from ckanext.satudata.search.query import PostgresPackageSearchQuery


def test_postgres_is_the_default():
    assert ckan_search._INDICES["package"] is PostgresPackageSearchIndex
    assert ckan_search._QUERIES["package"] is PostgresPackageSearchQuery
    assert ckan_search.PackageSearchQuery is PostgresPackageSearchQuery


def test_solr_backend_restores_core(ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.satudata.search_backend", "solr")
    try:
        search.install()
        assert ckan_search._INDICES["package"] is PackageSearchIndex
        assert ckan_search._QUERIES["package"] is PackageSearchQuery
        assert ckan_search.PackageSearchQuery is PackageSearchQuery
    finally:
        monkeypatch.setitem(ckan_config, "ckanext.satudata.search_backend", "postgres")
        search.install()
    assert ckan_search._INDICES["package"] is PostgresPackageSearchIndex


@pytest.mark.solr
@pytest.mark.skipif(not os.environ.get("SOLR_URL"), reason="needs a real Solr (SOLR_URL)")
@pytest.mark.usefixtures("satudata_db")
def test_search_and_labels_on_real_solr(ckan_config, monkeypatch, walidata):
    from ckan.tests import factories, helpers
    from ckanext.satudata.tests.helpers import SdiDataset, walk
    monkeypatch.setitem(ckan_config, "solr_url", os.environ["SOLR_URL"])
    monkeypatch.setitem(ckan_config, "ckanext.satudata.search_backend", "solr")
    search.install()
    try:
        ckan_search.clear_all()
        org = factories.Organization()
        published = SdiDataset(owner_org=org["id"])
        hidden = SdiDataset(owner_org=org["id"])
        walk(published["id"], walidata)
        result = helpers.call_action("package_search", context={"user": "", "ignore_auth": False},
                                     include_private=True)
        names = [d["name"] for d in result["results"]]
        assert published["name"] in names and hidden["name"] not in names
    finally:
        monkeypatch.setitem(ckan_config, "ckanext.satudata.search_backend", "postgres")
        search.install()

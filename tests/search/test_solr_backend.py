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


def _is_ours(cls, name, source):
    return cls.__dict__.get(name) is source.__dict__[name]


def test_postgres_is_the_default():
    """CKAN's own classes answer with this backend, however they are reached."""
    assert search.installed()
    assert _is_ours(PackageSearchIndex, "index_package", PostgresPackageSearchIndex)
    assert _is_ours(PackageSearchQuery, "run", PostgresPackageSearchQuery)
    assert isinstance(ckan_search.index_for("package"), PackageSearchIndex)
    assert ckan_search.query_for("package").run.__func__ is PostgresPackageSearchQuery.run


def test_solr_backend_restores_core(ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.satudata.search_backend", "solr")
    try:
        search.install()
        assert not search.installed()
        assert "index_package" in PackageSearchIndex.__dict__
        assert not _is_ours(PackageSearchIndex, "index_package", PostgresPackageSearchIndex)
        assert not _is_ours(PackageSearchQuery, "run", PostgresPackageSearchQuery)
        assert "clear" not in PackageSearchIndex.__dict__  # inherited from core's SearchIndex
    finally:
        monkeypatch.setitem(ckan_config, "ckanext.satudata.search_backend", "postgres")
        search.install()
    assert _is_ours(PackageSearchQuery, "run", PostgresPackageSearchQuery)


@pytest.mark.solr
@pytest.mark.skipif(not os.environ.get("SOLR_URL"), reason="needs a real Solr (SOLR_URL)")
@pytest.mark.usefixtures("satudata_db")
def test_search_and_labels_on_real_solr(ckan_config, monkeypatch, walidata):
    from ckan.tests import factories, helpers
    from tests.helpers import SdiDataset, walk
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

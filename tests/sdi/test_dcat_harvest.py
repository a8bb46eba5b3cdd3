"""Harvesting over real HTTP: the portal is served by gunicorn on a loopback
port (config/wsgi.py with this test configuration and database), PyPI ckanapi's
RemoteCKAN pages package_search fully and incrementally as anonymous, and
ckanext-dcat's RDFParser reads /catalog.ttl: both see exactly the published
datasets, with every SDI field, whatever state the others are in."""
import os
import re

import pytest
import requests

from ckan.tests import helpers

from ckanext.satudata.dcat import harvest_check, vocab

from tests.sdi import dcat_portal
from tests.helpers import REPO_ROOT, free_port, gunicorn_on_loopback, transition

pytestmark = pytest.mark.usefixtures("satudata_db")

ROOT = str(REPO_ROOT)


@pytest.fixture
def served():
    """A real WSGI server process on a free loopback port, same database."""
    port = free_port()
    # scripts/test exports CKAN_SQLALCHEMY_URL / CKAN_REDIS_URL: the same database
    env = dict(os.environ, CKAN_INI=os.path.join(ROOT, "test.ini"),
               CKAN_SITE_URL="http://127.0.0.1:%d" % port)
    with gunicorn_on_loopback(port, env, "test-dcat-server.log", "--workers", "1") as url:
        yield url


def test_harvesters_get_exactly_the_published_datasets(walidata, served):
    portal = dcat_portal.build(walidata)
    published = set(portal["published"].values())
    url = served

    full, count = harvest_check.api_full(url, rows=2)  # several pages
    assert set(full) == published and count == len(published)
    incremental, cursor = harvest_check.api_incremental(url, rows=2)
    assert set(incremental) == published
    dcat = harvest_check.dcat_catalog(url)
    assert set(dcat) == published

    # every SDI field arrives, in both harvests, with the live (not pending) values
    for dataset_id in published:
        api, parsed = full[dataset_id], dcat[dataset_id]
        assert harvest_check.missing_fields(api) == []
        assert harvest_check.missing_fields(parsed, dcat=True) == []
        for field in vocab.SDI_FIELDS:
            assert (parsed.get(field) or None) == (api.get(field) or None), field
    revised = full[portal["published"][portal["revised"]]]
    assert revised["title"] == "Jumlah Puskesmas" and revised["unit"] == "unit"
    assert dcat[revised["id"]]["title"] == "Jumlah Puskesmas"

    # anonymous HTTP never reaches the others, by id or by name
    for name, dataset_id in portal["hidden"].items():
        for ident in (name, dataset_id):
            assert requests.get(url + "/api/3/action/package_show",
                                params={"id": ident}, timeout=30).status_code in (403, 404)
            assert requests.get("%s/dataset/%s.ttl" % (url, ident),
                                timeout=30).status_code == 404
    body = requests.get(url + "/catalog.ttl", timeout=30).text
    assert not any(dataset_id in body for dataset_id in portal["hidden"].values())
    sitemap = requests.get(url + "/sitemap.xml", timeout=30).text
    assert set(re.findall(r"/dataset/([^<]+)</loc>", sitemap)) == set(
        name for name in portal["published"])

    # the script's report over the same server
    report = harvest_check.check(url)
    assert report["ok"], report
    assert report["api_full"] == report["dcat"] == len(published)

    # incremental: publishing the revision brings exactly that dataset back
    dataset = portal["published"][portal["revised"]]
    for name, role in (("submit", "staf"), ("approve", "subkoord"), ("approve", "kabid"),
                       ("publish", "staf")):
        transition(walidata[role], dataset, name)
    since, _ = harvest_check.api_incremental(url, since=cursor)
    assert dataset in since and set(since) <= published
    assert len(since) < len(published)
    assert since[dataset]["title"] == "Jumlah Puskesmas (revisi belum terbit)"
    modified = helpers.call_action("package_show", id=dataset)["metadata_modified"]
    dcat_since = requests.get(url + "/catalog.ttl", params={"modified_since": cursor},
                              timeout=30).text
    assert dataset in dcat_since and modified

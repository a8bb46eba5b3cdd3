"""/catalog.ttl as a national harvester without this extension reads it:
ckanext-dcat's stock `euro_dcat_ap_3` profile (no `satudata` profile) recovers
every field DCAT-AP 3 has a place for, with the right value; /catalog.* takes
the Action API's q/fq and refuses what package_search refuses (4xx, never 500)."""
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import ckan.plugins.toolkit as tk
from ckan.logic.validators import tag_length_validator, tag_name_validator
from ckan.tests import helpers

from ckanext.dcat.processors import RDFParser
from ckanext.satudata.dcat import vocab

from tests.helpers import walidata_team
from tests.sdi import dcat_portal

pytestmark = [pytest.mark.usefixtures("module_satudata_db"),
              pytest.mark.xdist_group("sdi-dcat-stock")]

FREQ = "http://publications.europa.eu/resource/authority/frequency/"
ACCESS = "http://publications.europa.eu/resource/authority/access-right/"


@pytest.fixture(scope="module")
def built_portal(module_satudata_db):
    return dcat_portal.build(walidata_team())


@pytest.fixture
def portal(app, built_portal):
    return dict(built_portal, app=app)


def stock_harvest(app, url="/catalog.ttl"):
    response = app.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    parser = RDFParser(profiles=["euro_dcat_ap_3"])
    parser.parse(response.get_data(as_text=True), _format="turtle")
    return {next(e["value"] for e in d["extras"] if e["key"] == "identifier"): d
            for d in parser.datasets()}


def extras(dataset):
    return {e["key"]: e["value"] for e in dataset["extras"]}


def public(dataset_id):
    return helpers.call_action("package_show", context={"user": "", "ignore_auth": False},
                               id=dataset_id)


def test_stock_euro_dcat_ap_3_recovers_the_fields_dcat_ap_has_a_place_for(portal):
    parsed = stock_harvest(portal["app"])
    assert set(parsed) == set(portal["published"].values())
    for name, dataset_id in portal["published"].items():
        original, back = public(dataset_id), parsed[dataset_id]
        more = extras(back)
        assert back["title"] == original["title"], name
        # tags: the dataset's own tags (the topic keyword comes along as one more),
        # each one a CKAN harvester can keep (CKAN's own tag validators)
        assert sorted(t["name"] for t in back["tags"]) == sorted(
            [t["name"] for t in original["tags"]] + [vocab.topic_keyword(original["topic"])])
        for tag in back["tags"]:
            tag_name_validator(tag["name"], {})
            tag_length_validator(tag["name"], {})
        # licence: the CKAN licence id, and its document on every distribution
        assert back["license_id"] == original["license_id"] == "cc-by", name
        # frequency and access rights: EU vocabularies
        assert more["frequency"] == FREQ + vocab.FREQUENCY[original["update_frequency"]], name
        assert more["access_rights"] == ACCESS + vocab.CLASSIFICATION[
            original["classification"]], name
        # region: the Kemendagri region IRI, and the coverage's name
        assert more["spatial_uri"] == str(vocab.region_iri(original["region_code_kemendagri"])), \
            name
        assert more["spatial_text"] == original["geographic_coverage"], name
        # resources: URL, format, media type, size, licence
        assert len(back["resources"]) == len(original["resources"]), name
        by_url = {r["url"]: r for r in back["resources"]}
        for resource in original["resources"]:
            got = by_url[resource["url"]]
            if resource.get("url_type") == "upload":
                assert got["download_url"] == resource["url"]
            filetype, media = vocab.format_iris(resource["format"], resource.get("mimetype"))
            assert got["format"] == str(filetype), (name, got)
            assert got["mimetype"] == str(media), (name, got)
            assert got.get("size") == resource.get("size"), (name, got)
            assert got["license"] == vocab.LICENSE_IRI["cc-by"], (name, got)
    # the one resource with a size in the fixture
    sizes = [r.get("size") for d in parsed.values() for r in d["resources"]]
    assert 1326 in sizes


# -- /catalog.* takes the API's q/fq ------------------------------------------------

def api_search(app, **params):
    response = app.get("/api/3/action/package_search", query_string=dict(params, rows=1000))
    body = response.get_json()
    ids = {d["id"] for d in body["result"]["results"]} if body.get("success") else None
    return response.status_code, ids


def catalog_search(app, **params):
    response = app.get("/catalog.ttl", query_string=params)
    if response.status_code != 200:
        return response.status_code, None, response.get_data(as_text=True)
    parser = RDFParser(profiles=["euro_dcat_ap_3"])
    parser.parse(response.get_data(as_text=True), _format="turtle")
    return 200, {next(e["value"] for e in d["extras"] if e["key"] == "identifier")
                 for d in parser.datasets()}, response.get_data(as_text=True)


@pytest.mark.parametrize("params", [
    {"fq": "satudata_state:konsep"}, {"q": "satudata_state:konsep"},
    {"fq": "satudata_assignee:*"}, {"fq": "metadata_modified:[2020 TO"},
    {"fq": "+permission_labels:*"}, {"q": "ibu", "fq": "satudata_step:1"}])
def test_catalog_refuses_what_package_search_refuses(portal, params):
    app = portal["app"]
    api_status, _ids = api_search(app, **params)
    status, ids, body = catalog_search(app, **params)
    assert 400 <= api_status < 500, params
    assert status == api_status, (params, body[:300])
    assert not any(i in body for i in portal["hidden"].values())
    assert "Internal server error" not in body


@pytest.mark.parametrize("params", [
    {}, {"q": "kematian"}, {"fq": "topic:perlindungan_sosial_kesehatan"},
    {"fq": "organization:dispendik"}, {"q": "puskesmas OR sekolah"},
    {"q": "*:*", "fq": "tags:kesehatan"}, {"fq": "res_format:XLSX"}])
def test_catalog_answers_the_api_q_and_fq_with_the_api_set(portal, params):
    app = portal["app"]
    api_status, api_ids = api_search(app, **params)
    status, ids, body = catalog_search(app, **params)
    assert api_status == status == 200, body[:300]
    assert ids == api_ids and ids <= set(portal["published"].values()), params
    # each filter keeps some of the published datasets, not all (it was applied)
    assert (0 < len(ids) < len(portal["published"])) if params else \
        ids == set(portal["published"].values()), params


QUERY_TEXT = st.lists(st.sampled_from(list('ab:*"()[]{}^~\\/!+-& _?=#%') + [
    "satudata_state", "title", "AND", "OR", "TO", "konsep", "terbit", "name", "ibu "]),
    max_size=10).map("".join)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(q=QUERY_TEXT, fq=QUERY_TEXT)
def test_any_q_and_fq_answer_on_the_catalogue_as_on_the_api(portal, q, fq):
    app = portal["app"]
    params = {k: v for k, v in (("q", q), ("fq", fq)) if v}
    api_status, api_ids = api_search(app, **params)
    status, ids, body = catalog_search(app, **params)
    assert status == api_status, (params, body[:300])
    assert status in (200, 400, 409), params
    if status == 200:
        assert ids == api_ids and ids <= set(portal["published"].values())
    assert not any(i in body for i in portal["hidden"].values())

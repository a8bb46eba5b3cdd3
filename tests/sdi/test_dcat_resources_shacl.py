"""Every resource shape the portal produces stays valid DCAT-AP 3 (official SHACL
shapes, tests/sdi/shacl/): uploads, links, unknown formats, and what the loader
(ckanext-xloader and the DataStore) writes onto a published resource: hash,
last_modified, DataStore flags. A checksum always names its algorithm; a hash
whose algorithm is unknown, or that is not the file's, is left out."""
import datetime
import hashlib
import io
import re

import pytest
import requests
from hypothesis import given, strategies as st
from rdflib import Graph, Namespace
from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.dcat.processors import RDFParser
from ckanext.satudata.dcat import vocab

from tests.helpers import SdiDataset, site_context, walk
from tests.sdi.test_dcat_profile import BYTE_SIZE, shacl
# the real loader's portal (gunicorn, DataStore, xloader worker): its fixture
from tests.dissemination.test_live_data_served import (  # noqa: F401
    CSV as LOADED, PLUGINS as LOADER_PLUGINS, publish_over_http, served)

SPDX = Namespace("http://spdx.org/rdf/terms#")
CSV = b"kecamatan,penduduk\nGlagah,36210\nLicin,29340\n"
MD5 = hashlib.md5(CSV).hexdigest()
SHA256 = hashlib.sha256(CSV).hexdigest()


# DCAT-AP 2.1.1 allowed only SHA-1 as a checksum's algorithm; DCAT-AP 3 takes any
# SPDX algorithm, and the loader's hash is an MD5: the second 2.1.1 rule a DCAT-AP 3
# feed breaks (with byteSize's datatype, tests/sdi/test_dcat_profile.py).
ALGORITHM = str(SPDX.algorithm)


def violations(graph):
    found = []
    for shapes in ("dcat-ap_3_shacl_shapes.ttl", "dcat-ap_2.1.1_shacl_shapes.ttl",
                   "dcat-ap_2.1.1_shacl_range.ttl"):
        found += sorted({(shapes,) + r[1:] for r in shacl(graph, shapes) if r[0] == "Violation"
                         and not (shapes.startswith("dcat-ap_2") and (r[2] == BYTE_SIZE or (
                             r[2] == ALGORITHM and "does not contain a value" in r[3])))})
    return found


def checksums(graph):
    """{distribution IRI: (value, algorithm IRI)} of the graph."""
    return {str(d): (str(graph.value(c, SPDX.checksumValue)), graph.value(c, SPDX.algorithm))
            for d, c in graph.subject_objects(SPDX.checksum)}


def loader_patch(resource_id, **fields):
    """What the loader writes onto a resource, through the code path it uses
    (xloader's update_resource / set_resource_metadata: resource_patch as the
    site user, which live_data.resource_patch writes onto the live resource)."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    return helpers.call_action("resource_patch", context={"ignore_auth": True,
                                                          "user": site_user},
                               id=resource_id, **fields)


# -- the checksum rule, on any hash ------------------------------------------------

@given(value=st.text(max_size=140), algorithm=st.one_of(
    st.none(), st.sampled_from(["md5", "SHA-256", "sha1", "crc32", "",
                                str(SPDX.checksumAlgorithm_sha512)]), st.text(max_size=20)),
       excerpt=st.sampled_from([None, True, False, "False"]))
def test_a_checksum_is_written_only_as_a_digest_of_a_known_algorithm(value, algorithm, excerpt):
    resource = {"hash": value, "hash_algorithm": algorithm,
                "datastore_contains_all_records_of_source_file": excerpt}
    found = vocab.checksum(resource)
    if found is None:
        return
    digest, iri = found
    assert re.fullmatch(r"[0-9a-f]+", digest) and digest == value.strip().lower()
    assert str(iri).startswith(str(SPDX.checksumAlgorithm_))
    assert vocab.HASH_HEX_LENGTH[str(iri).rsplit("_", 1)[-1]] == len(digest)
    assert str(excerpt).lower() != "false"
    assert algorithm or len(digest) == 32   # unnamed: only the loader's MD5


def test_the_loaders_md5_and_named_algorithms():
    assert vocab.checksum({"hash": MD5}) == (MD5, SPDX.checksumAlgorithm_md5)
    assert vocab.checksum({"hash": MD5.upper()}) == (MD5, SPDX.checksumAlgorithm_md5)
    assert vocab.checksum({"hash": SHA256}) is None          # unnamed, not the loader's
    assert vocab.checksum({"hash": SHA256, "hash_algorithm": "SHA-256"}) == \
        (SHA256, SPDX.checksumAlgorithm_sha256)
    assert vocab.checksum({"hash": SHA256, "hash_algorithm": str(
        SPDX.checksumAlgorithm_sha256)}) == (SHA256, SPDX.checksumAlgorithm_sha256)
    assert vocab.checksum({"hash": MD5, "hash_algorithm": "sha256"}) is None  # wrong length
    assert vocab.checksum({"hash": MD5, "datastore_contains_all_records_of_source_file":
                           False}) is None               # the excerpt's hash
    assert vocab.checksum({"hash": "sha256:" + SHA256}) is None


# -- every resource shape, published, after the loader ------------------------------

SHAPES = {
    "upload": dict(url="penduduk.csv", url_type="upload", format="CSV",
                   upload=FileStorage(io.BytesIO(CSV), "penduduk.csv", "text/csv")),
    "link": dict(url="https://example.go.id/data.csv", format="CSV", size=1326),
    "no-format": dict(url="https://example.go.id/unduh?id=7"),
    "unknown-format": dict(url="https://example.go.id/data.sav", format="SAV"),
    "api": dict(url="https://example.go.id/api/penduduk", format="API"),
    "mimetype-only": dict(url="https://example.go.id/x", mimetype="application/json"),
    "sha256-named": dict(url="https://example.go.id/b.csv", format="CSV",
                         hash=SHA256, hash_algorithm="sha256"),
    "sha256-unnamed": dict(url="https://example.go.id/c.csv", format="CSV", hash=SHA256),
    "not-hex": dict(url="https://example.go.id/d.csv", format="CSV", hash="v2-final"),
}


@pytest.mark.ckan_config("ckan.plugins", LOADER_PLUGINS)   # the DataStore's resource_patch
@pytest.mark.usefixtures("satudata_db")
def test_every_resource_shape_has_no_violations_after_the_loader(app, walidata):
    org = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    opd = factories.User(name="opd-dinkes")
    helpers.call_action("organization_member_create", context=site_context(), id=org["id"],
                        username=opd["name"], role="editor")
    dataset = SdiDataset(name="penduduk", owner_org=org["id"], tag_string="penduduk")
    ids = {}
    for name, fields in SHAPES.items():
        ids[name] = helpers.call_action("resource_create", context=site_context(),
                                        package_id=dataset["id"], name=name,
                                        **dict(fields))["id"]
    walk(dataset["id"], walidata)
    # what the loader writes: the file's MD5 and the DataStore flags; the
    # DataStore's settle job patches last_modified; a too-large file loads an excerpt
    for name, excerpt in (("upload", False), ("link", True)):
        loader_patch(ids[name], hash=MD5, datastore_active=True,
                     datastore_contains_all_records_of_source_file=not excerpt,
                     ignore_hash=False, original_url="x", task_created="2026-01-01")
        loader_patch(ids[name], last_modified=datetime.datetime.now(
            datetime.timezone.utc).isoformat())
    loader_patch(ids["link"], hash=MD5)   # the excerpt's hash, of lines not the file
    model.repo.commit()
    shown = {r["name"]: r for r in helpers.call_action(
        "package_show", context={"user": ""}, id=dataset["id"])["resources"]}
    assert shown["upload"]["datastore_active"] is True and shown["upload"]["hash"] == MD5
    assert shown["upload"]["size"] == len(CSV) and shown["upload"]["last_modified"]

    for url in ("/dataset/%s.ttl" % dataset["id"], "/catalog.ttl"):
        response = app.get(url)
        assert response.status_code == 200, url
        graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
        assert violations(graph) == [], url
        sums = {k.rsplit("/", 1)[-1]: v for k, v in checksums(graph).items()}
        assert sums == {ids["upload"]: (MD5, SPDX.checksumAlgorithm_md5),
                        ids["sha256-named"]: (SHA256, SPDX.checksumAlgorithm_sha256)}, url
    # a harvester with ckanext-dcat's stock profile gets the hash and its algorithm
    parser = RDFParser(profiles=["euro_dcat_ap_3"])
    parser.parse(response.get_data(as_text=True), _format="turtle")
    (harvested,) = parser.datasets()
    by_name = {r["name"]: r for r in harvested["resources"]}
    assert (by_name["upload"]["hash"], by_name["upload"]["hash_algorithm"]) == (
        MD5, str(SPDX.checksumAlgorithm_md5))
    assert "hash" not in by_name["link"] and "hash" not in by_name["sha256-unnamed"]


# -- after a real load: ckanext-xloader in a worker, the portal under gunicorn ------

@pytest.mark.ckan_config("ckan.plugins", LOADER_PLUGINS)
@pytest.mark.ckan_config("ckanext.xloader.api_token", "test-token-not-used")
@pytest.mark.usefixtures("satudata_db")
def test_catalogue_after_a_real_datastore_load_has_no_violations(served):
    publish_over_http(served)
    served["run_worker"]()
    found = requests.get(served["url"] + "/api/3/action/resource_show",
                         params={"id": served["resource_id"]}, timeout=30).json()["result"]
    assert found["datastore_active"] is True and found["hash"], found
    for path in ("/dataset/%s.ttl" % served["dataset"]["id"], "/catalog.ttl"):
        response = requests.get(served["url"] + path, timeout=60)
        assert response.status_code == 200, path
        graph = Graph().parse(data=response.text, format="turtle")
        assert violations(graph) == [], path
        (value, algorithm), = checksums(graph).values()
        assert (value, algorithm) == (hashlib.md5(LOADED).hexdigest(),
                                      SPDX.checksumAlgorithm_md5), path

"""The `satudata` DCAT-AP 3 profile: zero violations against the official SHACL
shapes (tests/sdi/shacl/, see its README), a round trip through ckanext-dcat's
RDFParser that recovers every SDI field, schema.org JSON-LD on published dataset
pages only, the sitemap and CORS. Everything through the portal's own endpoints."""
import json
import os
import re

import pytest
from rdflib import RDF, Graph, Namespace, URIRef

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.dcat.processors import RDFParser
from ckanext.satudata.dcat import vocab

from tests.helpers import walidata_team
from tests.sdi import dcat_portal

# One portal for the module, which its tests only read (the one that writes
# takes its dataset back): built once, not per test (~2.5 s each). Its tests
# on one xdist worker, so it is built once per run.
pytestmark = [pytest.mark.usefixtures("module_satudata_db"),
              pytest.mark.xdist_group("sdi-dcat-portal")]

SHACL = os.path.join(os.path.dirname(__file__), "shacl")
SH_RESULT = URIRef("http://www.w3.org/ns/shacl#result")
SH_SEVERITY = URIRef("http://www.w3.org/ns/shacl#resultSeverity")
SH_VIOLATION = URIRef("http://www.w3.org/ns/shacl#Violation")
SH_MESSAGE = URIRef("http://www.w3.org/ns/shacl#resultMessage")
SH_FOCUS = URIRef("http://www.w3.org/ns/shacl#focusNode")
SH_PATH = URIRef("http://www.w3.org/ns/shacl#resultPath")
# DCAT-AP 3 made dcat:byteSize an xsd:nonNegativeInteger (checked with the 3.0
# shapes); 2.1.1 still wanted xsd:decimal, the one 2.1.1 rule a DCAT-AP 3 feed breaks.
BYTE_SIZE = "http://www.w3.org/ns/dcat#byteSize"


@pytest.fixture(scope="module")
def built_portal(module_satudata_db):
    return dcat_portal.build(walidata_team())


@pytest.fixture
def portal(app, built_portal):
    return dict(built_portal, app=app)


def shacl(graph, shapes):
    from pyshacl import validate
    _conforms, results, _text = validate(graph, shacl_graph=os.path.join(SHACL, shapes))
    out = []
    for result in results.objects(None, SH_RESULT):
        out.append((str(results.value(result, SH_SEVERITY)).rsplit("#", 1)[-1],
                    str(results.value(result, SH_FOCUS)), str(results.value(result, SH_PATH)),
                    str(results.value(result, SH_MESSAGE))))
    return out


def turtle(app, url):
    response = app.get(url)
    assert response.status_code == 200, url
    return Graph().parse(data=response.get_data(as_text=True), format="turtle")


def published_sdi(dataset_id):
    return helpers.call_action("package_show", context={"user": "", "ignore_auth": False},
                               id=dataset_id)


def test_catalog_and_datasets_have_no_dcat_ap_3_violations(portal):
    app = portal["app"]
    catalog = turtle(app, "/catalog.ttl")
    graphs = {"/catalog.ttl": catalog}
    for name, dataset_id in portal["published"].items():
        graphs["/dataset/%s.ttl" % name] = turtle(app, "/dataset/%s.ttl" % dataset_id)
    for url, graph in graphs.items():
        for shapes in ("dcat-ap_3_shacl_shapes.ttl", "dcat-ap_2.1.1_shacl_shapes.ttl",
                       "dcat-ap_2.1.1_shacl_range.ttl"):
            violations = sorted({r[1:] for r in shacl(graph, shapes) if r[0] == "Violation"
                                 and not (shapes.startswith("dcat-ap_2") and r[2] == BYTE_SIZE)})
            assert violations == [], "%s %s:\n%s" % (url, shapes, "\n".join(map(str, violations)))

    # recommended properties (DCAT-AP 2.1.1): warnings on under 10% of the datasets
    warnings = shacl(catalog, "dcat-ap_2.1.1_shacl_shapes_recommended.ttl")
    warned = {r[1] for r in warnings if "/dataset/" in r[1] and "/resource/" not in r[1]}
    assert len(warned) < 0.1 * len(portal["published"]), "\n".join(map(str, warnings))

    # the catalogue: Walidata as publisher, language and homepage as IRIs, topic scheme
    ref = URIRef(tk.config["ckan.site_url"])
    DCT, FOAF = Namespace("http://purl.org/dc/terms/"), Namespace("http://xmlns.com/foaf/0.1/")
    publisher = catalog.value(ref, DCT.publisher)
    assert str(catalog.value(publisher, FOAF.name)).startswith("Dinas Komunikasi")
    assert catalog.value(ref, DCT.language) == vocab.LANG.IND
    assert isinstance(catalog.value(ref, FOAF.homepage), URIRef)


def test_sdi_fields_are_written_as_dcat(portal):
    g = turtle(portal["app"], "/dataset/%s.ttl" % portal["published"]["angka-kematian-ibu"])
    text = g.serialize(format="nt")
    for expected in (
            "<http://publications.europa.eu/resource/authority/frequency/ANNUAL_2>",
            "<http://publications.europa.eu/resource/authority/access-right/PUBLIC>",
            "<http://publications.europa.eu/resource/authority/file-type/CSV>",
            "<http://publications.europa.eu/resource/authority/file-type/XLSX>",
            "<https://www.iana.org/assignments/media-types/text/csv>",
            "/dcat/topik/perlindungan_sosial_kesehatan>",
            '"Perlindungan Sosial & Kesehatan"@id', '"Social Protection & Health"@en',
            '"2021"^^<http://www.w3.org/2001/XMLSchema#gYear>',
            '"35.10"^^<https://satudata.banyuwangikab.go.id/ns/sdi#kodeKemendagri>',
            '"3510"^^<https://satudata.banyuwangikab.go.id/ns/sdi#kodeBPS>',
            '"Dinas Kesehatan"', "<mailto:dinkes@example.go.id>",
            '"Jl. Letkol Istiqlah 42, Banyuwangi"', "<mailto:kesga@example.go.id>",
            "<http://xmlns.com/foaf/0.1/Organization>"):
        assert expected in text, expected
    # the licence on the dataset and both distributions
    lic = "<%s>" % vocab.LICENSE_IRI["cc-by"]
    assert len([line for line in text.splitlines()
                if "<http://purl.org/dc/terms/license> " + lic in line]) == 3


def test_round_trip_through_rdf_parser_recovers_every_sdi_field(portal):
    response = portal["app"].get("/catalog.ttl")
    parser = RDFParser(profiles=["satudata"])
    parser.parse(response.get_data(as_text=True), _format="turtle")
    parsed = {d["name"] if d.get("name") else next(
        e["value"] for e in d["extras"] if e["key"] == "identifier"): d
        for d in parser.datasets()}
    assert set(parsed) == set(portal["published"].values())
    for name, dataset_id in portal["published"].items():
        original, back = published_sdi(dataset_id), parsed[dataset_id]
        for field in vocab.SDI_FIELDS:
            assert (back.get(field) or None) == (original.get(field) or None), (name, field)
        assert back["title"] == original["title"]
        assert back["organization"]["title"] == original["organization"]["title"]
        assert sorted(r["format"] for r in back["resources"]) == \
            sorted(r["format"] for r in original["resources"])
    # the dataset's own contact comes back; the OPD's fallback contact does not
    assert parsed[portal["published"]["angka-kematian-ibu"]]["maintainer_email"] == \
        "kesga@example.go.id"
    assert "maintainer" not in parsed[portal["published"]["jumlah-sekolah"]]

    # a CKAN with this schema accepts what the parser produced
    back = dict(parsed[portal["published"]["angka-kematian-ibu"]], name="aki-harvested",
                owner_org=portal["orgs"]["dinkes"]["id"])
    back.pop("organization")
    back.pop("identifier", None)
    for resource in back["resources"]:
        resource.pop("distribution_ref", None)
    created = helpers.call_action("package_create", context=dcat_portal.site_context(), **back)
    try:
        for field in vocab.SDI_FIELDS:
            assert created.get(field) == published_sdi(
                portal["published"]["angka-kematian-ibu"]).get(field), field
    finally:   # the module's portal is shared: as it was
        helpers.call_action("dataset_purge", context=dcat_portal.site_context(),
                            id=created["id"])


def jsonld(app, url):
    body = app.get(url).get_data(as_text=True)
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    return [json.loads(b) for b in blocks]


def test_schema_org_on_published_pages_only(portal):
    app = portal["app"]
    (data,) = jsonld(app, "/dataset/angka-kematian-ibu")
    text = json.dumps(data, ensure_ascii=False)
    g = Graph().parse(data=json.dumps(data), format="json-ld")
    SCHEMA = Namespace("http://schema.org/")
    (dataset,) = g.subjects(RDF.type, SCHEMA.Dataset)
    assert str(g.value(dataset, SCHEMA.name)) == "Angka Kematian Ibu"
    assert g.value(dataset, SCHEMA.variableMeasured) is not None
    for expected in ("2021/2024", "Kabupaten Banyuwangi", "35.10", "3510",
                     "per 100.000 kelahiran hidup", "Perlindungan Sosial & Kesehatan",
                     "Dinas Kesehatan", "dinkes@example.go.id", "Terbuka",
                     vocab.LICENSE_IRI["cc-by"], "AKI turun"):
        assert expected in text, expected
    # a dataset that is not published: no page for the public, no markup for staff
    hidden = portal["hidden"]["status-disetujui-kabid"]
    assert app.get("/dataset/%s" % hidden, status=404)
    opd_headers = {"Authorization": helpers.call_action(
        "api_token_create", context=dcat_portal.site_context(),
        user=portal["opd"]["name"], name="t")["token"]}
    page = app.get("/dataset/%s" % hidden, headers=opd_headers)
    assert page.status_code == 200
    assert '<script type="application/ld+json">' not in page.get_data(as_text=True)


def test_sitemap_lists_exactly_the_published_datasets(portal):
    body = portal["app"].get("/sitemap.xml").get_data(as_text=True)
    listed = set(re.findall(r"<loc>[^<]*/dataset/([^<]+)</loc>", body))
    assert listed == set(portal["published"])
    assert "revisi" not in body


def test_topic_scheme_is_served(portal):
    g = turtle(portal["app"], "/dcat/topik")
    assert len(set(g.subjects(URIRef("http://www.w3.org/2004/02/skos/core#inScheme"), None))) == 10
    assert portal["app"].get("/dcat/topik/tidak-ada", status=404)


@pytest.mark.parametrize("url", ["/api/3/action/package_search", "/catalog.ttl",
                                 "/dataset/angka-kematian-ibu.ttl"])
def test_cors_for_anonymous_reads(portal, url):
    response = portal["app"].get(url, headers={"Origin": "https://data.go.id"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers

"""The metadata quality score (quality/score.py) on hand-built DCAT-AP graphs,
without a server: every indicator's points computed by hand (issue 25)."""
from hypothesis import given, settings, strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from ckanext.dcat.profiles import ADMS, DCAT, DCT, FOAF
from ckanext.satudata.dcat import vocab
from ckanext.satudata.quality import score as q

DS = URIRef("http://test/dataset/1")
D1 = URIRef("http://test/dataset/1/resource/a")
D2 = URIRef("http://test/dataset/1/resource/b")
CSV_URL = "http://test/dataset/1/resource/a/download/a.csv"
PDF_URL = "http://example.org/b.pdf"


def full_graph():
    """Everything MQA and the Satu Data dimension look for."""
    g = Graph()
    g.add((DS, RDF.type, DCAT.Dataset))
    g.add((DS, DCT.title, Literal("Angka Kematian Ibu")))
    g.add((DS, DCT.description, Literal("AKI per kecamatan")))
    g.add((DS, DCAT.keyword, Literal("kesehatan")))
    g.add((DS, DCAT.theme, URIRef("http://test/dcat/topik/perlindungan_sosial_kesehatan")))
    loc = BNode()
    g.add((DS, DCT.spatial, loc))
    for code, dtype in (("35.10", vocab.SDI.kodeKemendagri), ("3510", vocab.SDI.kodeBPS)):
        ident = BNode()
        g.add((loc, ADMS.identifier, ident))
        g.add((ident, SKOS.notation, Literal(code, datatype=dtype)))
    g.add((DS, DCT.temporal, BNode()))
    g.add((DS, DCT.license, URIRef(vocab.LICENSE_IRI["cc-by"])))
    g.add((DS, DCT.accessRights, vocab.ACCESS.PUBLIC))
    g.add((DS, DCAT.contactPoint, BNode()))
    pub = URIRef("http://test/organization/dinkes")
    g.add((DS, DCT.publisher, pub))
    g.add((pub, FOAF.name, Literal("Dinas Kesehatan")))
    g.add((DS, DCT.issued, Literal("2026-01-01")))
    g.add((DS, DCT.modified, Literal("2026-02-01")))
    for pred, text in ((vocab.SDI.konsep, "Kematian ibu"), (vocab.SDI.definisi, "Jumlah ..."),
                       (vocab.SDI.ukuran, "Rasio"), (vocab.SDMX_ATTR.unitMeasure, "per 100.000")):
        g.add((DS, pred, Literal(text, lang="id")))
    g.add((DS, DCAT.distribution, D1))
    g.add((D1, DCT.title, Literal("Tabel AKI")))
    g.add((D1, DCAT.accessURL, URIRef(CSV_URL)))
    g.add((D1, DCAT.downloadURL, URIRef(CSV_URL)))
    g.add((D1, DCT["format"], vocab.FILETYPE.CSV))
    g.add((D1, DCAT.mediaType, URIRef(vocab.IANA + "text/csv")))
    g.add((D1, DCT.rights, BNode()))
    g.add((D1, DCAT.byteSize, Literal(1326)))
    return g


def full_facts():
    return q.Facts(answers={CSV_URL: True}, dictionary={"Tabel AKI": []}, on_schedule=True)


def points(card):
    return {i["key"]: i["points"] for i in card["indicators"]}


def test_a_full_record_earns_every_point():
    card = q.score(full_graph(), DS, full_facts())
    assert card["mqa_points"] == card["mqa_max"] == 405
    assert card["satu_data_points"] == card["satu_data_max"] == 100
    assert card["rating"] == q.EXCELLENT
    assert {k: v["max"] for k, v in card["dimensions"].items()} == {
        "findability": 100, "accessibility": 100, "interoperability": 110,
        "reusability": 75, "contextuality": 20, "satu_data": 100}
    assert all(i["fix"] is None for i in card["indicators"])


def test_each_indicator_by_hand():
    """A second distribution (a PDF link not yet checked, no media type, no size,
    no rights, no download URL) and a record missing keywords, konsep, the BPS
    code, a dictionary description and on schedule: each loss counted by hand."""
    g = full_graph()
    g.remove((DS, DCAT.keyword, None))
    g.remove((DS, vocab.SDI.konsep, None))
    for ident in list(g.subjects(SKOS.notation, Literal("3510", datatype=vocab.SDI.kodeBPS))):
        g.remove((ident, None, None))
    g.add((DS, DCAT.distribution, D2))
    g.add((D2, DCT.title, Literal("Laporan")))
    g.add((D2, DCAT.accessURL, URIRef(PDF_URL)))
    g.add((D2, DCT["format"], vocab.FILETYPE.PDF))
    facts = q.Facts(answers={CSV_URL: True, PDF_URL: None},
                    dictionary={"Tabel AKI": ["jumlah"]}, on_schedule=False)
    card = q.score(g, DS, facts)
    got = points(card)
    lost = {k for k, v in got.items()
            if v == 0}
    assert lost == {
        "keyword",                     # findability -30
        "access_url_answers",          # PDF link unchecked -50
        "download_url",                # PDF has no downloadURL -20
        "download_url_answers",        # -30
        "media_type",                  # PDF without media type -10
        "machine_readable",            # PDF -20 (PDF is non-proprietary: kept)
        "rights", "byte_size",         # -5, -5
        "konsep",                      # -10
        "kode_referensi",              # BPS code missing -15
        "data_dictionary",             # -20
        "on_schedule",                 # -15
    }
    dims = {k: v["points"] for k, v in card["dimensions"].items()}
    assert dims == {"findability": 70, "accessibility": 0, "interoperability": 80,
                    "reusability": 75, "contextuality": 10, "satu_data": 40}
    assert card["mqa_points"] == 235 and card["rating"] == q.GOOD
    fixes = {i["key"]: (i["fix"], i["fix_args"]) for i in card["indicators"] if i["fix"]}
    assert fixes["download_url"][1] == ["Laporan"]           # names the distribution
    assert fixes["access_url_answers"][1] == ["Laporan"]
    assert fixes["data_dictionary"][1] == ["Tabel AKI"]
    assert fixes["keyword"] == ("Add keywords (tags).", [])


def test_an_empty_record_is_bad_and_says_what_to_fix():
    g = Graph()
    g.add((DS, RDF.type, DCAT.Dataset))
    card = q.score(g, DS)
    # only "on schedule" (no schedule yet is not held against it)
    assert card["mqa_points"] == 0 and card["satu_data_points"] == 15
    assert card["rating"] == q.BAD
    dcat_ap = next(i for i in card["indicators"] if i["key"] == "dcat_ap")
    assert dcat_ap["fix_args"] == ["dct:title, dct:description"]
    assert all(i["fix"] for i in card["indicators"] if i["points"] < i["max"])


def test_dash_is_not_a_value():
    """Regional portals fill fields with "-": that earns nothing."""
    g = full_graph()
    g.set((DS, vocab.SDI.definisi, Literal("-", lang="id")))
    assert points(q.score(g, DS, full_facts()))["definisi"] == 0


def test_ratings_at_mqa_boundaries():
    assert [q.rating(p) for p in (0, 120, 121, 220, 221, 350, 351, 405)] == [
        "bad", "bad", "sufficient", "sufficient", "good", "good", "excellent", "excellent"]


@settings(max_examples=60, deadline=None)
@given(st.sets(st.sampled_from([DCAT.keyword, DCAT.theme, DCT.spatial, DCT.temporal,
                                DCT.license, DCT.accessRights, DCAT.contactPoint,
                                DCT.publisher, DCT.issued, DCT.modified, vocab.SDI.konsep])))
def test_removing_properties_never_raises_the_score(removed):
    g = full_graph()
    for predicate in removed:
        g.remove((DS, predicate, None))
    card = q.score(g, DS, full_facts())
    assert 0 <= card["mqa_points"] <= 405
    assert card["points"] == sum(i["points"] for i in card["indicators"])
    assert card["points"] == 505 - sum(i["max"] - i["points"] for i in card["indicators"])
    assert (len(removed) == 0) == (card["points"] == 505)

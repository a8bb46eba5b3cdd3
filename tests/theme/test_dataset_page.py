"""The published dataset page as a citizen reads it: each piece of metadata
once, the last update, how to cite it, related datasets (published only),
the API and DCAT links, sharing, no follower count; an empty search offers
a data request."""
import pytest
from ckan.tests import factories

from tests.helpers import SdiDataset, walk

pytestmark = pytest.mark.usefixtures("satudata_db")


@pytest.fixture
def page(app, walidata):
    org = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    other = factories.Organization(name="dispendik", title="Dinas Pendidikan")
    ds = SdiDataset(name="jumlah-penduduk", title="Jumlah Penduduk per Kecamatan",
                    owner_org=org["id"], topic="pemerintahan_umum", update_frequency="tahunan",
                    narrative="Penduduk **bertambah** tiap tahun.")
    same_topic = SdiDataset(name="luas-wilayah", title="Luas Wilayah per Kecamatan",
                            owner_org=other["id"], topic="pemerintahan_umum")
    same_opd = SdiDataset(name="jumlah-puskesmas", title="Jumlah Puskesmas",
                          owner_org=org["id"], topic="perlindungan_sosial_kesehatan")
    SdiDataset(name="konsep-rahasia", title="Konsep Rahasia Belum Terbit",
               owner_org=org["id"], topic="pemerintahan_umum")
    for published in (ds, same_topic, same_opd):
        walk(published["id"], walidata)
    return app.get("/dataset/jumlah-penduduk").body


def test_metadata_once_and_the_narrative_once(page):
    assert page.count("Update frequency") == 1
    assert page.count("<strong>bertambah</strong>") == 1
    assert page.count("Dinas Kesehatan") >= 1


def test_last_update_citation_and_machine_links(app, page):
    assert 'class="satudata-updated"' in page and "Last updated" in page
    citation = page[page.index('class="satudata-citation"'):]
    citation = citation[:citation.index("</p>")]
    year = citation.split("(")[1][:4]
    assert year.isdigit()
    for part in ("Dinas Kesehatan", "Jumlah Penduduk per Kecamatan",
                 "/dataset/jumlah-penduduk"):
        assert part in citation
    assert "/api/3/action/package_show?id=jumlah-penduduk" in page
    assert 'href="/dataset/jumlah-penduduk.ttl"' in page
    assert app.get("/dataset/jumlah-penduduk.ttl").status_code == 200
    assert 'href="https://wa.me/?text=Jumlah%20Penduduk%20per%20Kecamatan%20http' in page
    assert 'class="btn btn-outline-primary btn-sm satudata-copy-link"' in page
    assert "onclick" not in page


def test_related_are_published_only_and_no_follower_count(page):
    related = page[page.index('class="satudata-related"'):]
    related = related[:related.index("</section>")]
    assert "Luas Wilayah per Kecamatan" in related  # same topic
    assert "Jumlah Puskesmas" in related  # same OPD
    assert "Konsep Rahasia" not in page
    assert "Jumlah Penduduk per Kecamatan" not in related
    assert "Followers" not in page


def test_a_search_without_results_offers_a_data_request(app, page):
    body = app.get("/dataset/", query_string={"q": "tidakadasamasekali"}).body
    assert 'class="satudata-cta satudata-no-results"' in body
    assert 'href="/permintaan-data/baru"' in body
    assert "satudata-no-results" not in app.get("/dataset/").body

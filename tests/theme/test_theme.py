"""The portal people see: themed home, about page, footer, SDI block."""
import pytest
from ckan.tests import factories

from tests.helpers import SdiDataset, walk

pytestmark = pytest.mark.usefixtures("satudata_db")


@pytest.fixture
def published(walidata):
    org = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    ds = SdiDataset(name="jumlah-penduduk", title="Jumlah Penduduk per Kecamatan",
                    owner_org=org["id"], topic="pemerintahan_umum", period_end="2026",
                    update_frequency="tahunan", region_code_kemendagri="35.10",
                    narrative="Penduduk **bertambah** tiap tahun.")
    walk(ds["id"], walidata)
    return ds


def test_home_is_banyuwangi_not_ckan_placeholder(app, published):
    body = app.get("/").body
    for placeholder in ("Welcome to CKAN", "nice introductory paragraph", "420 x 220",
                        "This is a featured section"):
        assert placeholder not in body
    assert 'id="satudata-topics"' in body and 'name="q"' in body
    # the 10 national topics, with counts of what this visitor may see
    assert body.count('href="/dataset/?topic=') == 10
    assert "General Government" in body   # test.ini: English is the default language
    assert "Dinas Kesehatan" in body and "Jumlah Penduduk per Kecamatan" in body
    assert "/permintaan-data" in body  # call to action to request data
    assert "Diskominfo dan Persandian Kabupaten Banyuwangi" in body  # footer contact
    assert "/about#kontak" in body


def test_home_counts_only_published(app, walidata):
    org = factories.Organization(name="dinsos", title="Dinas Sosial")
    SdiDataset(name="rahasia", title="Konsep Belum Terbit", owner_org=org["id"])
    body = app.get("/").body
    assert "Konsep Belum Terbit" not in body
    # the OPD is listed with what the visitor may see of it: nothing yet
    opd = body[body.index('href="/organization/dinsos"'):]
    assert "0 datasets" in opd[:opd.index("</a>")]


def test_about_describes_both_sops(app, satudata_db):
    body = app.get("/about").body
    assert "SOP 188/6593/429.116/2022" in body
    assert body.count("<ol>") == 2
    assert "diskominfo@banyuwangikab.go.id" in body  # the contact, on this page only


def test_sdi_block_readable(app, published):
    body = app.get("/dataset/jumlah-penduduk").body
    block = body[body.index('class="satudata-sdi"'):]
    block = block[:block.index("</section>")]
    assert "2025–2026" in block  # the period as a range
    assert "Yearly" in block  # choice label, not the value
    assert "tahunan<" not in block
    assert "35.10" in block and "Kemendagri" in block  # the code, explained
    assert "Dinas Kesehatan" in block
    assert "<strong>bertambah</strong>" in body  # the narrative, as Markdown


def test_sdi_block_in_indonesian(app, published):
    body = app.get("/id/dataset/jumlah-penduduk").body
    block = body[body.index('class="satudata-sdi"'):]
    assert "Frekuensi Pemutakhiran" in block and "Tahunan" in block


def test_search_page_with_results_in_indonesian(app, published):
    """The result count and the API line, which the browser walk of an empty
    search page never showed (the demo portal said "6 datasets found")."""
    body = app.get("/id/dataset/").body
    assert "1 dataset ditemukan" in body
    assert "Katalog ini juga dapat diakses melalui" in body
    body = app.get("/id/dataset/", query_string={"q": "penduduk"}).body
    assert '1 dataset ditemukan untuk "penduduk"' in body.replace("&#34;", '"')
    for english in ("dataset found", "datasets found", "access this registry"):
        assert english not in body
    assert "1 dataset found" in app.get("/en/dataset/").body


def test_dashboard_shows_the_review_queue_and_header_count(app, walidata):
    from ckan.tests import factories as f
    org = f.Organization(name="dinsos", title="Dinas Sosial")
    SdiDataset(name="menunggu-disposisi", title="Menunggu Disposisi", owner_org=org["id"])
    token = f.APIToken(user=walidata["subkoord"]["name"])["token"]
    body = app.get("/dashboard/", headers={"Authorization": token}).body
    section = body[body.index('class="satudata-my-work'):]
    assert "Menunggu Disposisi" in section and "/satudata/permintaan" in section
    assert 'class="satudata-waiting"' in body  # the header count
    # someone with nothing to do sees no count
    plain = f.User()
    body = app.get("/dashboard/", headers={"Authorization": f.APIToken(user=plain["name"])["token"]}).body
    assert 'class="satudata-waiting"' not in body and "satudata-my-work" not in body


def test_workflow_panel_says_the_next_step(app, walidata):
    from ckan.tests import factories as f
    org = f.Organization(name="dinsos", title="Dinas Sosial")
    SdiDataset(name="menunggu-disposisi", title="Menunggu Disposisi", owner_org=org["id"])
    def panel(user):
        token = f.APIToken(user=walidata[user]["name"])["token"]
        body = app.get("/dataset/menunggu-disposisi", headers={"Authorization": token}).body
        return body[body.index('satudata-next-step'):][:400]
    assert "Your turn." in panel("subkoord") and "assigns a staff member" in panel("subkoord")
    assert "Waiting for someone else." in panel("kabid")


def test_revision_exits_are_not_the_reviewers_turn(app, walidata):
    """On a live dataset the Subkoord may always withdraw or discard; while the
    revision is being prepared the turn is still the Staf's."""
    from ckan.tests import factories as f
    from ckan.tests import helpers as h
    from tests.helpers import as_user, walk
    org = f.Organization(name="dinsos", title="Dinas Sosial")
    dataset = SdiDataset(name="sudah-terbit", title="Sudah Terbit", owner_org=org["id"])
    walk(dataset["id"], walidata)
    h.call_action("package_patch", context=as_user(walidata["staf"]), id=dataset["id"],
                  title="Sudah Terbit (revisi)")
    def panel(user):
        token = f.APIToken(user=walidata[user]["name"])["token"]
        body = app.get("/dataset/sudah-terbit", headers={"Authorization": token}).body
        return body[body.index('satudata-next-step'):][:400]
    assert "Waiting for someone else." in panel("subkoord")
    assert "Your turn." in panel("staf")

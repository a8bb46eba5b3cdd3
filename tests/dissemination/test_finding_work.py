"""Issue 15, "Finding work" and "Small but real": the staff dataset lists
show workflow states with filters for the Walidata team only, the request
board pages and searches, SDI facets and the publication date, the request
form redirects after POST, and the small things (OPD titles, empty rows,
Markdown, badge contrast, local avatars, tables on a phone). Real stack."""
import datetime as dt
import re

import pytest
import sqlalchemy as sa
from ckan.tests import factories, helpers

import ckan.model as model
from ckanext.satudata.dissemination import finding_work
from ckanext.satudata.helpers import REQUEST_STATUS_COLOURS
from ckanext.satudata.model import dataset_workflow as wf_table

from tests.helpers import SdiDataset, as_user, transition, walk

NO_LIMIT = pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")
pytestmark = [pytest.mark.usefixtures("satudata_db"), NO_LIMIT]

REQUEST = {
    "name": "Siti Aminah Rahayu", "email": "siti.aminah@warga.example.org",
    "phone": "081234567890", "institution": "Universitas Jember",
    "title": "Jumlah tenaga kesehatan per kecamatan",
    "description": "Jumlah dokter, bidan dan perawat per kecamatan.",
    "purpose": "Penelitian skripsi",
}
NUMBER = re.compile(r"PDS-\d{4}-\d{5}")


def headers(user):
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def reindex(dataset_id):
    from ckan.lib.search import rebuild
    rebuild(dataset_id)
    model.repo.commit()


@pytest.fixture
def opd_member(satudata_db):
    return factories.User(name="petugas-dinkes")


@pytest.fixture
def datasets(walidata, opd_member):
    """Dinas Kesehatan's datasets in four states, one of them overdue."""
    org = factories.Organization(name="dinkes", title="Dinas Kesehatan",
                                 users=[{"name": opd_member["name"], "capacity": "editor"}])
    other = factories.Organization(name="dispendik", title="Dinas Pendidikan")
    made = {
        "konsep": SdiDataset(name="data-konsep", title="Data Konsep", owner_org=org["id"]),
        "diajukan": SdiDataset(name="data-diajukan", title="Data Diajukan",
                               owner_org=org["id"], topic="perlindungan_sosial_kesehatan"),
        "terbit": SdiDataset(name="data-terbit", title="Data Terbit", owner_org=org["id"],
                             update_frequency="bulanan"),
        "lain": SdiDataset(name="data-opd-lain", title="Data OPD Lain",
                           owner_org=other["id"]),
    }
    walk(made["diajukan"]["id"], walidata, until="diajukan")
    walk(made["terbit"]["id"], walidata)
    # the concept has waited ten days: past its 120 office minutes
    model.Session.execute(sa.update(wf_table).where(
        wf_table.c.package_id == made["konsep"]["id"]).values(
        entered_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=10)))
    model.repo.commit()
    reindex(made["konsep"]["id"])
    return made


def titles(page):
    return set(re.findall(r"Data (?:Konsep|Diajukan|Terbit|OPD Lain)", page))


# -- the staff dataset list -------------------------------------------------------------

def test_walidata_list_shows_workflow_states_instead_of_private(app, walidata, datasets):
    page = app.get("/dataset/", headers=headers(walidata["subkoord"])).body
    assert titles(page) == {"Data Konsep", "Data Diajukan", "Data Terbit", "Data OPD Lain"}
    for state in ("konsep", "diajukan", "terbit"):
        assert "satudata-state-%s" % state in page, state
    assert "dataset-private" not in page   # the plain "Private" label is replaced
    assert "satudata-list-overdue" in page
    assert "Workflow state" in page and "Only overdue datasets" in page
    page = app.get("/id/dataset/", headers=headers(walidata["subkoord"])).body
    assert "Status alur kerja" in page and "Hanya dataset yang melewati waktu baku" in page
    assert "Tahap 4: Koreksi &amp; paraf Subkoord" in page and "Diajukan" in page


def test_walidata_filters_by_state_step_assignee_and_overdue(app, walidata, datasets):
    h = headers(walidata["kabid"])
    page = app.get("/dataset/?satudata_state=diajukan", headers=h).body
    assert titles(page) == {"Data Diajukan"}
    page = app.get("/dataset/?satudata_step=4", headers=h).body
    assert titles(page) == {"Data Diajukan"}
    page = app.get("/dataset/?satudata_assignee=%s" % walidata["staf"]["id"], headers=h).body
    # a published dataset keeps its last assignee; the concept has none
    assert titles(page) == {"Data Diajukan", "Data Terbit"}
    page = app.get("/dataset/?satudata_overdue=1", headers=h).body
    assert titles(page) == {"Data Konsep"}
    # facet values are labels, not codes or ids
    page = app.get("/en/dataset/", headers=h).body
    assert "Submitted" in page and walidata["staf"]["id"] not in page.split(
        'id="search-facets"')[1].split("hide-filters")[0].replace(
        "satudata_assignee=%s" % walidata["staf"]["id"], "")
    # the API takes the same filter
    result = helpers.call_action("package_search", context=as_user(walidata["staf"]),
                                 fq='satudata_overdue:"1"', include_private=True)
    assert [r["name"] for r in result["results"]] == ["data-konsep"]


def test_organization_page_has_states_and_filters_for_the_team(app, walidata, datasets):
    page = app.get("/organization/dinkes?satudata_state=konsep",
                   headers=headers(walidata["subkoord"])).body
    assert titles(page) == {"Data Konsep"} and "satudata-state-konsep" in page


def test_opd_member_sees_states_of_own_datasets_but_no_internal_filters(
        app, opd_member, datasets):
    h = headers(opd_member)
    page = app.get("/dataset/", headers=h).body
    assert titles(page) == {"Data Konsep", "Data Diajukan", "Data Terbit"}
    assert "satudata-state-konsep" in page and "satudata-state-diajukan" in page
    assert "Workflow state" not in page and "Only overdue datasets" not in page
    for url in ("/dataset/?satudata_state=konsep", "/dataset/?satudata_overdue=1",
                "/organization/dinkes?satudata_step=1"):
        page = app.get(url, headers=h).body
        assert titles(page) == set(), url   # refused as an invalid query
    with pytest.raises(Exception):
        helpers.call_action("package_search", context=as_user(opd_member),
                            fq='satudata_overdue:"1"')


def test_public_sees_no_states_nor_internal_filters(app, datasets):
    page = app.get("/dataset/").body
    assert titles(page) == {"Data Terbit"}
    assert "satudata-state" not in page and "Workflow state" not in page
    assert titles(app.get("/dataset/?satudata_overdue=1").body) == set()
    assert titles(app.get("/dataset/?satudata_state=terbit").body) == set()
    res = app.get("/api/3/action/package_search?fq=satudata_overdue:1", status=400)
    assert "satudata" not in str(res.json.get("result"))


# -- SDI facets and the publication date ---------------------------------------------------

def test_sdi_facets_with_choice_labels_in_the_page_language(app, datasets):
    page = app.get("/id/dataset/").body
    assert "Topik" in page and "Frekuensi Pemutakhiran" in page \
        and "Tingkat Penyajian" in page
    assert "Bulanan" in page and "Pemerintahan Umum" in page
    assert "Perlindungan Sosial" not in page   # only the private dataset has it
    page = app.get("/en/dataset/").body
    assert "Topic" in page and "Update frequency" in page and "Monthly" in page
    page = app.get("/en/dataset/?update_frequency=bulanan").body
    assert titles(page) == {"Data Terbit"}
    assert app.get("/en/dataset/?update_frequency=harian").body.count("Data Terbit") == 0


def test_dataset_page_shows_publication_date_and_hides_empty_rows(app, walidata, datasets):
    page = app.get("/en/dataset/data-terbit").body
    assert "Publication date" in page
    row = page[page.index("satudata-published-at"):][:400]
    assert str(dt.date.today().year) in row
    # fields nobody filled in are not listed
    assert "Measurement" not in page and "Concept" not in page
    assert "Unit" in page
    # never published: no date
    page = app.get("/en/dataset/data-diajukan", headers=headers(walidata["staf"])).body
    assert "Publication date" not in page


# -- the request board ------------------------------------------------------------------

def test_request_board_pages_and_searches(app, walidata):
    numbers = []
    for i in range(23):
        numbers.append(helpers.call_action(
            "satudata_request_create", context={"user": ""},
            **dict(REQUEST, title="Permintaan nomor %02d" % i))["number"])
    h = headers(walidata["subkoord"])
    first = app.get("/satudata/permintaan", headers=h).body
    second = app.get("/satudata/permintaan?page=2", headers=h).body
    on_first, on_second = set(NUMBER.findall(first)), set(NUMBER.findall(second))
    assert len(on_first) == 20 and len(on_second) == 3 and not on_first & on_second
    assert "page=2" in first   # the pager
    page = app.get("/satudata/permintaan?q=%s" % numbers[7], headers=h).body
    assert set(NUMBER.findall(page)) == {numbers[7]}
    page = app.get("/satudata/permintaan?q=nomor+1", headers=h).body
    assert len(set(NUMBER.findall(page))) == 10   # 10..19
    assert 'name="q"' in page and "table-responsive" in page


# -- the request form, OPD titles ----------------------------------------------------------

def test_request_form_redirects_after_post(app):
    factories.Organization(name="dinkes", title="Dinas Kesehatan")
    browser = app.test_client()
    form = dict(REQUEST, organization="dinkes", website="")
    res = browser.post("/permintaan-data/baru", data=form, follow_redirects=False)
    assert res.status_code in (302, 303)
    assert "/diterima" in res.headers["Location"]
    page = browser.get(res.headers["Location"], status=200)
    number = NUMBER.search(page.body).group(0)
    assert "Keep this token" in page.body and "no-store" in page.headers["Cache-Control"]
    # reloading shows the confirmation again and files nothing
    browser.get(res.headers["Location"], status=200)
    assert helpers.call_action("satudata_request_list", limit=0)["count"] == 1
    # another browser is sent to the public tracking page, without the token
    other = app.test_client().get("/permintaan-data/%s/diterima" % number)
    assert "Keep this token" not in other.body and number in other.body


def test_suggested_opd_shows_its_title(app, walidata):
    factories.Organization(name="dinkes", title="Dinas Kesehatan")
    number = helpers.call_action("satudata_request_create", context={"user": ""},
                                 organization="dinkes", **REQUEST)["number"]
    h = headers(walidata["subkoord"])
    page = app.get("/permintaan-data/%s" % number, headers=h).body
    dd = re.search(r"Agency suggested by the requester</dt>\s*<dd[^>]*>([^<]*)<", page)
    assert dd.group(1).strip() == "Dinas Kesehatan"
    board = app.get("/satudata/permintaan", headers=h).body
    assert "suggested" in board and "Dinas Kesehatan" in board
    assert re.search(r"suggested\S*: dinkes<", board) is None


# -- small but real --------------------------------------------------------------------------

def test_organization_description_renders_markdown(app):
    factories.Organization(name="dinkes", title="Dinas Kesehatan",
                           description="Dinas **Kesehatan** Banyuwangi\n\n* Puskesmas")
    page = app.get("/organization/about/dinkes").body
    assert "<strong>Kesehatan</strong>" in page and "<li>Puskesmas</li>" in page
    assert "**Kesehatan**" not in page


def _badge_styles(page):
    return re.findall(r'style="background-color: (#[0-9a-f]{6}); color: (#[0-9a-f]{6});"',
                      page)


def test_status_badges_pass_wcag_aa_contrast(app, walidata, datasets):
    colours = set(REQUEST_STATUS_COLOURS.values()) | {
        "secondary", "info", "primary", "warning", "success", "danger"}
    for colour in colours:
        background, text = finding_work.BADGE_COLOURS[colour]
        assert finding_work.contrast_ratio(background, text) >= 4.5, colour
    # what the pages actually render
    page = app.get("/dataset/", headers=headers(walidata["subkoord"])).body
    styles = _badge_styles(page)
    assert len(styles) >= 3
    for background, text in styles:
        assert finding_work.contrast_ratio(background, text) >= 4.5
    assert 'class="badge bg-info' not in page and 'class="badge bg-warning' not in page
    helpers.call_action("satudata_request_create", context={"user": ""}, **REQUEST)
    board = app.get("/satudata/permintaan", headers=headers(walidata["subkoord"])).body
    assert _badge_styles(board)
    assert all(finding_work.contrast_ratio(b, t) >= 4.5 for b, t in _badge_styles(board))


def test_avatars_are_local(app):
    user = factories.User(name="budi", email="budi@warga.example.org", image_url="")
    page = app.get("/user/budi", headers=headers(user)).body
    assert "gravatar.com" not in page and "placeholder-user.png" in page
    # a template calling h.gravatar directly gets the local placeholder too
    import ckan.plugins.toolkit as tk
    with app.flask_app.test_request_context():
        assert "gravatar.com" not in str(tk.h.gravatar("0" * 32, 50))


def test_request_tables_scroll_on_a_phone(app, walidata, opd_member):
    factories.Organization(name="dinkes", title="Dinas Kesehatan",
                           users=[{"name": opd_member["name"], "capacity": "editor"}])
    number = helpers.call_action("satudata_request_create", context={"user": ""},
                                 **REQUEST)["number"]
    pages = {
        "index": app.get("/permintaan-data").body,
        "board": app.get("/satudata/permintaan", headers=headers(walidata["subkoord"])).body,
        "inbox": app.get("/satudata/permintaan/opd", headers=headers(opd_member)).body,
        "track": app.get("/permintaan-data/%s" % number).body,
    }
    for name, page in pages.items():
        tables = page.count("<table")
        assert tables and page.count('<div class="table-responsive">') >= tables, name


def test_a_revision_under_review_is_found_by_its_state(app, walidata, datasets):
    helpers.call_action("package_patch", context=as_user(walidata["staf"]),
                        id=datasets["terbit"]["id"], unit="orang")
    page = app.get("/dataset/?satudata_state=penyusunan",
                   headers=headers(walidata["subkoord"])).body
    assert titles(page) == {"Data Terbit"}
    assert "satudata-list-revision" in page   # published, with a revision in preparation
    assert titles(app.get("/dataset/").body) == {"Data Terbit"}   # still online

"""Workflow 1 in the browser: the panel on the dataset page, its buttons and
the review queue page (Bahasa Indonesia by default, English available)."""
import pytest
from ckan.tests import factories, helpers

from tests.helpers import SdiDataset, walk

pytestmark = pytest.mark.usefixtures("satudata_db")


def headers(user):
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


@pytest.fixture
def konsep_dataset(walidata):
    org = factories.Organization(name="dinkes")
    return SdiDataset(name="cakupan-imunisasi", title="Cakupan Imunisasi Dasar Lengkap",
                      owner_org=org["id"])


def state(dataset):
    return helpers.call_action("satudata_dataset_workflow_show", id=dataset["id"])["state"]


def test_walk_the_chain_in_the_browser(app, walidata, konsep_dataset):
    url = "/dataset/cakupan-imunisasi"
    page = app.get(url, headers=headers(walidata["subkoord"]))
    assert "alur-diseminasi" in page.body and "satudata-state-konsep" in page.body
    assert 'value="assign"' in page.body and walidata["staf"]["name"] in page.body

    def press(user, transition, **form):
        return app.post(url + "/alur", headers=headers(user),
                        data=dict(form, transition=transition), follow_redirects=True)

    press(walidata["subkoord"], "assign", assignee=walidata["staf"]["name"],
          expected_state="konsep")
    assert state(konsep_dataset) == "penyusunan"
    press(walidata["staf"], "submit", comment="siap dikoreksi")
    assert state(konsep_dataset) == "diajukan"
    # a return without a comment is refused with the reason shown, nothing moves
    page = press(walidata["subkoord"], "return")
    assert state(konsep_dataset) == "diajukan"
    # the reason is shown inside the panel, where the page lands
    panel = page.body[page.body.index('id="alur-diseminasi"'):]
    assert "Catatan wajib diisi" in panel and 'role="alert"' in panel
    # a stale page (expected_state) is refused too
    press(walidata["subkoord"], "approve", expected_state="konsep")
    assert state(konsep_dataset) == "diajukan"
    press(walidata["subkoord"], "approve", expected_state="diajukan", comment="paraf")
    press(walidata["kabid"], "approve", comment="paraf kabid")
    # publishing makes data public: it asks for a confirmation first
    page = press(walidata["staf"], "publish")
    assert state(konsep_dataset) == "disetujui_kabid"
    assert "publishing makes the data public" in page.body   # test.ini: English pages
    page = press(walidata["staf"], "publish", confirm_publish="1")
    assert state(konsep_dataset) == "terbit"
    public = app.get(url)
    assert "Cakupan Imunisasi Dasar Lengkap" in public.body
    assert "id=\"alur-diseminasi\"" not in public.body  # the workflow stays internal
    history_page = app.get(url, headers=headers(walidata["kabid"])).body
    assert "paraf kabid" in history_page


def test_buttons_only_for_who_may_press_them(app, walidata, konsep_dataset):
    page = app.get("/dataset/cakupan-imunisasi", headers=headers(walidata["kabid"]))
    assert "alur-diseminasi" in page.body and 'name="transition"' not in page.body
    # pressing anyway is refused
    app.post("/dataset/cakupan-imunisasi/alur", headers=headers(walidata["kabid"]),
             data={"transition": "assign", "assignee": walidata["staf"]["name"]})
    assert state(konsep_dataset) == "konsep"
    app.get("/dataset/cakupan-imunisasi", status=404)  # anonymous: not even the page


def test_review_queue_page(app, walidata, konsep_dataset):
    page = app.get("/satudata/antrian-review", headers=headers(walidata["subkoord"]))
    assert "Cakupan Imunisasi Dasar Lengkap" in page.body
    assert "Review queue" in page.body   # test.ini: English pages
    page = app.get("/satudata/antrian-review", headers=headers(walidata["kabid"]))
    assert "Cakupan Imunisasi Dasar Lengkap" not in page.body
    walk(konsep_dataset["id"], walidata, until="disetujui_subkoord")
    page = app.get("/satudata/antrian-review", headers=headers(walidata["kabid"]))
    assert "Cakupan Imunisasi Dasar Lengkap" in page.body
    app.get("/satudata/antrian-review", status=200)  # anonymous: sent to log in


def test_english_is_available(app, walidata, konsep_dataset):
    page = app.get("/en/dataset/cakupan-imunisasi", headers=headers(walidata["subkoord"]))
    assert "Dissemination workflow" in page.body and "Concept" in page.body
    page = app.get("/id/dataset/cakupan-imunisasi", headers=headers(walidata["subkoord"]))
    assert "Alur Diseminasi" in page.body

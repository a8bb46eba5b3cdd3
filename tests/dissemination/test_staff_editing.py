"""Staff edit without surprises (issue 15): the owner OPD is kept, a pending
revision is edited instead of overwritten, two editors get a conflict, and the
form offers no control the workflow owns. Through the API and the web form."""
import io

import bs4
import pytest
from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.helpers import as_user, site_context, transition, walk
from ckanext.satudata.dissemination import revision_files

pytestmark = pytest.mark.usefixtures("satudata_db")


@pytest.fixture
def people(walidata):
    diskominfo = factories.Organization(name="diskominfo", title="Diskominfo")
    disbudpar = factories.Organization(name="disbudpar",
                                       title="Dinas Kebudayaan dan Pariwisata")
    opd = factories.User(name="opd-disbudpar")
    helpers.call_action("organization_member_create", context=site_context(),
                        id=disbudpar["id"], username=opd["name"], role="editor")
    # the Walidata staff belong to Diskominfo only
    for role in ("staf", "subkoord", "kabid"):
        helpers.call_action("organization_member_create", context=site_context(),
                            id=diskominfo["id"], username=walidata[role]["name"],
                            role="editor")
    return dict(walidata, opd=opd, disbudpar=disbudpar, diskominfo=diskominfo,
                stranger=factories.User(name="warga"))


@pytest.fixture
def published(people):
    dataset = helpers.call_action(
        "package_create", context=as_user(people["opd"]), name="kunjungan-wisata",
        title="Kunjungan Wisata", notes="Data contoh (sample data).",
        owner_org=people["disbudpar"]["id"], topic="budaya_agama",
        update_frequency="tahunan", period_start="2025", presentation_level="kabupaten",
        unit="orang", classification="terbuka", tag_string="wisata",
        resources=[{"name": "Data", "url": "http://example.com/wisata.csv", "format": "CSV"}])
    walk(dataset["id"], people)
    return dataset


def auth(user):
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def form_fields(html, form_id="dataset-edit"):
    """What a browser would post back from the form, unchanged."""
    form = bs4.BeautifulSoup(html, "html.parser").find("form", id=form_id)
    data = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "button", "file"):
            continue
        if field.name == "select":
            chosen = field.find("option", selected=True) or field.find("option")
            data[name] = chosen.get("value", "") if chosen else ""
        elif field.name == "textarea":
            data[name] = field.text
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        else:
            data[name] = field.get("value", "")
    return data


def pending(dataset_id):
    return helpers.call_action("satudata_dataset_workflow_show",
                               context={"ignore_auth": True}, id=dataset_id)["pending_revision"]


def live(dataset_id):
    return helpers.call_action("package_show", context=as_user(None), id=dataset_id)


def save_form(app, user, name, **changes):
    page = app.get("/dataset/edit/%s" % name, headers=auth(user))
    assert page.status_code == 200
    data = form_fields(page.body)
    data.update(changes)
    data["save"] = ""
    return app.post("/dataset/edit/%s" % name, data=data, headers=auth(user),
                    follow_redirects=False)


class TestOwnerOpdKept:
    def test_walidata_form_offers_and_keeps_the_datasets_opd(self, app, people, published):
        page = app.get("/dataset/edit/kunjungan-wisata", headers=auth(people["staf"]))
        select = bs4.BeautifulSoup(page.body, "html.parser").find(id="field-organizations")
        selected = select.find("option", selected=True)
        assert selected["value"] == people["disbudpar"]["id"]
        offered = {o["value"] for o in select.find_all("option")}
        assert {people["disbudpar"]["id"], people["diskominfo"]["id"]} <= offered

        resp = save_form(app, people["staf"], "kunjungan-wisata", title="Kunjungan Wisatawan")
        assert resp.status_code == 302, resp.body[:300]
        revision = pending(published["id"])
        assert {c["field"] for c in revision["diff"]} == {"title"}
        assert live(published["id"])["owner_org"] == people["disbudpar"]["id"]

    def test_unpublished_dataset_keeps_its_opd_when_staff_save(self, app, people):
        dataset = helpers.call_action(
            "package_create", context=as_user(people["opd"]), name="hotel",
            title="Hotel", notes="Data contoh (sample data).",
            owner_org=people["disbudpar"]["id"], topic="budaya_agama",
            update_frequency="tahunan", period_start="2025", presentation_level="kabupaten",
            unit="unit", classification="terbuka")
        assert save_form(app, people["staf"], "hotel", notes="Diperbarui (sample data)."
                         ).status_code == 302
        shown = helpers.call_action("package_show", context={"ignore_auth": True},
                                    id=dataset["id"])
        assert shown["owner_org"] == people["disbudpar"]["id"]

    def test_form_has_no_visibility_or_unpublish(self, app, people, published):
        page = app.get("/dataset/edit/kunjungan-wisata", headers=auth(people["staf"]))
        soup = bs4.BeautifulSoup(page.body, "html.parser")
        assert soup.find(attrs={"name": "private"}) is None
        assert soup.find("button", value="go-metadata-unpublish") is None

    def test_unpublish_post_changes_nothing(self, app, people, published):
        page = app.get("/dataset/edit/kunjungan-wisata", headers=auth(people["opd"]))
        data = dict(form_fields(page.body), save="go-metadata-unpublish")
        app.post("/dataset/edit/kunjungan-wisata", data=data, headers=auth(people["opd"]))
        assert pending(published["id"]) is None
        assert live(published["id"])["state"] == "active"


class TestSecondEditKeepsTheFirst:
    def test_api_edits_accumulate_in_the_revision(self, people, published):
        context = as_user(people["opd"])
        res_id = live(published["id"])["resources"][0]["id"]
        helpers.call_action("package_patch", context=context, id=published["id"],
                            title="Kunjungan Wisata 2026")
        helpers.call_action("resource_patch", context=context, id=res_id,
                            description="Sumber: Disbudpar (sample data)")
        added = helpers.call_action("resource_create", context=context,
                                    package_id=published["id"], name="Infografis",
                                    url="http://example.com/i.png")
        helpers.call_action("package_revise", context=context,
                            match={"id": published["id"]}, update={"unit": "wisatawan"})
        # a resource that exists only in the revision is edited there
        helpers.call_action("resource_patch", context=context, id=added["id"],
                            name="Infografis Wisata")
        fields = {c["field"] for c in pending(published["id"])["diff"]}
        assert {"title", "unit", "resource:Data", "resource:Infografis Wisata"} <= fields
        assert live(published["id"])["title"] == "Kunjungan Wisata"

        helpers.call_action("resource_delete", context=context, id=added["id"])
        fields = {c["field"] for c in pending(published["id"])["diff"]}
        assert "resource:Infografis Wisata" not in fields and "title" in fields

    def test_form_loads_the_pending_revision(self, app, people, published):
        assert save_form(app, people["staf"], "kunjungan-wisata",
                         title="Kunjungan Wisata (revisi)").status_code == 302
        page = app.get("/dataset/edit/kunjungan-wisata", headers=auth(people["opd"]))
        assert form_fields(page.body)["title"] == "Kunjungan Wisata (revisi)"
        assert save_form(app, people["opd"], "kunjungan-wisata",
                         unit="wisatawan").status_code == 302
        fields = {c["field"] for c in pending(published["id"])["diff"]}
        assert {"title", "unit"} <= fields

    def test_two_editors_of_one_revision_get_a_conflict(self, app, people, published):
        helpers.call_action("package_patch", context=as_user(people["opd"]),
                            id=published["id"], title="Revisi pertama")
        first = form_fields(app.get("/dataset/edit/kunjungan-wisata",
                                    headers=auth(people["staf"])).body)
        second = form_fields(app.get("/dataset/edit/kunjungan-wisata",
                                     headers=auth(people["opd"])).body)
        resp = app.post("/dataset/edit/kunjungan-wisata", headers=auth(people["staf"]),
                        data=dict(first, unit="jiwa wisatawan", save=""),
                        follow_redirects=False)
        assert resp.status_code == 302
        resp = app.post("/dataset/edit/kunjungan-wisata", headers=auth(people["opd"]),
                        data=dict(second, notes="Ditimpa?", save=""))
        assert resp.status_code == 200 and "Someone else changed this revision" in resp.body
        diff = {c["field"]: c["revision"] for c in pending(published["id"])["diff"]}
        assert diff["unit"] == "jiwa wisatawan" and "notes" not in diff

    def test_saving_unchanged_form_creates_no_revision(self, app, people, published):
        assert save_form(app, people["opd"], "kunjungan-wisata").status_code == 302
        assert pending(published["id"]) is None


class TestDiscard:
    @pytest.mark.parametrize("who", ["opd", "subkoord"])
    def test_author_or_subkoord_discards(self, people, published, who):
        res_id = live(published["id"])["resources"][0]["id"]
        helpers.call_action("resource_update", context=as_user(people["opd"]), id=res_id,
                            name="Data", upload=FileStorage(io.BytesIO(b"a,b\n1,2\n"),
                                                            filename="baru.csv"))
        assert revision_files.held_file(published["id"], res_id)
        for outsider in ("staf", "kabid", "stranger"):
            if outsider != who:
                with pytest.raises(tk.NotAuthorized):
                    transition(people[outsider], published["id"], "discard",
                               comment="Tidak jadi.")
        shown = transition(people[who], published["id"], "discard", comment="Tidak jadi.")
        assert shown["state"] == "terbit" and shown["pending_revision"] is None
        assert revision_files.held_file(published["id"], res_id) is None
        assert live(published["id"])["resources"][0]["url"].endswith("wisata.csv")
        log = helpers.call_action("satudata_dataset_history", context={"ignore_auth": True},
                                  id=published["id"])
        assert log[-1]["transition"] == "discard"
        # the next edit starts a fresh revision from the live version
        helpers.call_action("package_patch", context=as_user(people["opd"]),
                            id=published["id"], unit="wisatawan")
        assert {c["field"] for c in pending(published["id"])["diff"]} == {"unit"}


class TestPanelReadsWell:
    def test_diff_and_history_in_words_people_use(self, app, people, published):
        helpers.call_action("package_patch", context=as_user(people["opd"]),
                            id=published["id"], update_frequency="bulanan",
                            title="Kunjungan Wisata 2026")
        body = app.get("/dataset/kunjungan-wisata", headers=auth(people["subkoord"])).body
        panel = body[body.index('id="alur-diseminasi"'):]
        # the test site speaks English by default; the portal's default is id
        assert "Update frequency" in panel and "Monthly" in panel and "Yearly" in panel
        assert ">update_frequency<" not in panel and ">bulanan<" not in panel
        assert "WIB" in panel and "+07:00" not in panel
        opd_user = model.User.get("opd-disbudpar")
        assert opd_user.display_name in panel

    def test_staff_select_starts_empty(self, app, people):
        helpers.call_action(
            "package_create", context=as_user(people["opd"]), name="hotel",
            title="Hotel", notes="Data contoh (sample data).",
            owner_org=people["disbudpar"]["id"], topic="budaya_agama",
            update_frequency="tahunan", period_start="2025", presentation_level="kabupaten",
            unit="unit", classification="terbuka")
        body = app.get("/dataset/hotel", headers=auth(people["subkoord"])).body
        select = bs4.BeautifulSoup(body, "html.parser").find(id="field-assignee")
        first = select.find("option")
        assert first["value"] == "" and select.find("option", selected=True) is None
        # nothing to note when only assigning
        assert bs4.BeautifulSoup(body, "html.parser").find(id="field-comment") is None

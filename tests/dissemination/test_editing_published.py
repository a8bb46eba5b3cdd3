"""Editing a published dataset (issue 23): the forms say before saving that
saving makes a revision for review, and after saving the author lands on the
page showing that revision, not the unchanged live text."""
import bs4
import pytest

from ckan.tests import factories, helpers

from tests.helpers import as_user, site_context, walk

pytestmark = pytest.mark.usefixtures("satudata_db")

NOTICE = "Saving makes a revision for review."


@pytest.fixture
def people(walidata):
    disbudpar = factories.Organization(name="disbudpar", title="Disbudpar")
    opd = factories.User(name="opd-disbudpar")
    helpers.call_action("organization_member_create", context=site_context(),
                        id=disbudpar["id"], username=opd["name"], role="editor")
    return dict(walidata, opd=opd, disbudpar=disbudpar)


def make(people, name):
    return helpers.call_action(
        "package_create", context=as_user(people["opd"]), name=name,
        title="Kunjungan Wisata", notes="Teks lama (sample data).",
        owner_org=people["disbudpar"]["id"], topic="budaya_agama",
        update_frequency="tahunan", period_start="2025", presentation_level="kabupaten",
        unit="orang", classification="terbuka",
        resources=[{"name": "Data", "url": "http://example.com/wisata.csv", "format": "CSV"}])


@pytest.fixture
def published(people):
    dataset = make(people, "kunjungan-wisata")
    walk(dataset["id"], people)
    return dataset


def auth(user):
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def form_fields(html, form_id):
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


def text(html):
    return " ".join(bs4.BeautifulSoup(html, "html.parser").get_text(" ").split())


class TestFormSaysSavingMakesARevision:
    def test_dataset_and_resource_forms_of_a_published_dataset(self, app, people, published):
        res_id = published["resources"][0]["id"]
        for url in ("/dataset/edit/kunjungan-wisata",
                    "/dataset/kunjungan-wisata/resource/%s/edit" % res_id,
                    "/dataset/kunjungan-wisata/resource/new"):
            page = app.get(url, headers=auth(people["opd"]))
            assert page.status_code == 200, url
            assert NOTICE in text(page.body), url

    def test_in_indonesian(self, app, people, published):
        page = app.get("/id/dataset/edit/kunjungan-wisata", headers=auth(people["opd"]))
        notice = bs4.BeautifulSoup(page.body, "html.parser").find(
            class_="satudata-revision-notice")
        assert notice is not None and "revisi" in notice.get_text().lower()
        assert NOTICE not in notice.get_text()

    def test_not_on_a_concept(self, app, people):
        make(people, "konsep")
        page = app.get("/dataset/edit/konsep", headers=auth(people["opd"]))
        assert page.status_code == 200 and NOTICE not in text(page.body)


class TestAuthorLandsOnTheRevision:
    def test_dataset_form(self, app, people, published):
        page = app.get("/dataset/edit/kunjungan-wisata", headers=auth(people["opd"]))
        data = dict(form_fields(page.body, "dataset-edit"),
                    notes="Teks baru dari revisi (sample data).", save="")
        resp = app.post("/dataset/edit/kunjungan-wisata", data=data,
                        headers=auth(people["opd"]), follow_redirects=False)
        assert resp.status_code == 302
        assert resp.headers["Location"].endswith("/dataset/kunjungan-wisata/revisi")
        shown = text(app.get("/dataset/kunjungan-wisata/revisi",
                             headers=auth(people["opd"])).body)
        assert "Teks baru dari revisi" in shown
        assert "You are viewing the revision under review." in shown
        # the public page is unchanged
        public = text(app.get("/dataset/kunjungan-wisata").body)
        assert "Teks lama" in public and "Teks baru dari revisi" not in public

    def test_resource_form(self, app, people, published):
        res_id = published["resources"][0]["id"]
        url = "/dataset/kunjungan-wisata/resource/%s/edit" % res_id
        page = app.get(url, headers=auth(people["opd"]))
        data = dict(form_fields(page.body, "resource-edit"), name="Data Revisi", save="")
        resp = app.post(url, data=data, headers=auth(people["opd"]), follow_redirects=False)
        assert resp.status_code == 302
        assert resp.headers["Location"].endswith("/dataset/kunjungan-wisata/revisi")
        shown = text(app.get("/dataset/kunjungan-wisata/revisi",
                             headers=auth(people["opd"])).body)
        assert "Data Revisi" in shown

    def test_unchanged_save_and_outsiders_get_the_dataset_page(self, app, people, published):
        page = app.get("/dataset/edit/kunjungan-wisata", headers=auth(people["opd"]))
        resp = app.post("/dataset/edit/kunjungan-wisata",
                        data=dict(form_fields(page.body, "dataset-edit"), save=""),
                        headers=auth(people["opd"]), follow_redirects=False)
        assert resp.headers["Location"].endswith("/dataset/kunjungan-wisata")
        helpers.call_action("package_patch", context=as_user(people["opd"]),
                            id=published["id"], notes="Rahasia revisi (sample data).")
        resp = app.get("/dataset/kunjungan-wisata/revisi", follow_redirects=False)
        assert resp.status_code == 302
        assert resp.headers["Location"].endswith("/dataset/kunjungan-wisata")

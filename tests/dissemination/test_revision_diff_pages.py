"""The revision diff on the pages (issue 23): after a real edit of a published
dataset (the dataset form and a new upload), the workflow panel on the dataset
page and the revision page /dataset/<name>/revisi show the changed words
marked (<del> in the published version, <ins> in the revision), labels in the
page's language, a new file as "file replaced" with its name, format and size,
no system field and no user HTML."""
import io

import bs4
import pytest
from werkzeug.datastructures import FileStorage

from ckan.tests import helpers

from tests.dissemination.test_editing_published import auth, form_fields, people  # noqa: F401
from tests.helpers import as_user, site_context, walk

pytestmark = pytest.mark.usefixtures("satudata_db")

OLD_NOTES = "Kunjungan wisatawan **mancanegara** per bulan (sample data)."
NEW_NOTES = "Kunjungan wisatawan **domestik** per bulan di Banyuwangi (sample data)."


@pytest.fixture
def edited(app, people):  # noqa: F811
    """A published dataset with an uploaded CSV; then the OPD saves the
    dataset form (title, description) and uploads a new file."""
    dataset = helpers.call_action(
        "package_create", context=as_user(people["opd"]), name="kunjungan-wisata",
        title="Kunjungan Wisata", notes=OLD_NOTES,
        owner_org=people["disbudpar"]["id"], topic="budaya_agama",
        update_frequency="tahunan", period_start="2025", presentation_level="kabupaten",
        unit="orang", classification="terbuka")
    resource = helpers.call_action(
        "resource_create", context=site_context(), package_id=dataset["id"], name="Data",
        format="CSV", url="wisata.csv", url_type="upload",
        upload=FileStorage(io.BytesIO(b"bulan,jumlah\n1,10\n"), "wisata.csv",
                           content_type="text/csv"))
    walk(dataset["id"], people)

    page = app.get("/dataset/edit/kunjungan-wisata", headers=auth(people["opd"]))
    data = dict(form_fields(page.body, "dataset-edit"), notes=NEW_NOTES,
                title="Kunjungan Wisata <b>2026</b>", save="")
    resp = app.post("/dataset/edit/kunjungan-wisata", data=data,
                    headers=auth(people["opd"]), follow_redirects=False)
    assert resp.status_code == 302
    helpers.call_action("resource_update", context=as_user(people["opd"]), id=resource["id"],
                        name="Data", format="CSV",
                        upload=FileStorage(io.BytesIO(b"bulan,jumlah\n1,10\n2,12\n3,15\n"),
                                           "wisata-2026.csv", content_type="text/csv"))
    return {"dataset": dataset, "resource": resource}


def diff_table(body):
    table = bs4.BeautifulSoup(body, "html.parser").find("table", class_="satudata-diff")
    assert table is not None, "no diff table on the page"
    return table


def rows(table):
    return {tr.th.get_text(" ", strip=True): tr.find_all("td") for tr in table.tbody.find_all("tr")}


def marked(cell, tag):
    return [m.get_text(" ", strip=True) for m in cell.find_all(tag)]


# system fields and what they hold: none of it is a person's edit
SYSTEM = ("metadata_modified", "metadata_created", "revision_id", "last_modified",
          "url_type", "datastore", "xloader", "satudata_", "hash", "cache_",
          "package_id", "position", "mimetype", "Last modified", "Url type", "Size",
          "Revision id", "Metadata modified", "Hash", "Datastore active")


@pytest.mark.parametrize("path", ["/dataset/kunjungan-wisata", "/dataset/kunjungan-wisata/revisi"])
def test_panel_and_revision_page_mark_words_and_hide_system_fields(app, people, edited, path):  # noqa: F811
    body = app.get(path, headers=auth(people["subkoord"])).body
    table = diff_table(body)
    found = rows(table)
    assert set(found) == {"Title", "Description", "Resource «Data» — file replaced"}, set(found)

    live, revision = found["Description"]
    # the Markdown as it reads, the changed words alone marked
    assert marked(live, "del") == ["mancanegara"] and marked(live, "ins") == []
    assert marked(revision, "ins") == ["domestik", "di Banyuwangi"]
    assert "**" not in table.get_text()
    assert " ".join(revision.get_text(" ").split()) == \
        "Kunjungan wisatawan domestik per bulan di Banyuwangi (sample data)."

    # HTML a person typed is shown as text, never as markup
    live, revision = found["Title"]
    assert marked(revision, "ins") == ["<b>2026</b>"] and revision.find("b") is None
    assert "&lt;b&gt;2026&lt;/b&gt;" in str(revision)

    # the new upload: file names, format and size; no URL, no id
    live, revision = found["Resource «Data» — file replaced"]
    assert "wisata.csv" in live.get_text() and "wisata-2026.csv" in revision.get_text()
    assert "CSV" in revision.get_text() and "bytes" in revision.get_text()
    text = table.get_text(" ")
    for ident in (edited["dataset"]["id"], edited["resource"]["id"], "http", "/download/"):
        assert ident not in text
    for word in SYSTEM:
        assert word not in text, word
    # only the diff's own marks are markup
    assert {t.name for t in table.tbody.find_all(True)} <= {"tr", "th", "td", "del", "ins", "br"}


def test_labels_in_the_page_language(app, people, edited):  # noqa: F811
    body = app.get("/id/dataset/kunjungan-wisata/revisi", headers=auth(people["opd"])).body
    found = rows(diff_table(body))
    assert set(found) == {"Judul", "Deskripsi", "Sumber data «Data» — berkas diganti"}
    assert "dicoret" in bs4.BeautifulSoup(body, "html.parser").find(
        class_="satudata-diff-legend").get_text()


def test_choices_read_as_labels_and_unchanged_fields_stay_out(app, people, edited):  # noqa: F811
    helpers.call_action("package_patch", context=as_user(people["opd"]),
                        id=edited["dataset"]["id"], update_frequency="bulanan",
                        tag_string="wisata,budaya")
    body = app.get("/dataset/kunjungan-wisata", headers=auth(people["kabid"])).body
    found = rows(diff_table(body))
    live, revision = found["Update frequency"]
    assert marked(live, "del") == ["Yearly"] and marked(revision, "ins") == ["Monthly"]
    live, revision = found["Keywords"]
    assert live.get_text(strip=True) == "—"
    assert sorted(marked(revision, "ins")) == ["budaya, wisata"]
    assert "Unit" not in found and "Topic" not in found

"""`satudata_quality_show` on a real portal (issue 25): the score computed from
the DCAT-AP 3 graph the portal serves for the dataset, indicator by indicator;
visibility as package_show's (an unpublished dataset is missing to outsiders)."""
import datetime as dt

import pytest

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.satudata.quality import actions as quality

from tests.helpers import as_user, site_context

pytestmark = pytest.mark.usefixtures("satudata_db")


def publish(dataset_id, team=None, at=None):
    """Published as the chain leaves it (state terbit, public, a `publish` in the
    log at `at`), without running the chain: its data checks are another
    test's business, and the schedule tests need the publication date."""
    from tests.quality.published import mark_published
    mark_published(dataset_id, at)

FIELDS = {
    "notes": "Data contoh.", "topic": "perlindungan_sosial_kesehatan",
    "update_frequency": "tahunan", "period_start": "2025", "presentation_level": "kecamatan",
    "unit": "per 100.000 kelahiran hidup", "measurement": "Rasio",
    "concept": "Kematian ibu selama kehamilan.", "definition": "Jumlah kematian ibu.",
    "classification": "terbuka", "maintainer": "Seksi Kesga",
    "maintainer_email": "kesga@example.go.id", "tag_string": "kesehatan,ibu",
}
LINK = "http://example.com/aki.csv"


@pytest.fixture
def portal(walidata):
    org = helpers.call_action("organization_create", context=site_context(), name="dinkes",
                              title="Dinas Kesehatan", contact_email="dinkes@example.go.id")
    other = helpers.call_action("organization_create", context=site_context(),
                                name="dispendik", title="Dinas Pendidikan")
    editor, outsider = factories.User(name="opd-dinkes"), factories.User(name="opd-dispendik")
    for o, u in ((org, editor), (other, outsider)):
        helpers.call_action("organization_member_create", context=site_context(), id=o["id"],
                            username=u["name"], role="editor")
    ds = helpers.call_action("package_create", context=as_user(editor), name="aki",
                             title="Angka Kematian Ibu", owner_org=org["id"],
                             resources=[{"url": LINK, "name": "Tabel AKI", "format": "CSV",
                                         "size": 1326}], **FIELDS)
    return {"org": org, "editor": editor, "outsider": outsider, "dataset": ds,
            "team": walidata}


def _points(result):
    return {i["key"]: i["points"] for i in result["score"]["indicators"]}


def test_score_of_a_published_dataset_indicator_by_indicator(portal):
    publish(portal["dataset"]["id"], portal["team"])
    result = helpers.call_action("satudata_quality_show", context={"user": "", "ignore_auth": False}, id="aki")
    got = _points(result)
    # by hand, from what the portal's DCAT-AP 3 output carries for this dataset:
    expected = {
        # findability: tags, topic, region (configured codes), period
        "keyword": 30, "theme": 30, "spatial": 20, "temporal": 20,
        # accessibility: a link no background check has answered; no downloadURL
        "access_url_answers": 0, "download_url": 0, "download_url_answers": 0,
        # interoperability: CSV, text/csv, EU file type, open, machine-readable, complete
        "format": 20, "media_type": 10, "format_vocabulary": 10, "non_proprietary": 20,
        "machine_readable": 20, "dcat_ap": 30,
        # reusability: CC-BY IRI, classification PUBLIC, contact, the OPD
        "licence": 20, "licence_vocabulary": 10, "access_rights": 10,
        "access_rights_vocabulary": 5, "contact_point": 20, "publisher": 10,
        # contextuality: no rights statement; size, issued, modified
        "rights": 0, "byte_size": 5, "issued": 5, "modified": 5,
        # Satu Data: the five standard fields, both region codes, no DataStore
        # dictionary, published today (on schedule)
        "konsep": 10, "definisi": 10, "klasifikasi": 10, "ukuran": 10, "satuan": 10,
        "kode_referensi": 15, "data_dictionary": 0, "on_schedule": 15,
    }
    assert got == expected
    score = result["score"]
    assert score["mqa_points"] == 300 and score["rating"] == "good"
    assert score["satu_data_points"] == 80
    # what to fix, naming the resource (the page language: English here)
    fix = next(i for i in score["indicators"] if i["key"] == "download_url")["fix"]
    assert fix == "Give a direct download link (or upload the file) for: Tabel AKI."
    assert result["schedule"]["status"] == "ok"

    # the background link check found the link answering: +50
    res_id = helpers.call_action("package_show", context=site_context(),
                                 id="aki")["resources"][0]["id"]
    model.Session.add(model.TaskStatus(entity_id=res_id, entity_type="resource",
                                       task_type=quality.LINK_TASK, key=LINK, value="ok",
                                       state="done", last_updated=dt.datetime.utcnow()))
    model.Session.commit()
    again = helpers.call_action("satudata_quality_show", context={"user": "", "ignore_auth": False}, id="aki")
    assert _points(again)["access_url_answers"] == 50
    assert again["score"]["mqa_points"] == 350


def test_uploaded_file_answers_when_it_exists(portal, tmp_path, ckan_config, monkeypatch):
    """No HTTP call: an upload answers when the file is in the portal's storage."""
    pkg = helpers.call_action("package_show", context=site_context(), id="aki")
    res = dict(pkg["resources"][0], url_type="upload", url="aki.csv")
    monkeypatch.setattr(quality, "_upload_exists", lambda r: r["url"] == "aki.csv")
    pkg["resources"] = [res]
    g, _ref = quality.dataset_graph(pkg)
    assert set(quality.answers(pkg, g).values()) == {True}
    monkeypatch.setattr(quality, "_upload_exists", lambda r: False)
    assert set(quality.answers(pkg, g).values()) == {False}


def test_an_uploaded_table_has_its_download_url_and_its_points(portal):
    """A file uploaded to the portal is a direct download: DCAT-AP's
    downloadURL is its download address, which answers while the file is in
    the portal's storage (MQA: +20 given, +30 answers)."""
    import io
    from werkzeug.datastructures import FileStorage
    from ckanext.dcat.profiles import DCAT
    from ckanext.dcat.utils import resource_uri
    from rdflib import URIRef
    ds = portal["dataset"]
    helpers.call_action("resource_delete", context=site_context(),
                        id=ds["resources"][0]["id"])
    res = helpers.call_action("resource_create", context=site_context(), package_id=ds["id"],
                              name="Tabel AKI", format="CSV", upload=FileStorage(
                                  io.BytesIO(b"kecamatan,aki\nGlenmore,3\n"),
                                  filename="aki.csv"))
    assert res["url"].endswith("/download/aki.csv")
    publish(ds["id"], portal["team"])
    pkg = helpers.call_action("package_show", context=site_context(), id="aki")
    g, _ref = quality.dataset_graph(pkg)
    dist = URIRef(resource_uri(pkg["resources"][0]))
    assert list(g.objects(dist, DCAT.downloadURL)) == [URIRef(res["url"])]
    got = _points(helpers.call_action("satudata_quality_show",
                                      context={"user": "", "ignore_auth": False}, id="aki"))
    assert (got["download_url"], got["download_url_answers"], got["access_url_answers"]) \
        == (20, 30, 50)


def test_unpublished_dataset_is_missing_to_those_who_cannot_see_it(portal):
    ds = portal["dataset"]
    for ctx in ({"user": "", "ignore_auth": False}, as_user(factories.User()), as_user(portal["outsider"])):
        with pytest.raises(helpers.logic.NotFound) as err:
            helpers.call_action("satudata_quality_show", context=ctx, id=ds["id"])
        assert "Dataset tidak ditemukan" in str(err.value)
        with pytest.raises(helpers.logic.NotFound) as missing:
            helpers.call_action("satudata_quality_show", context=ctx, id="no-such-dataset")
        assert str(missing.value) == str(err.value)
    for user in (portal["editor"], portal["team"]["subkoord"]):
        result = helpers.call_action("satudata_quality_show", context=as_user(user),
                                     id=ds["name"])
        assert result["score"]["max"] == 505
        assert result["schedule"] is None                 # not published: no due date
        assert _points(result)["on_schedule"] == 15


def test_missing_id_is_a_validation_error(portal):
    for bad in ({}, {"id": ""}, {"id": ["aki"]}):
        with pytest.raises(helpers.logic.ValidationError):
            helpers.call_action("satudata_quality_show", context={"user": "", "ignore_auth": False}, **bad)


def test_api_answers_over_http(portal, app):
    publish(portal["dataset"]["id"], portal["team"])
    body = app.get("/api/3/action/satudata_quality_show?id=aki").json
    assert body["success"] and body["result"]["score"]["max"] == 505
    hidden = helpers.call_action("package_create", context=as_user(portal["editor"]),
                                 name="draf", title="Draf", owner_org=portal["org"]["id"],
                                 **FIELDS)
    resp = app.get("/api/3/action/satudata_quality_show?id=%s" % hidden["id"], status=404)
    assert resp.json["success"] is False


def test_dataset_page_badge_and_review_panel(portal, app):
    ds = portal["dataset"]
    # the OPD's editor, before publication: the score with what to fix
    token = factories.APIToken(user=portal["editor"]["name"])["token"]
    page = app.get("/dataset/aki", headers={"Authorization": token})
    assert 'id="skor-kualitas"' in page.body
    assert "Give a direct download link (or upload the file) for: Tabel AKI." in page.body
    assert "Metadata quality" in page.body
    indonesian = app.get("/id/dataset/aki", headers={"Authorization": token}).body
    assert "Berikan tautan unduhan langsung (atau unggah berkasnya) untuk: Tabel AKI." \
        in indonesian and "Skor kualitas metadata" in indonesian
    publish(ds["id"])
    anon = app.get("/dataset/aki").body
    assert "satudata-quality-badge" in anon and "300/405" in anon
    assert "Next scheduled update" in anon
    assert "Jadwal pembaruan berikutnya" in app.get("/id/dataset/aki").body
    assert 'id="skor-kualitas"' not in anon    # the panel is for who sees the workflow

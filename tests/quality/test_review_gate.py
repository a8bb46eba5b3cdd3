"""The checks in the chain (issues 25, 26), on the real stack: submitting
queues them for the RQ worker (which runs them, forking, as deployed), the
report belongs to the content hash, the schema inferred from the first upload
is kept, and a Subkoord or Kabid cannot approve content whose report lists
problems without a waiver note, which is logged with the approval."""
import io
import pathlib

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.helpers import as_user, run_worker, site_context, transition
from tests.quality.test_checks_files import EXPECTED_REFERENCE, EXPECTED_VALIDATION
from ckanext.satudata.quality import checks
from ckanext.satudata.quality.model import quality_report, table_schema

pytestmark = pytest.mark.usefixtures("satudata_db", "clean_redis")

FIXTURES = pathlib.Path(__file__).parent / "fixtures"


def upload(name):
    return FileStorage(io.BytesIO((FIXTURES / name).read_bytes()), filename=name)


@pytest.fixture
def people(walidata):
    dinkes = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    opd = factories.User(name="opd-dinkes")
    helpers.call_action("organization_member_create", context=site_context(),
                        id=dinkes["id"], username=opd["name"], role="editor")
    return dict(walidata, opd=opd, dinkes=dinkes)


def submitted(people, filename, name="penduduk-kecamatan"):
    """A dataset with one uploaded CSV, assigned and submitted for review."""
    dataset = helpers.call_action(
        "package_create", context=as_user(people["opd"]), name=name,
        title="Jumlah Penduduk", notes="Data contoh (sample data).",
        owner_org=people["dinkes"]["id"], topic="pemerintahan_umum",
        update_frequency="tahunan", period_start="2025", presentation_level="kecamatan",
        unit="jiwa", classification="terbuka")
    resource = helpers.call_action("resource_create", context=as_user(people["opd"]),
                                   package_id=dataset["id"], name="Penduduk", format="CSV",
                                   upload=upload(filename))
    transition(people["subkoord"], dataset["id"], "assign", assignee=people["staf"]["name"])
    transition(people["staf"], dataset["id"], "submit")
    return dataset, resource


def refusal(call):
    with pytest.raises(tk.ValidationError) as e:
        call()
    return " ".join(m for msgs in e.value.error_dict.values() for m in msgs)


def test_clean_file_checked_by_the_worker_then_approved(people):
    dataset, resource = submitted(people, "penduduk_bersih.csv")
    # the request that submitted did not run the checks: the worker will
    report = checks.latest_report(dataset["id"])
    assert report["status"] == "running"
    assert [r["status"] for r in report["resources"]] == ["queued"]
    run_worker()
    report = checks.latest_report(dataset["id"])
    assert report["status"] == "done" and report["problems"] == 0
    assert not report["needs_waiver"]
    only = report["resources"][0]
    assert (only["resource_id"], only["rows_checked"], only["schema_source"]) == (
        resource["id"], 12, "inferred")
    assert (only["validation"], only["reference"], only["personal"]) == ([], [], [])
    shown = transition(people["subkoord"], dataset["id"], "approve")
    assert shown["state"] == "disetujui_subkoord"
    assert "waiver" not in shown["approvals"][0]
    # the API: satudata_quality_show carries the checks for the Walidata team
    quality = helpers.call_action("satudata_quality_show", context=as_user(people["kabid"]),
                                  id=dataset["id"])
    assert quality["checks"] == checks.latest_report(dataset["id"])
    assert quality["checks"]["resources"][0]["rows_checked"] == 12
    # the owning OPD reads it too (it fixes the file); the public, once published, does not
    # (the checks are of the content under review, which may be an unpublished revision)
    transition(people["kabid"], dataset["id"], "approve")
    transition(people["staf"], dataset["id"], "publish")
    public = helpers.call_action("satudata_quality_show", context=as_user(None),
                                 id=dataset["id"])
    assert public["checks"] is None and "score" in public


def test_new_content_new_report_against_the_kept_schema_and_the_waiver(people):
    dataset, resource = submitted(people, "penduduk_bersih.csv")
    run_worker()
    first_hash = checks.latest_report(dataset["id"])["content_hash"]
    transition(people["subkoord"], dataset["id"], "return", comment="Perbarui datanya")
    transition(people["staf"], dataset["id"], "resume")
    helpers.call_action("resource_patch", context=as_user(people["opd"]), id=resource["id"],
                        upload=upload("penduduk_cacat.csv"))
    transition(people["staf"], dataset["id"], "submit")
    run_worker()

    report = checks.latest_report(dataset["id"])
    assert report["content_hash"] != first_hash
    only = report["resources"][0]
    # the schema inferred from the first upload is kept: "tiga ribu" is a type error
    assert only["schema_source"] == "kept"
    assert only["validation"] == EXPECTED_VALIDATION
    assert only["reference"] == EXPECTED_REFERENCE
    assert report["problems"] == 6 and report["needs_waiver"]
    # the first content's report is still there, under its own hash
    hashes = model.Session.execute(sa.select(quality_report.c.content_hash).where(
        quality_report.c.resource_id == resource["id"])).scalars().all()
    assert sorted(hashes) == sorted([first_hash, report["content_hash"]])
    assert model.Session.execute(sa.select(sa.func.count()).select_from(table_schema)).scalar() == 1

    message = refusal(lambda: transition(people["subkoord"], dataset["id"], "approve"))
    assert "Laporan mutu konten ini mencatat 6 masalah" in message
    assert "The quality report of this content lists 6 problem(s)" in message
    assert refusal(lambda: transition(people["subkoord"], dataset["id"], "approve",
                                      waiver="   ")) == message
    shown = transition(people["subkoord"], dataset["id"], "approve", comment="Paraf",
                       waiver="Baris kosong dan ejaan diperbaiki OPD pada rilis berikut")
    assert shown["state"] == "disetujui_subkoord"
    assert shown["approvals"][0]["waiver"] == "Baris kosong dan ejaan diperbaiki OPD pada rilis berikut"
    # each reviewer waives for themself
    assert "6 masalah" in refusal(lambda: transition(people["kabid"], dataset["id"], "approve"))
    transition(people["kabid"], dataset["id"], "approve", waiver="Disetujui dengan catatan")
    history = helpers.call_action("satudata_dataset_history", context=as_user(people["kabid"]),
                                  id=dataset["id"])
    approvals = [e for e in history if e["transition"] == "approve"]
    assert [e["comment"] for e in approvals] == [
        "Paraf\nPengecualian mutu / Quality waiver: Baris kosong dan ejaan diperbaiki OPD "
        "pada rilis berikut",
        "Pengecualian mutu / Quality waiver: Disetujui dengan catatan"]
    assert all(e["content_hash"] == report["content_hash"] for e in approvals)


@pytest.mark.ckan_config("ckanext.satudata.quality.inline_max_bytes", "0")
def test_approval_waits_for_a_report_still_running(people):
    dataset, _ = submitted(people, "penduduk_bersih.csv")
    message = refusal(lambda: transition(people["subkoord"], dataset["id"], "approve"))
    assert "Pemeriksaan mutu konten ini masih berjalan" in message
    assert "still running" in message
    # even a waiver does not approve what nobody has seen the report of
    refusal(lambda: transition(people["subkoord"], dataset["id"], "approve", waiver="x"))
    run_worker()
    assert transition(people["subkoord"], dataset["id"], "approve")["state"] == \
        "disetujui_subkoord"


def test_personal_data_needs_a_waiver_small_file_checked_at_approval(people):
    """No worker has run: the approval checks a small file itself."""
    dataset, _ = submitted(people, "warga_pribadi.csv", name="penerima-bantuan")
    message = refusal(lambda: transition(people["subkoord"], dataset["id"], "approve"))
    assert "9 masalah" in message
    report = checks.latest_report(dataset["id"])
    kinds = [f["kind"] for f in report["resources"][0]["personal"]]
    assert kinds == ["nik", "phone", "email", "name", "nip", "phone", "name", "phone", "name"]
    # the report never holds the personal data in clear
    stored = model.Session.execute(sa.select(quality_report.c.personal)).scalar()
    assert "3510014101900001" not in str(stored) and "081234567890" not in str(stored)


def test_a_dataset_without_tables_is_not_held(people):
    dataset = helpers.call_action(
        "package_create", context=as_user(people["opd"]), name="tautan",
        title="Tautan", notes="Data contoh.", owner_org=people["dinkes"]["id"],
        topic="pemerintahan_umum", update_frequency="tahunan", period_start="2025",
        presentation_level="kecamatan", unit="jiwa", classification="terbuka")
    helpers.call_action("resource_create", context=as_user(people["opd"]),
                        package_id=dataset["id"], name="Tautan", format="CSV",
                        url="http://example.com/data.csv")
    transition(people["subkoord"], dataset["id"], "assign", assignee=people["staf"]["name"])
    transition(people["staf"], dataset["id"], "submit")
    report = checks.latest_report(dataset["id"])
    assert report["status"] == "done" and report["resources"][0]["message"] == "link"
    assert transition(people["subkoord"], dataset["id"], "approve")["state"] == \
        "disetujui_subkoord"


def test_review_panel_shows_the_report_and_takes_the_waiver(app, people):
    dataset, _ = submitted(people, "penduduk_bersih.csv")
    run_worker()
    first = checks.latest_report(dataset["id"])
    assert first["status"] == "done", first
    assert first["resources"][0]["schema_source"] == "inferred", first
    transition(people["subkoord"], dataset["id"], "return", comment="Perbarui")
    transition(people["staf"], dataset["id"], "resume")
    helpers.call_action("resource_patch", context=as_user(people["opd"]),
                        id=dataset["resources"][0]["id"] if dataset.get("resources") else
                        helpers.call_action("package_show", context=site_context(),
                                            id=dataset["id"])["resources"][0]["id"],
                        upload=upload("penduduk_cacat.csv"))
    transition(people["staf"], dataset["id"], "submit")
    run_worker()
    env = {"Authorization": factories.APIToken(user=people["subkoord"]["name"])["token"]}
    page = app.get("/id/dataset/%s" % dataset["name"], headers=env).body
    assert "Pemeriksaan mutu konten ini" in page
    assert 'Baris 16, kolom &#34;jumlah_penduduk&#34;: &#34;tiga ribu&#34; tidak sesuai tipe kolom' in page \
        or 'Baris 16, kolom "jumlah_penduduk": "tiga ribu" tidak sesuai tipe kolom' in page
    assert "bentuk resmi" in page and "Genteng" in page
    assert 'name="waiver"' in page
    english = app.get("/dataset/%s" % dataset["name"], headers=env).body
    assert "is not of the column" in english and "official form" in english

    # the panel's form: approve without a note is refused in the panel, with one it signs
    def press(**form):
        return app.post("/id/dataset/%s/alur" % dataset["name"], headers=env,
                        data=dict(form, transition="approve", expected_state="diajukan"),
                        follow_redirects=True).body
    panel = press(comment="paraf")
    panel = panel[panel.index('id="alur-diseminasi"'):]
    assert "Laporan mutu konten ini mencatat 6 masalah" in panel and 'role="alert"' in panel
    assert checks.latest_report(dataset["id"])["needs_waiver"]
    press(comment="paraf", waiver="Diterima sementara; OPD memperbaiki di rilis berikut")
    shown = helpers.call_action("satudata_dataset_workflow_show", id=dataset["id"])
    assert shown["state"] == "disetujui_subkoord"
    assert shown["approvals"][0]["waiver"] == \
        "Diterima sementara; OPD memperbaiki di rilis berikut"



def test_a_duplicate_key_needs_a_waiver_and_is_shown_in_the_panel(app, people):
    """A table without a declared key ("Kalibaru, 2024" twice with two
    figures): the worker reports the inferred key's duplicates, and they are
    problems the approval needs a waiver for."""
    from tests.quality.test_checks_files import EXPECTED_KEY
    dataset, _ = submitted(people, "kunci_ganda.csv", name="penduduk-ganda")
    run_worker()
    report = checks.latest_report(dataset["id"])
    only = report["resources"][0]
    assert only["validation"] == EXPECTED_KEY and only["personal"] == []
    # the other problems are the years before the declared period (2025)
    assert {f["kind"] for f in only["reference"]} == {"year_outside_period"}
    problems = len(EXPECTED_KEY) + len(only["reference"])
    assert report["problems"] == problems and report["needs_waiver"]
    assert "%d masalah" % problems in refusal(
        lambda: transition(people["subkoord"], dataset["id"], "approve"))
    env = {"Authorization": factories.APIToken(user=people["subkoord"]["name"])["token"]}
    page = app.get("/id/dataset/%s" % dataset["name"], headers=env).body.replace("&#34;", '"')
    assert 'Baris 5: kunci kecamatan, tahun = "Kalibaru, 2024" sama dengan baris 3, ' \
        'tetapi angkanya berbeda' in page
    shown = transition(people["subkoord"], dataset["id"], "approve",
                       waiver="Data 2024 Kalibaru dikoreksi OPD")
    assert shown["approvals"][0]["waiver"] == "Data 2024 Kalibaru dikoreksi OPD"


@pytest.mark.ckan_config("ckanext.satudata.quality.max_bytes", "10000")
@pytest.mark.ckan_config("ckanext.satudata.quality.sample_rows", "1000")
def test_the_worker_samples_a_large_file_and_the_panel_says_how(app, people, tmp_path):
    from tests.quality.test_checks_files import big_csv, big_rows
    rows = list(big_rows(30000))
    rows[-3][5] = "tiga ribu"
    name = big_csv(tmp_path / "besar.csv", rows)
    dataset = helpers.call_action(
        "package_create", context=as_user(people["opd"]), name="penduduk-bulanan",
        title="Penduduk Bulanan", notes="Data contoh.", owner_org=people["dinkes"]["id"],
        topic="pemerintahan_umum", update_frequency="tahunan", period_start="2025",
        presentation_level="kecamatan", unit="jiwa", classification="terbuka")
    with open(name, "rb") as f:
        helpers.call_action("resource_create", context=as_user(people["opd"]),
                            package_id=dataset["id"], name="Bulanan", format="CSV",
                            upload=FileStorage(io.BytesIO(f.read()), filename="besar.csv"))
    transition(people["subkoord"], dataset["id"], "assign", assignee=people["staf"]["name"])
    transition(people["staf"], dataset["id"], "submit")
    run_worker()
    only = checks.latest_report(dataset["id"])["resources"][0]
    assert [(e["type"], e["row"]) for e in only["validation"]] == [("type-error", 29999)]
    assert only["sampled"] and only["rows_checked"] == 666
    assert only["sampling"] == {"rows_total": 30000, "rows_sampled": 666, "head": 100,
                                "step": 64, "tail": 100}
    env = {"Authorization": factories.APIToken(user=people["subkoord"]["name"])["token"]}
    page = app.get("/id/dataset/%s" % dataset["name"], headers=env).body
    assert "sampel: 666 dari 30000 baris berkas besar (100 baris pertama, lalu satu dari " \
        "setiap 64 baris, dan 100 baris terakhir)" in page
    english = app.get("/dataset/%s" % dataset["name"], headers=env).body
    assert "sampled: 666 of the 30000 rows of a large file (the first 100, then one row in " \
        "every 64, and the last 100)" in english

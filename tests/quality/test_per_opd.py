"""Quality per OPD (issue 25): the public page and its CSV/XLSX, the EPSS
evidence with the datasets behind each figure, "Perlu diperbarui" on the work
list and Kinerja. Only published datasets count."""
import csv
import io

import pytest
from openpyxl import load_workbook

from ckan.tests import factories, helpers

from ckanext.satudata.quality import per_opd

from tests.helpers import SdiDataset, site_context
from tests.quality.published import mark_published, wib

pytestmark = pytest.mark.usefixtures("satudata_db")


@pytest.fixture
def frozen(monkeypatch):
    from ckanext.satudata.workflow import clock
    monkeypatch.setattr(clock, "now", lambda: wib(2027, 3, 1, 9, 0))


@pytest.fixture
def portal(walidata, frozen):
    def org(name, title):
        return helpers.call_action("organization_create", context=site_context(), name=name,
                                   title=title)
    dinkes, dispendik = org("dinkes", "Dinas Kesehatan"), org("dispendik", "Dinas Pendidikan")
    editor = factories.User(name="editor-dinkes")
    helpers.call_action("organization_member_create", context=site_context(),
                        id=dinkes["id"], username=editor["name"], role="editor")
    full = dict(measurement="Jumlah", concept="Konsep.", definition="Definisi.",
                tag_string="kesehatan", maintainer="Seksi", maintainer_email="s@example.go.id")
    # dinkes: one complete dataset on schedule, one bare and overdue
    a = SdiDataset(owner_org=dinkes["id"], name="imunisasi", title="Imunisasi",
                   update_frequency="tahunan", period_start="2025", **full)
    b = SdiDataset(owner_org=dinkes["id"], name="puskesmas", title="Puskesmas",
                   update_frequency="bulanan", period_start="2027")
    # dispendik: one ad-hoc dataset; and a draft that must never count
    c = SdiDataset(owner_org=dispendik["id"], name="sekolah", title="Sekolah",
                   update_frequency="ad_hoc", period_start="2024", **full)
    SdiDataset(owner_org=dispendik["id"], name="draf-rahasia", title="Draf Rahasia")
    mark_published(a["id"], wib(2026, 6, 1, 10, 0))      # due 2027-04-01: on schedule
    mark_published(b["id"], wib(2027, 1, 10, 10, 0))     # due 2027-02-10: overdue
    mark_published(c["id"], wib(2026, 1, 10, 10, 0))     # ad hoc: no due date
    return {"editor": editor, "team": walidata}


def test_per_opd_figures_and_epss_evidence(portal):
    rows = {r["name"]: r for r in per_opd.dataset_rows()}
    assert set(rows) == {"imunisasi", "puskesmas", "sekolah"}
    assert rows["imunisasi"]["metadata_complete"] is True
    assert rows["puskesmas"]["metadata_complete"] is False   # no keywords, konsep, ...
    assert rows["imunisasi"]["data_dictionary"] is False     # no DataStore data
    assert [rows[n]["on_schedule"] for n in ("imunisasi", "puskesmas", "sekolah")] == [
        True, False, None]
    assert {r["validity"] for r in rows.values()} == {"unknown"}   # no CSV uploads checked

    table = per_opd.per_opd_table(list(rows.values()))
    by_opd = {r["opd"]: r for r in table["rows"]}
    assert set(by_opd) == {"Dinas Kesehatan", "Dinas Pendidikan"}
    dinkes = by_opd["Dinas Kesehatan"]
    assert dinkes["datasets"] == 2
    assert dinkes["average_score"] == (rows["imunisasi"]["mqa_points"]
                                       + rows["puskesmas"]["mqa_points"]) / 2
    assert dinkes["share_on_schedule"] == 50.0 and dinkes["without_schedule"] == 0
    assert dinkes["share_valid"] == 0.0 and dinkes["validity_unknown"] == 2
    dispendik = by_opd["Dinas Pendidikan"]
    assert dispendik["datasets"] == 1                      # the draft does not count
    assert dispendik["share_on_schedule"] is None and dispendik["without_schedule"] == 1

    summary, detail = per_opd.epss_tables(list(rows.values()))
    figures = {r["figure"]: r for r in summary["rows"]}
    on_time = figures["Datasets updated on schedule"]
    assert (on_time["count"], on_time["total"], on_time["share"]) == (1, 2, 50.0)
    assert on_time["datasets"] == "imunisasi"
    codes = figures["Datasets using reference codes"]
    assert codes["count"] == 3 and codes["datasets"] == "imunisasi, puskesmas, sekolah"
    complete = figures["Datasets with complete metadata and data dictionary"]
    assert complete["count"] == 0 and complete["total"] == 3
    assert [r["name"] for r in detail["rows"]] == ["imunisasi", "puskesmas", "sekolah"]


def test_public_page_and_exports_show_only_published(portal, app):
    page = app.get("/satudata/kualitas-opd").body
    assert "Dinas Kesehatan" in page and "Dinas Pendidikan" in page
    assert "imunisasi" in page and "draf-rahasia" not in page and "Draf Rahasia" not in page
    indonesian = app.get("/id/satudata/kualitas-opd").body
    assert "Kualitas data per OPD" in indonesian and "Bukti dukung EPSS" in indonesian

    body = app.get("/satudata/kualitas-opd/kualitas_opd.csv").body
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:2] == ["OPD", "Datasets"]
    assert sorted(r[0] for r in rows[1:]) == ["Dinas Kesehatan", "Dinas Pendidikan"]
    evidence = app.get("/satudata/kualitas-opd/epss_dataset.csv").body
    assert "draf-rahasia" not in evidence and "puskesmas" in evidence

    resp = app.get("/satudata/kualitas-opd/semua.xlsx")
    book = load_workbook(io.BytesIO(resp.data))
    assert book.sheetnames == ["Kualitas per OPD", "EPSS", "EPSS per dataset"]
    names = [row[1] for row in book["EPSS per dataset"].iter_rows(min_row=2, values_only=True)]
    assert names == ["imunisasi", "puskesmas", "sekolah"]
    # the figures are kept between requests, and recomputed after a change
    assert app.get("/satudata/kualitas-opd").body.count("Dinas Pendidikan") == \
        page.count("Dinas Pendidikan")
    late = SdiDataset(owner_org=per_opd._orgs_by_name()["dispendik"], name="guru",
                      title="Jumlah Guru")
    assert "guru" not in app.get("/satudata/kualitas-opd").body
    mark_published(late["id"], wib(2027, 2, 1, 9, 0))
    assert "guru" in app.get("/satudata/kualitas-opd").body
    app.get("/satudata/kualitas-opd/nope.csv", status=404)
    app.get("/satudata/kualitas-opd/epss.pdf", status=404)


def test_needing_update_on_the_work_list_and_kinerja(portal, app):
    def token(user):
        return {"Authorization": factories.APIToken(user=user["name"])["token"]}
    queue = app.get("/satudata/antrian-review", headers=token(portal["editor"])).body
    assert "Needs updating" in queue and "Puskesmas" in queue
    assert "Imunisasi" not in queue.split("Needs updating")[1]   # due in a month: not yet
    subkoord = token(portal["team"]["subkoord"])
    kinerja = app.get("/satudata/kinerja", headers=subkoord).body
    assert 'id="perlu_diperbarui"' in kinerja and "Puskesmas" in kinerja
    assert 'id="kualitas_opd"' in kinerja
    csv_body = app.get("/satudata/kinerja/perlu-diperbarui.csv", headers=subkoord).body
    assert "puskesmas" in csv_body and "2027-02-10" in csv_body
    app.get("/satudata/kinerja/perlu-diperbarui.csv", status=403)
    # a member of another OPD sees nothing of Dinkes' list
    other = factories.User()
    page = app.get("/satudata/antrian-review", headers=token(other)).body
    assert "Puskesmas" not in page

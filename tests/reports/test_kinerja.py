"""Kinerja SOP page and exports (issue 13) on a fixture history with
hand-computed answers, driven through the real actions with a fixed clock.

Office hours 07:30-16:00 WIB (510 min a day). Thu 24 Dec 2026 is a cuti
bersama and Fri 25 Dec Christmas, so Wed 23 Dec 15:00 -> Mon 28 Dec 08:30 is
60 + 60 = 120 office minutes (630 if the cuti bersama were worked, 1140 with
no holidays at all)."""
import csv
import datetime as dt
import io

import pytest

import ckan.model as model
from ckan.tests import factories

from ckanext.satudata.workflow import clock

from tests.helpers import SdiDataset, transition

pytestmark = pytest.mark.usefixtures("satudata_db", "clean_redis")

WIB = clock.WIB
STEPS = [("assign", "subkoord"), ("submit", "staf"), ("approve", "subkoord"),
         ("approve", "kabid"), ("publish", "staf")]


def at(*args):
    return dt.datetime(*args, tzinfo=WIB)


@pytest.fixture
def history(walidata, monkeypatch):
    now = {"t": None}
    monkeypatch.setattr(clock, "now", lambda: now["t"])
    org_a = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    org_b = factories.Organization(name="dispendik", title="Dinas Pendidikan")

    def dataset(org, created, times, title):
        now["t"] = created
        pkg = SdiDataset(owner_org=org["id"], title=title)
        for (name, role), when in zip(STEPS, times):
            now["t"] = when
            extra = {"assignee": walidata["staf"]["name"]} if name == "assign" else {}
            transition(walidata[role], pkg["id"], name, **extra)
        return pkg

    # D1: konsep 120 (across the cuti bersama and Christmas), penyusunan 120,
    #     diajukan 30 (= 30), disetujui_subkoord 20, disetujui_kabid 10
    dataset(org_a, at(2026, 12, 23, 15, 0), [at(2026, 12, 28, 8, 30), at(2026, 12, 28, 10, 30),
            at(2026, 12, 28, 11, 0), at(2026, 12, 28, 11, 20), at(2026, 12, 28, 11, 30)], "D1")
    # D2: konsep 60, penyusunan 240, diajukan 10, disetujui_subkoord 100 (> 30),
    #     disetujui_kabid 20 (> 15: 15:50-16:00 + 07:30-07:40)
    dataset(org_b, at(2026, 12, 28, 9, 0), [at(2026, 12, 28, 10, 0), at(2026, 12, 28, 14, 0),
            at(2026, 12, 28, 14, 10), at(2026, 12, 28, 15, 50), at(2026, 12, 29, 7, 40)], "D2")
    # D3: konsep 240 (> 120), then stays in penyusunan
    dataset(org_a, at(2026, 12, 29, 8, 0), [at(2026, 12, 29, 12, 0)], "D3")
    # D4: never assigned, overdue in konsep at 12:30 (270 > 120)
    d4 = dataset(org_a, at(2026, 12, 29, 8, 0), [], "D4 terlambat")
    now["t"] = at(2026, 12, 29, 12, 30)
    return {"orgs": (org_a, org_b), "d4": d4}


def _get(app, url, user=None, status=200):
    headers = ({"Authorization": factories.APIToken(user=user["name"])["token"]}
               if user else {})
    return app.get(url, headers=headers, status=status)


def _rows(app, user, table, **args):
    query = "&".join("%s=%s" % kv for kv in args.items())
    resp = _get(app, "/satudata/kinerja/export/%s.csv?%s" % (table, query), user)
    assert resp.headers["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(resp.data.decode("utf-8-sig"))))


def test_figures_per_step_person_opd_month(app, history, walidata):
    kabid = walidata["kabid"]
    steps = {r["SOP step"]: r for r in _rows(app, kabid, "dataset_steps")}
    konsep = steps["Concept & assignment"]   # test.ini: English by default
    assert konsep["Volume"] == "3" and konsep["Standard (office minutes)"] == "120"
    assert konsep["Median (office minutes)"] == "120.0"
    assert konsep["p90 (office minutes)"] == "216.0"      # 120 + 0.8 * (240 - 120)
    assert konsep["Share within standard"] == "0.667"
    assert konsep["Over standard"] == "1"
    penyusunan = next(r for r in steps.values() if r["Step"] == "2–3")   # standard 260
    assert (penyusunan["Median (office minutes)"], penyusunan["p90 (office minutes)"],
            penyusunan["Share within standard"]) == ("180.0", "228.0", "1.0")
    diajukan = next(r for r in steps.values() if r["Step"] == "4")
    assert (diajukan["Median (office minutes)"], diajukan["p90 (office minutes)"],
            diajukan["Share within standard"]) == ("20.0", "28.0", "1.0")   # standard 30
    kabid_step = next(r for r in steps.values() if r["Step"] == "5")
    assert (kabid_step["Median (office minutes)"], kabid_step["p90 (office minutes)"]) == \
        ("60.0", "92.0")
    publish = next(r for r in steps.values() if r["Step"] == "6")
    assert (publish["Median (office minutes)"], publish["p90 (office minutes)"],
            publish["Share within standard"]) == ("15.0", "19.0", "0.5")

    people = {r["Username"]: r for r in _rows(app, kabid, "people")}
    assert people["subkoord-walidata"]["Volume"] == "5"    # 3 assigns, 2 approvals
    assert people["staf-walidata"]["Volume"] == "4"
    assert people["kabid-walidata"]["Volume"] == "2"
    opd = {r["OPD"]: r["Volume"] for r in _rows(app, kabid, "opd")}
    assert opd == {"Dinas Kesehatan": "6", "Dinas Pendidikan": "5"}
    months = _rows(app, kabid, "dataset_months")
    assert [(r["Month"], r["Volume"]) for r in months] == [("2026-12", "11")]

    # filters: one OPD, a period
    only_b = {r["Step"]: r for r in _rows(app, kabid, "dataset_steps", organization="dispendik")}
    assert only_b["1"]["Median (office minutes)"] == "60.0" and only_b["1"]["Volume"] == "1"
    day = _rows(app, kabid, "dataset_steps", date_from="2026-12-29", date_to="2026-12-29")
    # every SOP step with a standard, in SOP order, the ones not taken with 0
    assert [(r["Step"], r["Volume"]) for r in day] == [
        ("1", "1"), ("2", "0"), ("2–3", "0"), ("4", "0"), ("5", "0"), ("6", "1")]

    overdue = _rows(app, kabid, "overdue")
    assert [(r["Item"], r["Office minutes in step"]) for r in overdue] == \
        [(history["d4"]["name"], "270")]
    assert overdue[0]["Link"] == "http://test.ckan.net/dataset/%s" % history["d4"]["name"]


def test_xlsx_has_every_table(app, history, walidata):
    from openpyxl import load_workbook
    resp = _get(app, "/satudata/kinerja/export/semua.xlsx", walidata["subkoord"])
    book = load_workbook(io.BytesIO(resp.data))
    assert book.sheetnames == ["dataset_steps", "request_steps", "dataset_months",
                               "request_months", "rights_months", "people", "opd", "overdue"]
    sheet = book["dataset_steps"]
    header = [c.value for c in sheet[1]]
    first = dict(zip(header, [c.value for c in sheet[2]]))
    assert first["Step"] == "1" and first["Volume"] == 3
    assert first["Median (office minutes)"] == 120.0 and first["p90 (office minutes)"] == 216.0
    one = load_workbook(io.BytesIO(_get(app, "/satudata/kinerja/export/opd.xlsx",
                                        walidata["staf"]).data))
    assert [c.value for c in one["opd"]["A"]][1:] == ["Dataset publication"] * 2


def test_page_renders_with_charts_from_own_assets(app, history, walidata):
    resp = _get(app, "/satudata/kinerja", walidata["kabid"])
    html = resp.body
    assert "Concept &amp; assignment" in html
    assert 'data-chart="chart_dataset_time"' in html and "<canvas" in html
    assert "satudata_reports" in html and "_chart.js" in html    # webassets, not a CDN
    assert "jsdelivr" not in html and "unpkg" not in html and "cdnjs" not in html
    assert history["d4"]["name"] in html
    indonesian = _get(app, "/id/satudata/kinerja", walidata["kabid"]).body
    assert "Konsep diseminasi &amp; disposisi" in indonesian


@pytest.mark.parametrize("url", ["/satudata/kinerja", "/satudata/kinerja/export/opd.csv",
                                 "/satudata/kinerja/export/semua.xlsx",
                                 "/satudata/kinerja/export/overdue.xlsx"])
def test_refused_outside_the_team(app, walidata, url):
    outsider = factories.User()
    member = factories.User()
    factories.Organization(users=[{"name": member["name"], "capacity": "admin"}])
    for user in (None, outsider, member):
        resp = _get(app, url, user, status=403)
        assert "Only the Walidata team" in (resp.body if isinstance(resp.body, str)
                                            else resp.body.decode())
    _get(app, url, factories.Sysadmin(), status=200)


def test_bad_filters_are_400(app, walidata):
    _get(app, "/satudata/kinerja?date_from=kemarin", walidata["kabid"], status=400)
    _get(app, "/satudata/kinerja?organization=tidak-ada", walidata["kabid"], status=400)
    _get(app, "/satudata/kinerja/export/rahasia.csv", walidata["kabid"], status=404)

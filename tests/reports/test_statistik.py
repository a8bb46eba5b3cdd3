"""Statistik Layanan (public, /permintaan-data/statistik) on a fixture history
with hand-computed answers, driven through the real actions with a fixed clock.

Working days in December 2026 skip Thu 24 Dec (cuti bersama) and Fri 25 Dec
(Christmas). The history (now = Wed 30 Dec 2026 12:00 WIB):

R1 Mon 2 Nov, delivered in part Fri 6 Nov from a published dataset: 4 wd, in time
R4 Mon 2 Nov, rejected Tue 17 Nov ("dikecualikan"); due Mon 16 Nov: 11 wd, late
R5 Tue 3 Nov, withdrawn Wed 4 Nov
R3 Tue 1 Dec to Dinkes, extended (due Tue 15 -> Mon 28 Dec), closed as not
   available Wed 23 Dec: 16 wd, within the extension
R6 Wed 2 Dec, rejected the same day without a category ("lainnya"): 0 wd, in time
R7 Thu 10 Dec, untouched; due Mon 28 Dec: open past the deadline
R2 Mon 14 Dec to Dinkes, closed as not available Tue 29 Dec; due Wed 30 Dec
   (10 wd only because of the 24th and 25th): 9 wd, in time (11, late, without them)

Answered 5; days [4, 11, 16, 0, 9]: average 8.0, median 9.0.
"""
import csv
import datetime as dt
import io

import pytest

from ckan.tests import factories, helpers

from ckanext.satudata.workflow import clock
from ckanext.satudata.requests import rules as p

from tests.helpers import SdiDataset, as_user, walk

pytestmark = pytest.mark.usefixtures("satudata_db", "clean_redis")

WIB = clock.WIB
REQUESTER = {"name": "Budi Santoso Rahasia", "email": "budi.rahasia@warga.example.org",
             "phone": "+62 811-0000-1111", "identity_number": "3510020202900002",
             "description": "Untuk penelitian", "purpose": "Skripsi"}


def at(*args):
    return dt.datetime(*args, tzinfo=WIB)


@pytest.fixture
def history(walidata, monkeypatch):
    now = {"t": at(2026, 10, 30, 9, 0)}
    monkeypatch.setattr(clock, "now", lambda: now["t"])
    member = factories.User(name="petugas-dinkes")
    dinkes = factories.Organization(name="dinkes", title="Dinas Kesehatan",
                                    users=[{"name": member["name"], "capacity": "editor"}])
    published = SdiDataset(owner_org=dinkes["id"], name="penduduk-terbit")
    walk(published["id"], walidata)
    team = dict(walidata, opd=member)

    def file(when, title):
        now["t"] = when
        return helpers.call_action("satudata_request_create", context={"user": ""},
                                   title=title, **REQUESTER)

    def move(when, who, req, transition, **kw):
        now["t"] = when
        return helpers.call_action("satudata_request_transition",
                                   context=as_user(team[who]), id=req["id"],
                                   transition=transition, **kw)

    def to_opd(req, when):
        move(when, "subkoord", req, "assign", assignee=walidata["staf"]["name"])
        move(when, "staf", req, "not_available")
        move(when, "subkoord", req, "escalate", organization="dinkes")
        move(when, "opd", req, "opd_decline")

    r1 = file(at(2026, 11, 2, 9), "Judul R1 pribadi")
    move(at(2026, 11, 2, 10), "subkoord", r1, "assign", assignee=walidata["staf"]["name"])
    move(at(2026, 11, 6, 10), "staf", r1, "deliver", dataset="penduduk-terbit", partial=True,
         comment="Data 2024 belum ada")
    r4 = file(at(2026, 11, 2, 9, 30), "Judul R4 pribadi")
    move(at(2026, 11, 17, 9), "subkoord", r4, "reject", comment="Pasal 17 huruf a",
         reason="dikecualikan")
    r5 = file(at(2026, 11, 3, 9), "Judul R5 pribadi")
    now["t"] = at(2026, 11, 4, 9)
    helpers.call_action("satudata_request_transition", context={"user": ""}, id=r5["id"],
                        transition="withdraw", access_token=r5["access_token"])
    r3 = file(at(2026, 12, 1, 9), "Judul R3 pribadi")
    to_opd(r3, at(2026, 12, 2, 9))
    move(at(2026, 12, 10, 9), "subkoord", r3, "extend", comment="Data tersebar")
    move(at(2026, 12, 23, 10), "subkoord", r3, "close_unavailable")
    r6 = file(at(2026, 12, 2, 9), "Judul R6 pribadi")
    move(at(2026, 12, 2, 10), "subkoord", r6, "reject", comment="Spam")
    file(at(2026, 12, 10, 9), "Judul R7 pribadi")
    r2 = file(at(2026, 12, 14, 9), "Judul R2 pribadi")
    to_opd(r2, at(2026, 12, 15, 9))
    move(at(2026, 12, 29, 10), "subkoord", r2, "close_unavailable")
    now["t"] = at(2026, 12, 30, 12)
    return {"r3": r3}


def _csv(app, table, year=2026):
    resp = app.get("/permintaan-data/statistik/%s.csv?tahun=%d" % (table, year))
    assert resp.headers["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(resp.data.decode("utf-8-sig"))))


def test_public_figures_by_hand(app, history):
    page = app.get("/permintaan-data/statistik?tahun=2026").body
    for figure, value in [("received", "7"), ("tepat_waktu", "3"),
                          ("dalam_perpanjangan", "1"), ("terlambat", "1"), ("rejected", "2"),
                          ("withdrawn", "1"), ("avg_days", "8.0"), ("median_days", "9.0"),
                          # R7, received and not answered yet (issue 23)
                          ("open", "1")]:
        assert 'data-figure="%s">%s</dd>' % (figure, value) in page, figure
    assert "satudata_reports/" in page and "chart_statistik_months" in page  # own assets
    # the two rejections' reasons as bars, never a pie
    assert '"type": "pie"' not in page
    assert '{"id": "chart_statistik_reasons", "type": "bar"' in page
    assert "November 2026" in page and "December 2026" in page and "2026-11</td>" not in page

    # for an Indonesian reader: months named, a decimal comma, in process beside received
    indonesian = app.get("/id/permintaan-data/statistik?tahun=2026").body
    assert 'data-figure="avg_days">8,0</dd>' in indonesian
    assert "Sedang diproses" in indonesian and "Desember 2026" in indonesian
    assert '"Sedang diproses"' in indonesian   # a series of the monthly chart too
    body = app.get("/id/permintaan-data/statistik/bulan.csv?tahun=2026").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0][:3] == ["Bulan", "Diterima", "Sedang diproses"], rows[0]
    assert rows[1][0] == "2026-11" and "7,5" in rows[1], rows[1]

    months = {r["Month"]: r for r in _csv(app, "bulan")}
    assert set(months) == {"2026-11", "2026-12"}
    nov, dec = months["2026-11"], months["2026-12"]
    assert (nov["Received"], nov["Answered"], nov["Within 10 working days"], nov["Late"],
            nov["Withdrawn"], nov["Average working days to answer"],
            nov["Median working days to answer"]) == ("3", "2", "1", "1", "1", "7.5", "7.5")
    assert (dec["Received"], dec["Answered"], dec["Within 10 working days"],
            dec["Within the extension"], dec["Late"], dec["Open past the deadline"],
            dec["Rejected"], dec["Average working days to answer"],
            dec["Median working days to answer"]) == ("4", "3", "2", "1", "0", "1", "1",
                                                      "8.3", "9.0")
    opd = {r["OPD"]: r for r in _csv(app, "opd")}
    assert opd["Dinas Kesehatan"]["Received"] == "2"
    assert opd["Dinas Kesehatan"]["Within the extension"] == "1"
    assert opd["Dinas Kesehatan"]["Average working days to answer"] == "12.5"
    assert opd["Walidata team (from the portal)"]["Received"] == "5"
    reasons = {r["Reason"]: r["Requests"] for r in _csv(app, "alasan_penolakan")}
    assert reasons["Exempt information (UU 14/2008 art. 17)"] == "1"
    assert reasons["Other reason"] == "1"
    assert sum(int(v) for v in reasons.values()) == 2

    # another year: nothing; the XLSX carries every table
    assert _csv(app, "bulan", 2025) == []
    xlsx = app.get("/permintaan-data/statistik/semua.xlsx?tahun=2026")
    from openpyxl import load_workbook
    book = load_workbook(io.BytesIO(xlsx.data))
    assert book.sheetnames == ["ringkasan", "bulan", "opd", "alasan_penolakan"]


def test_public_page_has_no_personal_data(app, history):
    bodies = [app.get("/permintaan-data/statistik?tahun=2026").body]
    for table in ("ringkasan", "bulan", "opd", "alasan_penolakan"):
        bodies.append(app.get("/permintaan-data/statistik/%s.csv?tahun=2026" % table)
                      .data.decode("utf-8-sig"))
    for body in bodies:
        for secret in ("Budi Santoso", "budi.rahasia", "811-0000", "3510020202900002",
                       "pribadi", "Pasal 17 huruf a", "Data tersebar", "Skripsi",
                       history["r3"]["number"], "petugas-dinkes", "staf-walidata"):
            assert secret not in body, secret


def test_links_bad_year_and_reason(app, history, walidata):
    assert "/permintaan-data/statistik" in app.get("/permintaan-data").body
    r = helpers.call_action("satudata_request_show", id=history["r3"]["id"])
    assert "/permintaan-data/statistik" in app.get("/permintaan-data/%s" % r["number"]).body
    app.get("/permintaan-data/statistik?tahun=abc", status=400)
    app.get("/permintaan-data/statistik/nope.csv?tahun=2026", status=404)
    filed = helpers.call_action("satudata_request_create", context={"user": ""},
                                title="x", **REQUESTER)
    with pytest.raises(helpers.logic.ValidationError):
        helpers.call_action("satudata_request_transition",
                            context=as_user(walidata["subkoord"]), id=filed["id"],
                            transition="reject", comment="x", reason="bogus")


def test_answer_timing_rules():
    cal = clock.calendar_from_config()
    start = at(2026, 12, 14, 9)
    # 10 working days after Mon 14 Dec skip 24 (cuti bersama) and 25 Dec: Wed 30 Dec
    assert cal.add_working_days(start, p.LEGAL_DAYS) == dt.date(2026, 12, 30)
    assert p.answer_timing(cal, start, at(2026, 12, 30, 23), dt.date(2026, 12, 30), False) \
        == (p.IN_TIME, 10)
    assert p.answer_timing(cal, start, at(2026, 12, 31, 8), dt.date(2026, 12, 30), False) \
        == (p.LATE, 11)
    assert p.answer_timing(cal, start, at(2026, 12, 31, 8), dt.date(2027, 1, 11), True)[0] \
        == p.IN_EXTENSION
    assert p.answer_timing(cal, start, at(2026, 12, 14, 10), dt.date(2026, 12, 30), False) \
        == (p.IN_TIME, 0)
    # a category outside the list is refused by the rules, an empty one allowed
    item, actor = p.Item(p.BARU), p.Actor("u", frozenset({p.SUBKOORD}))
    assert p.decide(item, actor, p.Request("reject", comment="x", reason="")) == p.DITOLAK
    assert p.decide(item, actor, p.Request("reject", comment="x",
                                           reason="dikecualikan")) == p.DITOLAK
    with pytest.raises(p.Invalid):
        p.decide(item, actor, p.Request("reject", comment="x", reason="nope"))


# -- PPID yearly report ------------------------------------------------------------------

YEARLY_2026 = [  # (no, value) hand-computed from the history above
    ("1", "7"), ("2", "0"), ("3", "1"), ("4", "2"), ("5", "2"),
    ("5.1", "1"), ("5.2", "0"), ("5.3", "0"), ("5.4", "0"), ("5.5", "1"),
    ("6", "1"), ("7", "1"), ("8", "3"), ("9", "1"), ("10", "1"), ("11", "1"),
    ("12", "8.0"), ("13", "9.0"), ("14", "0"), ("14.1", "0"), ("14.2", "0"), ("14.3", "0"),
    ("14.4", "0")]


def _token(user):
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def test_ppid_yearly_report_csv_xlsx_print(app, history, walidata):
    kabid = _token(walidata["kabid"])
    resp = app.get("/satudata/laporan-ppid/2026.csv", headers=kabid)
    assert resp.headers["Content-Type"].startswith("text/csv")
    assert 'filename="laporan-ppid-2026.csv"' in resp.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(resp.data.decode("utf-8-sig"))))
    assert [(r["No."], r["Value"]) for r in rows] == YEARLY_2026
    assert rows[5]["Figure"] == "Exempt information (UU 14/2008 art. 17)"

    from openpyxl import load_workbook
    book = load_workbook(io.BytesIO(app.get("/satudata/laporan-ppid/2026.xlsx",
                                            headers=kabid).data))
    assert book.sheetnames == ["laporan", "bulan", "opd", "alasan_penolakan"]
    sheet = [[c.value for c in row] for row in book["laporan"].iter_rows()]
    assert sheet[0] == ["No.", "Figure", "Value"]
    assert [(r[0], r[2]) for r in sheet[1:]] == [(no, float(v)) for no, v in YEARLY_2026]

    page = app.get("/satudata/laporan-ppid?tahun=2026", headers=kabid).body
    assert "/satudata/laporan-ppid/2026.xlsx" in page and "cetak=1" in page
    printable = app.get("/satudata/laporan-ppid?tahun=2026&cetak=1", headers=kabid).body
    assert "<script" not in printable and "<nav" not in printable
    assert '<td data-no="12">8.0</td>' in printable
    assert '<td data-no="1">7</td>' in printable
    # any year: 2025 has no request
    rows_2025 = list(csv.DictReader(io.StringIO(app.get(
        "/satudata/laporan-ppid/2025.csv", headers=kabid).data.decode("utf-8-sig"))))
    by_no = {r["No."]: r["Value"] for r in rows_2025}
    assert by_no["1"] == "0" and by_no["12"] == "" and by_no["14"] == "0"


def test_ppid_report_refused_outside_the_team(app, history, walidata):
    outsider = factories.User()
    opd_admin = factories.User()
    factories.Organization(users=[{"name": opd_admin["name"], "capacity": "admin"}])
    for headers in ({}, _token(outsider), _token(opd_admin)):
        for url in ("/satudata/laporan-ppid?tahun=2026", "/satudata/laporan-ppid/2026.csv",
                    "/satudata/laporan-ppid/2026.xlsx",
                    "/satudata/laporan-ppid?tahun=2026&cetak=1"):
            resp = app.get(url, headers=headers, status=403)
            assert "Hanya tim Walidata dan sysadmin yang dapat melihat laporan tahunan PPID / " \
                "Only the Walidata team and sysadmins can see the PPID yearly report" in resp.body
    sysadmin = factories.Sysadmin()
    app.get("/satudata/laporan-ppid/2026.csv", headers=_token(sysadmin), status=200)
    app.get("/satudata/laporan-ppid/2026.csv", headers=_token(walidata["staf"]), status=200)


def test_one_reason_is_a_number_not_a_pie_of_one_slice(app):
    """A chart of one slice says only what the table's one row says: none."""
    with app.flask_app.test_request_context("/id/permintaan-data/statistik"):
        _one_reason()


def _one_reason():
    from ckanext.satudata.reports import statistik
    months = {"rows": [{"month": "2026-01", "received": 1234, "open": 2, "tepat_waktu": 1,
                        "dalam_perpanjangan": 0, "terlambat": 0, "avg_days": 1.0,
                        "median_days": 1.0}], "title": "m"}
    reasons = {"title": "r", "rows": [{"reason": "Lainnya", "count": 3},
                                      {"reason": "Dikecualikan", "count": 0}]}
    charts = statistik.charts({"months": months, "reasons": reasons})
    assert [c["id"] for c in charts] == ["chart_statistik_months", "chart_statistik_days"]
    assert all(c["type"] != "pie" for c in charts)
    reasons["rows"][1]["count"] = 1
    drawn = statistik.charts({"months": months, "reasons": reasons})[-1]
    assert (drawn["type"], drawn["labels"]) == ("bar", ["Lainnya", "Dikecualikan"])


@pytest.mark.parametrize("lang, figures", [
    ("id", ("1.234", "2,5", "8,0", "Januari 2026")),
    ("en", ("1,234", "2.5", "8.0", "January 2026"))])
def test_figures_and_months_as_the_reader_writes_them(app, lang, figures):
    from ckanext.satudata import reports
    # the page's language as CKAN's locale middleware leaves it for the request
    with app.flask_app.test_request_context("/", environ_base={"CKAN_LANG": lang}):
        assert (reports.number(1234), reports.number(2.5), reports.number(8.0),
                reports.month_label("2026-01")) == figures
        assert reports.number(None) == "—"

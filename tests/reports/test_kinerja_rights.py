"""Rights requests of UU 27/2022 on Kinerja SOP (issue 26): per month filed
(WIB) and kind, how many, answered within their 3 x 24 calendar hours or
not, still open; median and p90 hours; those past the 72 hours unanswered in
'Overdue now'; the page, the CSV and the XLSX show the same, and the filters
(period, OPD, person) apply. Driven through the real actions on a fixed clock:

- 27 Nov 10:00 correction, answered 28 Nov 10:00 (24 h: within)
- 28 Nov 09:00 restriction, answered 2 Dec 09:00 (96 h: late)
- Fri 4 Dec 16:00 correction, unanswered at Tue 8 Dec 10:00 (past Mon 16:00: overdue)
- 7 Dec 12:00 restriction, unanswered (within its 72 hours)
- 7 Dec 13:00 deletion, refused at once (the request is open): 0 h, within"""
import csv
import datetime as dt
import io

import pytest

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.satudata.workflow import clock, roles
from tests.helpers import as_user
from tests.privacy.conftest import REQUESTER
from tests.requests.helpers import ANON

pytestmark = [pytest.mark.usefixtures("satudata_db"),
              pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")]


def at(*args):
    return dt.datetime(*args, tzinfo=clock.WIB)


@pytest.fixture
def rights_history(walidata, monkeypatch):
    now = {"t": at(2026, 11, 27, 9, 0)}
    monkeypatch.setattr(clock, "now", lambda: now["t"])
    dpo = factories.User(name="petugas-pdp")
    roles.grant(dpo["id"], "dpo", None)
    model.repo.commit()
    filed = helpers.call_action("satudata_request_create", context=dict(ANON), **REQUESTER)

    def right(when, kind, detail="Rincian"):
        now["t"] = when
        return helpers.call_action("satudata_rights_request_file", context=as_user(None),
                                   id=filed["number"], access_token=filed["access_token"],
                                   kind=kind, detail=detail)

    def answer(when, item):
        now["t"] = when
        helpers.call_action("satudata_rights_request_answer", context=as_user(dpo),
                            id=filed["number"], item=item["id"], decision="dijawab",
                            comment="Selesai")

    answer(at(2026, 11, 28, 10, 0), right(at(2026, 11, 27, 10, 0), "koreksi"))
    late = right(at(2026, 11, 28, 9, 0), "pembatasan")
    answer(at(2026, 12, 2, 9, 0), late)
    right(at(2026, 12, 4, 16, 0), "koreksi")
    right(at(2026, 12, 7, 12, 0), "pembatasan")
    refused = right(at(2026, 12, 7, 13, 0), "penghapusan")
    assert refused["status"] == "ditolak"
    now["t"] = at(2026, 12, 8, 10, 0)
    return {"request": filed, "dpo": dpo}


def _get(app, url, user, status=200):
    return app.get(url, headers={"Authorization": factories.APIToken(user=user["name"])["token"]},
                   status=status)


def _rows(app, user, table, **args):
    query = "&".join("%s=%s" % kv for kv in args.items())
    resp = _get(app, "/satudata/kinerja/export/%s.csv?%s" % (table, query), user)
    return list(csv.DictReader(io.StringIO(resp.data.decode("utf-8-sig"))))


COLUMNS = ("Month", "Rights request", "Volume", "Answered within 3 x 24 hours",
           "Answered late or overdue", "Open, within 3 x 24 hours", "Median (hours)",
           "p90 (hours)", "Share within standard")


def _figures(rows):
    return [tuple(r[c] for c in COLUMNS) for r in rows]


def test_rights_requests_per_month_against_72_hours(app, rights_history, walidata):
    kabid = walidata["kabid"]
    rows = _rows(app, kabid, "rights_months")
    assert {r["Standard (hours)"] for r in rows} == {"72"}
    assert _figures(rows) == [
        ("2026-11", "Correction", "1", "1", "0", "0", "24.0", "24.0", "1.0"),
        ("2026-11", "Restriction", "1", "0", "1", "0", "96.0", "96.0", "0.0"),
        ("2026-12", "Correction", "1", "0", "1", "0", "", "", "0.0"),
        ("2026-12", "Restriction", "1", "0", "0", "1", "", "", ""),
        ("2026-12", "Deletion", "1", "1", "0", "0", "0.0", "0.0", "1.0"),
    ]
    # filters: the period (the month filed), the person who answered, the OPD
    december = _rows(app, kabid, "rights_months", date_from="2026-12-01")
    assert [r["Month"] for r in december] == ["2026-12"] * 3
    by_dpo = _rows(app, kabid, "rights_months", person="petugas-pdp")
    assert [(r["Month"], r["Rights request"]) for r in by_dpo] == [
        ("2026-11", "Correction"), ("2026-11", "Restriction")]
    other = factories.Organization(name="dinkes")
    assert _rows(app, kabid, "rights_months", organization=other["name"]) == []

    overdue = [r for r in _rows(app, kabid, "overdue")
               if r["Workflow"] == "Personal data rights request"]
    assert [(r["Item"], r["Title"], r["Legal deadline"]) for r in overdue] == [
        (rights_history["request"]["number"], "Correction", "2026-12-07 16:00")]
    assert overdue[0]["Link"] == "http://test.ckan.net/satudata/privasi"
    # nothing of the requester in these tables
    text = repr(rows) + repr(overdue)
    assert REQUESTER["name"] not in text and REQUESTER["email"] not in text
    assert "Rincian" not in text


def test_page_and_workbook_show_the_same(app, rights_history, walidata):
    from openpyxl import load_workbook
    book = load_workbook(io.BytesIO(
        _get(app, "/satudata/kinerja/export/semua.xlsx", walidata["subkoord"]).data))
    assert "rights_months" in book.sheetnames
    sheet = book["rights_months"]
    header = [c.value for c in sheet[1]]
    first = dict(zip(header, [c.value for c in sheet[2]]))
    assert (first["Month"], first["Rights request"], first["Volume"],
            first["Median (hours)"]) == ("2026-11", "Correction", 1, 24.0)
    html = _get(app, "/satudata/kinerja", walidata["kabid"]).body
    assert 'id="rights_months"' in html and 'data-chart="chart_rights_months"' in html
    import json
    import re
    chart = json.loads(re.search(r'data-chart="chart_rights_months">(.*?)</script>', html,
                                 re.S).group(1))
    assert [d["data"] for d in chart["datasets"]] == [[1, 1], [1, 1], [0, 1]]
    assert "Personal data rights requests (UU 27/2022) per month" in html
    assert rights_history["request"]["number"] in html   # in 'Overdue now'
    indonesian = _get(app, "/id/satudata/kinerja", walidata["kabid"]).body
    assert "Permintaan hak atas data pribadi (UU 27/2022) per bulan" in indonesian
    assert "Dijawab dalam 3 x 24 jam" in indonesian


def test_outside_the_team_refused(app, rights_history):
    _get(app, "/satudata/kinerja/export/rights_months.csv", rights_history["dpo"], status=403)

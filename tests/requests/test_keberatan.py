"""Keberatan (UU 14/2008 art. 35-36) through the real actions with a fixed clock.

Rejected Tue 3 Nov 2026: the requester may object until Tue 15 Dec (30
working days, no holiday in between). Filed on 15 Dec, the atasan PPID must
decide by Mon 1 Feb 2027: 30 working days skipping Thu 24 Dec (cuti bersama),
Fri 25 Dec, Fri 1 Jan and Tue 5 Jan 2027 (Isra Mi'raj)."""
import datetime as dt

import pytest

from ckan.tests import factories, helpers

import ckan.model as model

from ckanext.satudata.workflow import clock, roles
from ckanext.satudata.requests import objection_rules as k, rules as p

from tests.helpers import as_user

pytestmark = pytest.mark.usefixtures("satudata_db", "clean_redis")

WIB = clock.WIB
NotAuthorized = helpers.logic.NotAuthorized
ValidationError = helpers.logic.ValidationError


def at(*args):
    return dt.datetime(*args, tzinfo=WIB)


@pytest.fixture
def rejected(walidata, monkeypatch):
    now = {"t": at(2026, 11, 2, 9)}
    monkeypatch.setattr(clock, "now", lambda: now["t"])
    filed = helpers.call_action("satudata_request_create", context={"user": ""},
                                name="Ani Rahasia", email="ani.rahasia@warga.example.org",
                                title="Data anggaran desa", description="d", purpose="p")
    now["t"] = at(2026, 11, 3, 10)
    helpers.call_action("satudata_request_transition", context=as_user(walidata["subkoord"]),
                        id=filed["id"], transition="reject", comment="Pasal 17",
                        reason="dikecualikan")
    return filed, now


def _file(filed, token=True, **kw):
    data = dict({"ground": "ditolak", "reason": "Informasi ini bukan rahasia"}, **kw)
    if token:
        data["access_token"] = filed["access_token"]
    return helpers.call_action("satudata_objection_file", context={"user": ""},
                               id=filed["id"], **data)


def test_file_within_30_working_days_and_decide(rejected, walidata):
    filed, now = rejected
    now["t"] = at(2026, 12, 15, 15)
    with pytest.raises(NotAuthorized):
        _file(filed, token=False)                      # not the requester
    with pytest.raises(ValidationError):
        _file(filed, ground="tidak_lengkap")           # no partial answer was given
    with pytest.raises(ValidationError):
        _file(filed, reason=" ")
    shown = _file(filed)
    assert shown["objection_grounds"] == {}            # one pending at a time
    [obj] = shown["objections"]
    assert (obj["status"], obj["due_date"], obj["reason"]) == \
        ("diajukan", "2027-02-01", "Informasi ini bukan rahasia")
    public = helpers.call_action("satudata_request_show", context=as_user(None),
                                 id=filed["id"])
    assert public["objections"][0]["status"] == "diajukan"
    assert "reason" not in public["objections"][0]
    with pytest.raises(ValidationError):
        _file(filed)                                   # a second while one is pending

    with pytest.raises(NotAuthorized):
        helpers.call_action("satudata_objection_decide", context=as_user(walidata["staf"]),
                            id=filed["id"], decision="uphold", comment="x")
    kabid_view = helpers.call_action("satudata_request_show",
                                     context=as_user(walidata["kabid"]), id=filed["id"])
    assert kabid_view["may_decide_objection"] is True
    now["t"] = at(2027, 2, 2, 9)                       # one working day late
    assert kabid_view["objections"][0]["overdue"] is False
    decided = helpers.call_action("satudata_objection_decide",
                                  context=as_user(walidata["kabid"]), id=filed["id"],
                                  decision="dismiss", comment="Tetap dikecualikan")
    assert decided["objections"][0]["status"] == "ditolak"
    assert decided["objections"][0]["decision_comment"] == "Tetap dikecualikan"
    with pytest.raises(ValidationError):
        helpers.call_action("satudata_objection_decide", context=as_user(walidata["kabid"]),
                            id=filed["id"], decision="uphold", comment="x")
    history = [e["transition"] for e in decided["history"]]
    assert history[-2:] == ["keberatan_diajukan", "keberatan_ditolak"]

    from ckanext.satudata.reports import ppid
    figures = ppid.report(2026)["objections"]
    assert figures == {"filed": 1, "upheld": 0, "dismissed": 1, "pending": 0,
                       "decided_late": 1}


def test_too_late_and_configurable_role(rejected, walidata, ckan_config, monkeypatch):
    filed, now = rejected
    now["t"] = at(2026, 12, 16, 8)
    with pytest.raises(ValidationError):
        _file(filed)                                   # 31st working day
    now["t"] = at(2026, 12, 15, 8)
    _file(filed)
    monkeypatch.setitem(ckan_config, "ckanext.satudata.objection_role", "subkoord")
    with pytest.raises(NotAuthorized):
        helpers.call_action("satudata_objection_decide", context=as_user(walidata["kabid"]),
                            id=filed["id"], decision="uphold", comment="x")
    with pytest.raises(NotAuthorized):   # the Subkoord who rejected it (issue 22)
        helpers.call_action("satudata_objection_decide",
                            context=as_user(walidata["subkoord"]), id=filed["id"],
                            decision="uphold", comment="x")
    other = factories.User(name="subkoord-lain")
    roles.grant(other["id"], "subkoord", None)
    model.repo.commit()
    decided = helpers.call_action("satudata_objection_decide",
                                  context=as_user(other), id=filed["id"],
                                  decision="uphold", comment="Dibuka sebagian")
    assert decided["objections"][0]["status"] == "diterima"


def test_grounds_rules():
    cal = clock.calendar_from_config()
    due = dt.date(2026, 12, 30)
    # not answered in time: open after the due date, until 30 working days after it
    open_late = k.Facts(status=p.DIPERIKSA, due_date=due)
    assert k.grounds(open_late, dt.date(2026, 12, 30), cal) == {}
    assert k.grounds(open_late, dt.date(2026, 12, 31), cal) == {
        "tidak_ditanggapi": cal.add_working_days(due, 30)}
    paused = k.Facts(status=p.MENUNGGU_KLARIFIKASI, due_date=due)
    assert k.grounds(paused, dt.date(2027, 1, 4), cal) == {}
    partial = k.Facts(status=p.SELESAI, due_date=due, closed_on=dt.date(2026, 12, 31),
                      partial=True)
    assert set(k.grounds(partial, dt.date(2027, 1, 4), cal)) == {"tidak_lengkap",
                                                                 "tidak_ditanggapi"}
    full = k.Facts(status=p.SELESAI, due_date=due, closed_on=dt.date(2026, 12, 29))
    assert k.grounds(full, dt.date(2027, 1, 4), cal) == {}
    withdrawn = k.Facts(status=p.DIBATALKAN, due_date=due, closed_on=dt.date(2027, 1, 4))
    assert k.grounds(withdrawn, dt.date(2027, 1, 4), cal) == {}
    with pytest.raises(p.Invalid):
        k.check_decision("diajukan", frozenset({"kabid"}), "kabid", "maybe", "x")
    with pytest.raises(p.NotAllowed):
        k.check_decision("diajukan", frozenset({"staf"}), "kabid", "uphold", "x")
    assert k.check_decision("diajukan", frozenset({"kabid"}), "kabid", "uphold", "x") == \
        k.DITERIMA

"""The requester's rights, self-service with the private link (issue 26):
the copy (JSON and page) matches what is stored; correction and restriction
go to the DPO with a 3 x 24 hour calendar clock (across a weekend too);
deletion is refused with the legal reason while the request, an objection
or the retention period runs, otherwise the personal fields are erased and
the request stays as anonymous statistics."""
import datetime as dt
import json
import re

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.satudata.model import data_request
from ckanext.satudata.privacy import rights
from ckanext.satudata.workflow import clock
from tests.helpers import as_user
from tests.privacy.conftest import NIK, REQUESTER, act

pytestmark = [pytest.mark.usefixtures("satudata_db"),
              pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")]


def copy(filed, user=None, **kw):
    return helpers.call_action("satudata_personal_data_copy", context=as_user(user),
                               id=filed["number"], access_token=filed["access_token"], **kw)


def file_right(filed, kind, detail=""):
    return helpers.call_action("satudata_rights_request_file", context=as_user(None),
                               id=filed["number"], access_token=filed["access_token"],
                               kind=kind, detail=detail)


def stored(number):
    return model.Session.execute(sa.select(data_request).where(
        data_request.c.number == number)).first()


def test_the_copy_matches_what_is_stored(app, people, at_opd):
    helpers.call_action("satudata_request_show", context=as_user(people["kabid"]),
                        id=at_opd["number"])
    mine = copy(at_opd)
    assert mine["personal_data"] == {k: REQUESTER[k] for k in
                                     ("name", "email", "phone", "institution",
                                      "identity_number")}
    assert mine["request"]["number"] == at_opd["number"] and mine["purpose"] == REQUESTER["purpose"]
    assert mine["mails"] and all(m["subject"] for m in mine["mails"])   # the receipt at least
    assert any("kabid" in e["roles"] for e in mine["access_log"])
    assert "kabid-walidata" not in json.dumps(mine)   # staff names are theirs (Pasal 33)
    assert mine["processing"]["legal_basis"].startswith("UU 27/2022 Pasal 20")
    # the page and the JSON download, with the session the private link opened
    browser = app.test_client(use_cookies=True)
    browser.get("/permintaan-data/%s?token=%s" % (at_opd["number"], at_opd["access_token"]))
    page = browser.get("/permintaan-data/%s/data-saya" % at_opd["number"])
    assert page.status_code == 200 and NIK in page.body and REQUESTER["email"] in page.body
    download = browser.get("/permintaan-data/%s/data-saya?format=json" % at_opd["number"])
    assert json.loads(download.body)["personal_data"]["identity_number"] == NIK
    assert "attachment" in download.headers["Content-Disposition"]
    # the page speaks the reader's language: no code, no English unit, no ISO "T"
    text = " ".join(browser.get("/id/permintaan-data/%s/data-saya" % at_opd["number"])
                    .body.split())
    assert "2 tahun setelah permintaan ditutup" in text and "years" not in text
    assert "2 years after the request is closed" in " ".join(page.body.split())
    for body in (text, page.body):
        assert not re.search(r"\d{4}-\d\d-\d\dT\d\d", body)


@pytest.mark.parametrize("who", ("anonymous", "editor", "staf", "stranger"))
def test_nobody_else_gets_the_copy(app, people, at_opd, who):
    with pytest.raises(Exception) as e:
        helpers.call_action("satudata_personal_data_copy", context=as_user(people[who]),
                            id=at_opd["number"], access_token="tebakan")
    assert "NotAuthorized" in type(e.value).__name__
    assert app.get("/permintaan-data/%s/data-saya" % at_opd["number"], status=403)


def test_correction_runs_on_a_72_hour_clock_across_a_weekend(people, at_opd, monkeypatch):
    friday = dt.datetime(2026, 12, 4, 16, 0, tzinfo=clock.WIB)   # a Friday afternoon
    monkeypatch.setattr(clock, "now", lambda: friday)
    filed = file_right(at_opd, "koreksi", "Nomor telepon saya 081211112222")
    assert filed["due_at"] == "2026-12-07T16:00:00+07:00"   # Monday: calendar hours
    work = helpers.call_action("satudata_rights_work_list", context=as_user(people["dpo"]))
    assert [(i["number"], i["kind"]) for i in work] == [(at_opd["number"], "hak_koreksi")]
    monkeypatch.setattr(clock, "now", lambda: friday + dt.timedelta(hours=73))
    assert helpers.call_action("satudata_rights_work_list",
                               context=as_user(people["dpo"]))[0]["overdue"] is True
    # the OPD's history of the request never shows it
    opd_view = helpers.call_action("satudata_request_show", context=as_user(people["editor"]),
                                   id=at_opd["number"])
    assert "081211112222" not in repr(opd_view)
    answered = helpers.call_action(
        "satudata_rights_request_answer", context=as_user(people["dpo"]), id=at_opd["number"],
        item=filed["id"], decision="dijawab", comment="Sudah diperbaiki",
        phone="081211112222")
    assert answered["status"] == "dijawab"
    assert stored(at_opd["number"]).phone == "081211112222"
    assert helpers.call_action("satudata_rights_work_list", context=as_user(people["dpo"])) == []


def test_deletion_is_refused_while_the_request_is_open(people, at_opd):
    result = file_right(at_opd, "penghapusan")
    assert result["status"] == "ditolak" and "UU 14/2008" in result["reason"]
    assert stored(at_opd["number"]).email == REQUESTER["email"]


def test_deletion_is_refused_while_retention_runs(people, at_opd):
    act(people["editor"], at_opd["number"], "opd_decline", comment="Tidak ada")
    act(people["subkoord"], at_opd["number"], "close_unavailable", comment="Tidak tersedia")
    result = file_right(at_opd, "penghapusan")
    assert result["status"] == "ditolak"
    assert "Pasal 44" in result["reason"] or "keberatan" in result["reason"]


def test_deletion_past_retention_erases_and_keeps_statistics(people, at_opd, monkeypatch,
                                                             ckan_config):
    act(people["editor"], at_opd["number"], "opd_decline", comment="Tidak ada")
    act(people["subkoord"], at_opd["number"], "close_unavailable", comment="Tidak tersedia")
    later = clock.now() + dt.timedelta(days=800)   # past 2 years and any objection window
    monkeypatch.setattr(clock, "now", lambda: later)
    result = file_right(at_opd, "penghapusan")
    assert result["status"] == "dijawab", result
    row = stored(at_opd["number"])
    assert row.email == rights.ERASED and row.identity_number is None and row.phone is None
    assert row.title == REQUESTER["title"] and row.status == "ditutup"   # statistics stay
    records = helpers.call_action("satudata_destruction_records",
                                  context=as_user(people["dpo"]))
    assert [r["request"] for r in records] == [at_opd["number"]]
    assert "identity_number" in records[0]["fields"] and records[0]["mail_copies"] >= 1


def test_the_dpo_is_reminded_once_per_threshold(smtp_sink, people, at_opd, monkeypatch):
    from ckanext.satudata.notifications import reminders
    from tests.helpers import run_worker
    friday = dt.datetime(2026, 12, 4, 16, 0, tzinfo=clock.WIB)
    state = {"now": friday}
    monkeypatch.setattr(clock, "now", lambda: state["now"])
    run_worker()
    smtp_sink.messages.clear()
    file_right(at_opd, "pembatasan", "Jangan gunakan nomor telepon saya")

    def rights_mails():
        run_worker()
        return [m for m in smtp_sink.to(people["dpo"]["email"]) if "hak" in m["subject"]
                or "rights" in m["subject"]]

    reminders.send_reminders()
    reminders.send_reminders()                        # the same moment: nothing twice
    assert len(rights_mails()) == 1
    state["now"] = friday + dt.timedelta(hours=49)     # Sunday: a day left
    reminders.send_reminders()
    state["now"] = friday + dt.timedelta(hours=73)     # Monday: past 3 x 24 hours
    reminders.send_reminders()
    reminders.send_reminders()
    mails = rights_mails()
    assert len(mails) == 3
    subjects = [m["subject"] for m in mails]
    assert any("baru" in s for s in subjects) and any("kurang dari 24 jam" in s for s in subjects)
    overdue = next(m for m in mails if "melewati" in m["subject"])
    assert at_opd["number"] in overdue["subject"] and "2026-12-07 16:00 WIB" in overdue["body"]
    assert "Jangan gunakan nomor telepon saya" not in overdue["body"]   # no details by mail


def test_the_dpo_reading_a_copy_is_logged(people, at_opd):
    helpers.call_action("satudata_personal_data_copy", context=as_user(people["dpo"]),
                        id=at_opd["number"])
    entries = helpers.call_action("satudata_personal_access_log", context=as_user(people["dpo"]),
                                  request=at_opd["number"])["results"]
    assert entries[0]["actor"] == "petugas-pdp" and "identity_number" in entries[0]["fields"]


def test_the_dpos_work_list_holds_the_open_rights_requests(app, people, at_opd, monkeypatch):
    """The DPO's dashboard ('Pekerjaan Anda') lists each open rights request
    with its 3 x 24 hour due time, overdue ones among their own overdue items,
    and counts them; the desk's other roles do not get them; answered, gone."""
    friday = dt.datetime(2026, 12, 4, 16, 0, tzinfo=clock.WIB)
    monkeypatch.setattr(clock, "now", lambda: friday)
    filed = file_right(at_opd, "koreksi", "Nomor telepon saya 081211112222")

    def dashboard(user):
        return " ".join(app.get("/id/dashboard/", headers={
            "Authorization": factories.APIToken(user=user["name"])["token"]}).body.split())

    page = dashboard(people["dpo"])
    assert "Permintaan hak subjek data yang menunggu Anda (1)" in page
    assert "%s — Perbaikan (jawab paling lambat 2026-12-07 16:00 WIB)" % at_opd["number"] in page
    assert "satudata-dashboard-mine-overdue" not in page
    assert "Permintaan hak subjek data" not in dashboard(people["staf"])
    monkeypatch.setattr(clock, "now", lambda: friday + dt.timedelta(hours=73))
    page = dashboard(people["dpo"])
    assert "satudata-dashboard-mine-overdue" in page and "lewat waktu" in page
    helpers.call_action("satudata_rights_request_answer", context=as_user(people["dpo"]),
                        id=at_opd["number"], item=filed["id"], decision="dijawab",
                        comment="Sudah diperbaiki", phone="081211112222")
    assert "Permintaan hak subjek data" not in dashboard(people["dpo"])

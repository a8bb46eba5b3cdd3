"""Mails a person understands (issue 23): one request's whole life through the
real actions, the outbox and CKAN's RQ worker to a real SMTP sink. The
requester gets the receipt (with the private tracking link and the legal
deadline), the questions addressed to them, the extension, the answer and
the objection's decision; nothing of the office's internal steps. Whoever
acts next on the team gets the step waiting for them and its SOP time."""
import datetime as dt
from urllib.parse import urlsplit

import pytest

from ckan.tests import factories, helpers

from ckanext.satudata.workflow import clock
from ckanext.satudata.workflow.clock import WIB

from tests.helpers import SdiDataset, as_user, run_worker, walk
from tests.requests.helpers import SITI

pytestmark = pytest.mark.usefixtures("satudata_db", "clean_redis")

REQUESTER = SITI


@pytest.fixture
def frozen(monkeypatch):
    """Monday 2 November 2026, 09:00 WIB: the legal deadline is known."""
    now = {"t": dt.datetime(2026, 11, 2, 9, tzinfo=WIB)}
    monkeypatch.setattr(clock, "now", lambda: now["t"])
    return now


@pytest.fixture
def agency(satudata_db):
    member = factories.User(name="petugas-dinkes", email="petugas@dinkes.example.org",
                            fullname="Petugas Dinkes")
    org = factories.Organization(name="dinkes", title="Dinas Kesehatan",
                                 contact_email="data@dinkes.example.org",
                                 users=[{"name": member["name"], "capacity": "editor"}])
    return org, member


def move(user, ref, transition, **kw):
    return helpers.call_action("satudata_request_transition", context=as_user(user),
                               id=ref, transition=transition, **kw)


def subjects(sink, address):
    return [m["subject"] for m in sink.to(address)]


def test_one_request_life_mails_the_citizen_only_what_is_owed(
        app, smtp_sink, walidata, agency, frozen):
    org, opd = agency
    staf, subkoord = walidata["staf"], walidata["subkoord"]
    created = helpers.call_action("satudata_request_create", context={"user": ""}, **REQUESTER)
    number, token = created["number"], created["access_token"]
    run_worker()

    # the receipt: number, the private link, the legal deadline, what comes next
    (receipt,) = smtp_sink.to(REQUESTER["email"])
    body = receipt["body"]
    assert number in receipt["subject"]
    assert "Yth. Siti Rahayu" in body and "Dear Siti Rahayu" in body
    private = [line for line in body.splitlines() if "token=" in line]
    assert private and all(token in line for line in private)
    assert "Senin, 16 November 2026" in body          # 10 working days (UU 14/2008)
    assert "Monday 16 November 2026" in body
    assert "Rabu, 25 November 2026" in body           # + 7 if extended once
    assert "Apa selanjutnya" in body and "What happens next" in body
    assert len(body.splitlines()) > 15

    # the private link opens the tracking page as the requester
    link = urlsplit(private[0].strip())
    res = app.get(link.path + "?" + link.query, follow_redirects=False)
    assert res.status_code == 302
    page = app.get(urlsplit(res.headers["Location"]).path)
    assert page.status_code == 200
    assert number in page.body and REQUESTER["email"] in page.body

    # the Subkoord: the step waiting (assign, 10 minutes) and the staff link
    (new,) = smtp_sink.to(subkoord["email"])
    assert "Menunggu Anda" in new["subject"] and "10 menit" in new["subject"]
    assert "/permintaan-data/%s" % number in new["body"]
    assert token not in new["body"] and REQUESTER["email"] not in new["body"]

    move(subkoord, number, "assign", assignee=staf["name"])
    move(staf, number, "ask_clarification", comment="Desa mana saja yang dimaksud?")
    helpers.call_action("satudata_request_transition", context={"user": ""}, id=number,
                        transition="clarify", comment="Semua desa", access_token=token)
    move(staf, number, "not_available")
    move(subkoord, number, "extend", comment="Data harus dihimpun dari 25 kecamatan")
    move(subkoord, number, "escalate", organization=org["name"])
    move(opd, number, "opd_confirm")
    dataset = SdiDataset(name="penduduk-desa", owner_org=org["id"],
                         resources=[{"url": "http://example.com/p.csv", "name": "P"}])
    walk(dataset["id"], walidata)
    resource_url = "http://test.ckan.net/dataset/penduduk-desa/resource/%s" % \
        dataset["resources"][0]["id"]
    move(opd, number, "opd_send", resource_url=resource_url)
    move(subkoord, number, "handover")
    move(staf, number, "deliver", comment="Data terlampir")
    run_worker()

    mine = smtp_sink.to(REQUESTER["email"])
    assert len(mine) == 4, [m["subject"] for m in mine]
    question, extended, answered = mine[1:]
    assert "penjelasan" in question["subject"]
    assert "Desa mana saja yang dimaksud?" in question["body"]
    assert "diperpanjang" in extended["subject"]
    assert "Data harus dihimpun dari 25 kecamatan" in extended["body"]
    assert "Rabu, 25 November 2026" in extended["body"]
    assert "sudah tersedia" in answered["subject"] and "Sebagian" not in answered["subject"]
    assert resource_url in answered["body"] and "Cara mengunduh" in answered["body"]
    for m in mine:
        assert "Serah" not in m["subject"] and "staff" not in m["subject"].lower()
        assert len(m["body"].splitlines()) > 8

    # each internal step mailed whoever acts next, with the step and its time
    staff_mail = subjects(smtp_sink, staf["email"])
    assert any("Memeriksa ketersediaan" in s or "30 menit" in s for s in staff_mail), staff_mail
    assert any("15 menit" in s for s in staff_mail), staff_mail      # deliver (step 8)
    opd_mail = smtp_sink.to(opd["email"])
    assert opd_mail and all("Menunggu Anda" in m["subject"] for m in opd_mail)
    assert any("30 menit" in m["subject"] for m in opd_mail)
    assert smtp_sink.to("data@dinkes.example.org")
    sub_mail = subjects(smtp_sink, subkoord["email"])
    assert any("120 menit" in s or "2 jam" in s for s in sub_mail), sub_mail   # step 4
    assert any("15 menit" in s for s in sub_mail), sub_mail                    # step 7
    for m in smtp_sink.messages:
        if m["to"] != [REQUESTER["email"]]:
            assert REQUESTER["email"] not in m["body"] and token not in m["body"]


def test_partial_answer_says_so_and_how_to_object(smtp_sink, walidata, agency, frozen):
    org, _opd = agency
    dataset = SdiDataset(name="penduduk-desa", owner_org=org["id"])
    walk(dataset["id"], walidata)
    created = helpers.call_action("satudata_request_create", context={"user": ""}, **REQUESTER)
    move(walidata["subkoord"], created["number"], "assign", assignee=walidata["staf"]["name"])
    move(walidata["staf"], created["number"], "deliver", dataset="penduduk-desa", partial=True)
    run_worker()
    mine = smtp_sink.to(REQUESTER["email"])
    assert len(mine) == 2
    answered = mine[1]
    assert "Sebagian" in answered["subject"] and "Part of" in answered["subject"]
    assert "SEBAGIAN" in answered["body"] and "IN PART" in answered["body"]
    assert "/dataset/penduduk-desa" in answered["body"]
    assert "keberatan" in answered["body"]


def test_rejected_then_objection(smtp_sink, walidata, frozen):
    created = helpers.call_action("satudata_request_create", context={"user": ""}, **REQUESTER)
    number, token = created["number"], created["access_token"]
    frozen["t"] = dt.datetime(2026, 11, 3, 10, tzinfo=WIB)
    move(walidata["subkoord"], number, "reject", reason="dikecualikan",
         comment="Memuat data pribadi (pasal 17 huruf h)")
    helpers.call_action("satudata_objection_file", context={"user": ""}, id=number,
                        ground="ditolak", reason="Data agregat, bukan pribadi",
                        access_token=token)
    helpers.call_action("satudata_objection_decide", context=as_user(walidata["kabid"]),
                        id=number, decision="dismiss", comment="Tetap dikecualikan")
    run_worker()

    mine = smtp_sink.to(REQUESTER["email"])
    assert len(mine) == 4, [m["subject"] for m in mine]
    receipt, rejected, objection, decided = mine
    assert "ditolak" in rejected["subject"]
    assert "Memuat data pribadi (pasal 17 huruf h)" in rejected["body"]
    assert "pasal 17" in rejected["body"]                # the ground's label
    # 30 working days from Tuesday 3 November 2026 to object
    assert "keberatan" in rejected["body"] and "Ajukan keberatan" in rejected["body"]
    assert "Keberatan" in objection["subject"]
    assert "ditolak" in decided["subject"] and "dismissed" in decided["subject"]
    assert "Tetap dikecualikan" in decided["body"] and "Komisi Informasi" in decided["body"]

    # the atasan PPID is asked to decide, by a date
    (ask,) = smtp_sink.to(walidata["kabid"]["email"])
    assert "Menunggu Anda" in ask["subject"] and "keberatan" in ask["subject"]

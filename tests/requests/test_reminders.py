"""SLA reminders through the real stack (SPEC "Workflow 2": notifications are
actually delivered; issue 13): `ckan satudata remind` queues mails rendered from
templates, exactly once per item/step/threshold, to the person holding the item,
plus one daily digest to Subkoord and Kabid; CKAN's RQ worker mails them to a
real SMTP server (aiosmtpd) and the test reads the delivered bodies.

The clock is fixed (clock.now) so office minutes do not depend on when the
suite runs; nothing in the mail or job layer is mocked."""
import datetime as dt

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.satudata.workflow import clock
from ckanext.satudata.notifications import reminders
from ckanext.satudata.model import reminder_log

from tests.helpers import SdiDataset, as_user
from tests.helpers import run_worker
from tests.requests.helpers import SITI as REQUESTER

pytestmark = pytest.mark.usefixtures("satudata_db", "clean_redis")

WIB = clock.WIB


def at(*args):
    return dt.datetime(*args, tzinfo=WIB)


@pytest.fixture
def frozen(monkeypatch):
    state = {"now": at(2026, 11, 25, 10, 0)}   # a Wednesday, 10:00 WIB
    monkeypatch.setattr(clock, "now", lambda: state["now"])
    return state


def _set(table, key, ref, **values):
    sets = ", ".join("%s = :%s" % (k, k) for k in values)
    model.Session.execute(sa.text("UPDATE %s SET %s WHERE %s = :ref" % (table, sets, key)),
                          dict(values, ref=ref))
    model.Session.commit()


def test_reminders_exactly_once_to_the_holder_with_readable_bodies(
        smtp_sink, walidata, frozen, app):
    staf, subkoord, kabid = walidata["staf"], walidata["subkoord"], walidata["kabid"]
    # Kabid reads English
    user = model.User.get(kabid["id"])
    user.plugin_extras = {"satudata": {"locale": "en"}}
    model.Session.commit()

    dataset = SdiDataset(owner_org=factories.Organization()["id"],
                         title="Jumlah Penduduk & Rumah Tangga")
    # concept step: 120 office minutes standard, 120 taken at 10:00 -> "soon"
    _set("satudata_dataset_workflow", "package_id", dataset["id"],
         entered_at=at(2026, 11, 25, 8, 0))
    filed = helpers.call_action("satudata_request_create", context={"user": ""},
                                **REQUESTER)
    helpers.call_action("satudata_request_transition", context=as_user(subkoord),
                        id=filed["id"], transition="assign", assignee=staf["name"])
    # checking step (30 min standard) since 09:00 -> overdue for the Staf;
    # the legal deadline tomorrow -> "deadline soon"
    _set("satudata_data_request", "id", filed["id"], status_entered_at=at(2026, 11, 25, 9, 0),
         due_date=dt.date(2026, 11, 26))
    run_worker()                     # the filing and assignment mails: not reminders
    smtp_sink.messages.clear()

    first = reminders.send_reminders()
    # dataset soon -> subkoord; request overdue -> staf; deadline soon -> staf + subkoord;
    # digests -> subkoord + kabid
    assert first == 6
    assert reminders.send_reminders() == 0            # same moment: nothing twice
    frozen["now"] = at(2026, 11, 25, 10, 30)          # the concept step is now over
    assert reminders.send_reminders() == 1            # only the new threshold
    assert reminders.send_reminders() == 0
    frozen["now"] = at(2026, 11, 26, 10, 0)          # next day: one new digest each
    assert reminders.send_reminders() == 2
    logged = model.Session.execute(sa.select(reminder_log.c.kind, reminder_log.c.threshold)
                                   ).all()
    assert sorted(logged) == sorted([
        ("dataset", "soon"), ("dataset", "overdue"), ("request", "overdue"),
        ("request", "deadline_soon"), ("digest", "daily"), ("digest", "daily"),
        ("digest", "daily"), ("digest", "daily")])

    run_worker()
    to_staf = smtp_sink.to(staf["email"])
    to_subkoord = smtp_sink.to(subkoord["email"])
    to_kabid = smtp_sink.to(kabid["email"])
    assert len(to_staf) == 2 and len(to_subkoord) == 5 and len(to_kabid) == 2
    number = filed["number"]
    site = "http://test.ckan.net"

    overdue = next(m for m in to_staf if "Melewati waktu baku" in m["subject"])
    assert number in overdue["subject"]
    body = overdue["body"]
    assert "\\n" not in body and body.count("\n") > 8
    lines = body.splitlines()
    assert "Tahap SOP: 3. Cek ketersediaan data" in lines
    assert "Waktu berjalan: 1:00 jam kerja dari waktu baku 0:30" in lines
    assert "Batas waktu baku: 2026-11-25 09:30 WIB" in lines
    assert "Batas waktu jawaban (UU 14/2008): 2026-11-26" in lines
    assert "Buka: %s/permintaan-data/%s" % (site, number) in lines
    for secret in (REQUESTER["email"], REQUESTER["phone"], REQUESTER["identity_number"]):
        assert all(secret not in m["body"] for m in smtp_sink.messages)

    deadline = next(m for m in to_staf if "Batas waktu jawaban segera" in m["subject"])
    assert "paling lambat 1 hari kerja lagi" in deadline["body"]
    assert "Batas waktu: 2026-11-26 (2026-11-26 23:59 WIB)" in deadline["body"].splitlines()

    soon, late = sorted((m for m in to_subkoord if dataset["name"] in m["subject"]),
                        key=lambda m: "Melewati" in m["subject"])
    assert soon["subject"].startswith("[Satu Data] Segera melewati waktu baku")
    assert "Jumlah Penduduk & Rumah Tangga" in soon["body"]   # not HTML-escaped
    assert "Tahap SOP: 1. Konsep diseminasi & disposisi" in soon["body"]
    assert "Buka: %s/dataset/%s" % (site, dataset["name"]) in soon["body"].splitlines()
    assert "Batas waktu baku: 2026-11-25 10:00 WIB" in soon["body"]
    assert "Waktu berjalan: 2:30 jam kerja dari waktu baku 2:00" in late["body"]

    digests = sorted((m for m in to_kabid), key=lambda m: m["subject"])
    assert digests[0]["subject"].startswith("[Satu Data] Daily digest 2026-11-25: ")
    lines = digests[0]["body"].splitlines()
    assert "Overdue (1):" in lines and "Nearly due (1):" in lines
    assert "- %s - %s" % (number, REQUESTER["title"]) in lines
    assert "  %s/permintaan-data/%s" % (site, number) in lines
    assert "SOP performance: %s/satudata/kinerja" % site in lines
    sub_digest = next(m for m in to_subkoord if "Ringkasan harian 2026-11-25" in m["subject"])
    assert "Terlambat (1):" in sub_digest["body"]


def test_nobody_is_mailed_for_a_request_waiting_for_the_requester(smtp_sink, walidata,
                                                                  frozen):
    filed = helpers.call_action("satudata_request_create", context={"user": ""},
                                **REQUESTER)
    helpers.call_action("satudata_request_transition", context=as_user(walidata["subkoord"]),
                        id=filed["id"], transition="ask_clarification",
                        comment="Mohon rinci tahun datanya")
    _set("satudata_data_request", "id", filed["id"], status_entered_at=at(2026, 11, 2, 9, 0),
         due_date=dt.date(2026, 11, 3))
    assert reminders.send_reminders() == 0


def test_remind_cli_enqueues_a_job_the_worker_runs(smtp_sink, walidata, cli):
    from ckan.cli.cli import ckan as ckan_cli
    dataset = SdiDataset(owner_org=factories.Organization()["id"])
    _set("satudata_dataset_workflow", "package_id", dataset["id"],
         entered_at=dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.timezone.utc))
    result = cli.invoke(ckan_cli, ["satudata", "remind"])
    assert result.exit_code == 0, result.output
    run_worker()   # the reminder job, then the delivery job it enqueues
    run_worker()
    mail = smtp_sink.to(walidata["subkoord"]["email"])
    assert any(dataset["name"] in m["subject"] and "/dataset/%s" % dataset["name"] in m["body"]
               for m in mail)

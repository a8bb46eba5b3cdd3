"""The update schedule on a real portal (issue 25): next due date of published
datasets, "Perlu diperbarui" per OPD, and reminder mails before and after the
due date to the OPD's editors and the assigned Staf, exactly once, read from
a real SMTP server. The clock is fixed."""
import datetime as dt

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.satudata.model import reminder_log
from ckanext.satudata.notifications import reminders
from ckanext.satudata.quality import schedule
from ckanext.satudata.workflow import clock

from tests.helpers import SdiDataset, as_user, run_worker, site_context
from tests.quality.published import mark_published, wib

pytestmark = pytest.mark.usefixtures("satudata_db", "clean_redis")


@pytest.fixture
def frozen(monkeypatch):
    state = {"now": wib(2027, 3, 1, 9, 0)}
    monkeypatch.setattr(clock, "now", lambda: state["now"])
    return state


@pytest.fixture
def opd(walidata):
    org = helpers.call_action("organization_create", context=site_context(), name="dinkes",
                              title="Dinas Kesehatan")
    editor = factories.User(name="editor-dinkes", email="editor@dinkes.example.go.id")
    helpers.call_action("organization_member_create", context=site_context(), id=org["id"],
                        username=editor["name"], role="editor")
    return {"org": org, "editor": editor, "team": walidata}


def _dataset(org, name, **fields):
    return SdiDataset(owner_org=org["id"], name=name, title=name.replace("-", " ").title(),
                      **fields)


def test_next_due_and_needing_update_per_opd(opd, frozen):
    org = opd["org"]
    yearly = _dataset(org, "penduduk", update_frequency="tahunan", period_start="2025")
    monthly = _dataset(org, "kunjungan", update_frequency="bulanan", period_start="2027")
    adhoc = _dataset(org, "survei", update_frequency="ad_hoc", period_start="2024")
    draft = _dataset(org, "draf", update_frequency="harian", period_start="2027")
    mark_published(yearly["id"], wib(2026, 6, 1, 10, 0))     # due 2027-04-01 (period)
    mark_published(monthly["id"], wib(2027, 1, 20, 10, 0))   # due 2027-02-20: overdue
    mark_published(adhoc["id"], wib(2026, 1, 5, 10, 0))      # no due date
    rows = {r["name"]: r for r in schedule.published_datasets()}
    assert set(rows) == {"penduduk", "kunjungan", "survei"}   # the draft is not published
    assert rows["penduduk"]["due"] == dt.date(2027, 4, 1)
    assert rows["penduduk"]["status"] == "ok"                # 31 days left
    assert rows["kunjungan"]["due"] == dt.date(2027, 2, 20)
    assert rows["kunjungan"]["status"] == "overdue"
    assert rows["survei"]["due"] is None and rows["survei"]["status"] == "none"
    assert [r["name"] for r in schedule.needing_update([org["id"]])] == ["kunjungan"]
    frozen["now"] = wib(2027, 3, 20, 9, 0)
    assert [r["name"] for r in schedule.needing_update([org["id"]])] == [
        "kunjungan", "penduduk"]
    assert schedule.needing_update(["another-org"]) == []
    assert draft["id"] not in {r["id"] for r in schedule.needing_update()}


def test_reminders_before_and_after_the_due_date_exactly_once(opd, frozen, smtp_sink):
    team, editor = opd["team"], opd["editor"]
    ds = _dataset(opd["org"], "penduduk", update_frequency="tahunan", period_start="2025")
    mark_published(ds["id"], wib(2026, 6, 1, 10, 0), assignee_id=team["staf"]["id"])
    run_worker()
    smtp_sink.messages.clear()

    frozen["now"] = wib(2027, 3, 10, 9, 0)          # 22 days before 1 April: nothing
    assert schedule.queue_reminders() == 0
    frozen["now"] = wib(2027, 3, 18, 9, 0)          # 14 days before: "soon"
    assert reminders.send_reminders() == 2          # the OPD's editor and the Staf
    assert reminders.send_reminders() == 0          # exactly once
    frozen["now"] = wib(2027, 4, 1, 23, 0)          # the due date itself: still "soon"
    assert reminders.send_reminders() == 0
    frozen["now"] = wib(2027, 4, 2, 8, 0)           # the day after: "overdue"
    assert reminders.send_reminders() == 2
    assert reminders.send_reminders() == 0
    frozen["now"] = wib(2027, 5, 2, 8, 0)           # a month later: still once
    assert reminders.send_reminders() == 0
    logged = model.Session.execute(sa.select(reminder_log.c.kind, reminder_log.c.step,
                                             reminder_log.c.threshold)).all()
    assert sorted(logged) == [("update", "due@2027-04-01", "update_overdue"),
                              ("update", "due@2027-04-01", "update_soon")]

    run_worker()
    to_editor, to_staf = smtp_sink.to(editor["email"]), smtp_sink.to(team["staf"]["email"])
    assert len(to_editor) == 2 and len(to_staf) == 2
    assert len(smtp_sink.messages) == 4
    soon = next(m for m in to_editor if "segera tiba" in m["subject"])
    assert soon["subject"] == "[penduduk] Jadwal pembaruan data segera tiba"
    lines = soon["body"].splitlines()
    assert "Dataset: Penduduk" in lines
    assert "Frekuensi pemutakhiran: Tahunan" in lines
    assert "Terakhir terbit: 2026-06-01" in lines
    assert "Jadwal pembaruan berikutnya: 2027-04-01" in lines
    assert "Buka: http://test.ckan.net/dataset/penduduk" in lines
    late = next(m for m in to_staf if "terlewati" in m["subject"])
    assert "sudah terlewati" in late["body"]

    # publishing the update (2026's figures) moves the due date: a new pair
    pkg = model.Package.get(ds["id"])
    pkg.extras = dict(pkg.extras, period_start="2026")
    mark_published(ds["id"], wib(2027, 4, 10, 10, 0))
    frozen["now"] = wib(2028, 3, 25, 8, 0)          # 2027's data due 2028-04-01
    assert schedule.for_dataset(ds["id"])["due"] == dt.date(2028, 4, 1)
    assert reminders.send_reminders() == 2


def test_english_reader_gets_the_english_mail(opd, frozen, smtp_sink):
    user = model.User.get(opd["editor"]["id"])
    user.plugin_extras = {"satudata": {"locale": "en"}}
    model.Session.commit()
    ds = _dataset(opd["org"], "penduduk", update_frequency="tahunan", period_start="2025")
    mark_published(ds["id"], wib(2026, 6, 1, 10, 0))
    run_worker()
    smtp_sink.messages.clear()
    frozen["now"] = wib(2027, 4, 2, 8, 0)
    assert reminders.send_reminders() == 1          # the editor (no Staf assigned)
    run_worker()
    [mail] = smtp_sink.to(opd["editor"]["email"])
    assert mail["subject"] == "[penduduk] Scheduled data update missed"
    assert "Update frequency: Yearly" in mail["body"].splitlines()
    assert "Next update due: 2027-04-01" in mail["body"].splitlines()

"""Scheduled work with more than one worker (issue 27): three processes
flushing the outbox at the same moment (three nodes' workers, or a worker and
an operator's `ckan satudata outbox flush`) send each mail exactly once, read
from a real SMTP sink; three `ckan satudata remind --now` at once (two nodes'
cron) queue each SLA reminder once; three `ckan satudata privacy retention` at
once erase each request once, with one berita acara entry each.

The reminder and retention processes run on the real clock (a subprocess
cannot share a test's frozen one): the state is built far enough in the past
to be due on any day the suite runs."""
import collections
import datetime as dt
import os
import re
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata.model import data_request, reminder_log
from ckanext.satudata.notifications import outbox as notify
from ckanext.satudata.privacy import rights
from tests.helpers import REPO_ROOT, SdiDataset, as_user
from tests.requests.helpers import ANON, SITI

pytestmark = pytest.mark.usefixtures("satudata_db")

MAILS = 30


def at_once(*command, n=3, meanwhile=None):
    """`ckan -c test.ini satudata COMMAND` from `n` processes started together
    (mail to the test's SMTP sink); `meanwhile` runs while they do. Their
    outputs, each exited 0."""
    env = dict(os.environ, CKAN_INI=str(REPO_ROOT / "test.ini"))
    for key in ("smtp.server", "smtp.mail_from"):
        if tk.config.get(key):
            env["CKAN_" + key.upper().replace(".", "_")] = tk.config[key]
    ckan = os.path.join(os.path.dirname(sys.executable), "ckan")
    runs = [subprocess.Popen([ckan, "-c", str(REPO_ROOT / "test.ini"), "satudata", *command],
                             env=env, cwd=REPO_ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            for _ in range(n)]
    if meanwhile:
        meanwhile()
    said = [p.communicate(timeout=240)[0].decode() for p in runs]
    assert all(p.returncode == 0 for p in runs), said
    return said


def wait_for_lock_waiters(engine, n, timeout=180):
    """Until `n` sessions of this database wait for a row lock."""
    deadline = time.monotonic() + timeout
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock'")).scalar()
            if waiting >= n:
                return
            conn.rollback()
            time.sleep(0.2)
    pytest.fail("%d session(s) never waited for the held row" % n)


def counted(said, pattern):
    """The sum of the numbers the processes printed in `pattern`'s group."""
    return sum(int(m.group(1)) for out in said for m in re.finditer(pattern, out))


def test_three_flushing_at_once_send_each_mail_once(smtp_sink):
    recipients = ["warga%02d@example.org" % i for i in range(MAILS)]
    for address in recipients:
        notify.queue("uji", [address], "Pemberitahuan uji", "Isi pemberitahuan (sample data).")
    model.repo.commit()
    said = at_once("outbox", "flush")
    sent = sum(int(line.split()[1].rstrip(",")) for out in said
               for line in out.splitlines() if line.startswith("sent "))
    assert sent == MAILS, said
    assert sorted(r for m in smtp_sink.messages for r in m["to"]) == recipients
    assert notify.pending_count() == 0


@pytest.mark.usefixtures("empty_queue")
def test_one_queued_outbox_job_serves_every_commit_before_it_runs(smtp_sink):
    """Each commit with mail asks for a job, but a job that has not started
    yet sends every pending row: a second is not queued beside it. Once the
    worker has taken it, the next commit queues a new one (a running job may
    have read the outbox before that commit)."""
    from ckan.lib import jobs
    from tests.helpers import run_worker

    def outbox_jobs():
        return [j for j in jobs.get_queue().get_job_ids() if j.startswith(notify.JOB_PREFIX)]

    for i in range(3):
        notify.queue("uji", ["warga%d@example.org" % i], "Pemberitahuan uji", "Isi (sample data).")
        model.repo.commit()
        assert notify.dispatch()
    assert len(outbox_jobs()) == 1
    run_worker()
    assert outbox_jobs() == []
    assert sorted(r for m in smtp_sink.messages for r in m["to"]) == [
        "warga0@example.org", "warga1@example.org", "warga2@example.org"]
    notify.queue("uji", ["warga3@example.org"], "Pemberitahuan uji", "Isi (sample data).")
    model.repo.commit()
    assert notify.dispatch() and len(outbox_jobs()) == 1


LONG_AGO = dt.datetime(2024, 1, 8, 1, 0, tzinfo=dt.timezone.utc)   # a Monday, 08:00 WIB
DATASETS = 4


@pytest.mark.usefixtures("empty_queue")
def test_three_reminding_at_once_mail_each_reminder_once(smtp_sink, walidata):
    """Four datasets overdue in their concept step (-> Subkoord), a request
    overdue in its checking step and past its legal deadline (-> Staf; the
    deadline also -> Subkoord), the daily digest (-> Subkoord, Kabid): nine
    mails under eight reminder keys, however many nodes' cron run at once."""
    staf, subkoord, kabid = walidata["staf"], walidata["subkoord"], walidata["kabid"]
    org = factories.Organization()["id"]
    names = [SdiDataset(owner_org=org, title="Data uji %d" % i)["name"]
             for i in range(DATASETS)]
    model.Session.execute(sa.text("UPDATE satudata_dataset_workflow SET entered_at = :t"),
                          {"t": LONG_AGO})
    filed = helpers.call_action("satudata_request_create", context=dict(ANON), **SITI)
    helpers.call_action("satudata_request_transition", context=as_user(subkoord),
                        id=filed["id"], transition="assign", assignee=staf["name"])
    model.Session.execute(sa.update(data_request).where(data_request.c.id == filed["id"])
                          .values(status_entered_at=LONG_AGO, due_date=LONG_AGO.date()))
    model.repo.commit()
    notify.deliver_outbox()          # the receipt and assignment mails: not reminders
    smtp_sink.messages.clear()

    # the request's deadline reminder is held (another node's run, not yet
    # committed) until the three runs all wait for a lock: each has read what
    # is due before any reminder is committed, the moment a run that trusted
    # its first read would queue them twice
    engine = model.meta.engine
    with engine.connect() as holder:
        holding = holder.begin()
        holder.execute(sa.insert(reminder_log).values(
            kind="request", item_id=filed["id"], step="deadline@%s" % LONG_AGO.date(),
            threshold="deadline_passed", recipients=2, created_at=LONG_AGO))
        said = at_once("remind", "--now",
                       meanwhile=lambda: (wait_for_lock_waiters(engine, 3),
                                          holding.rollback()))
    assert counted(said, r"queued (\d+) reminder") == DATASETS + 5, said
    keys = model.Session.execute(sa.select(reminder_log.c.kind, reminder_log.c.threshold,
                                           reminder_log.c.item_id)).all()
    assert sorted(collections.Counter((k, t) for k, t, _ in keys).items()) == [
        (("dataset", "overdue"), DATASETS), (("digest", "daily"), 2),
        (("request", "deadline_passed"), 1), (("request", "overdue"), 1)]

    flushed = at_once("outbox", "flush", n=1)
    assert counted(flushed, r"sent (\d+)") == DATASETS + 5, flushed
    delivered = [(to, m["subject"]) for m in smtp_sink.messages for to in m["to"]]
    assert len(delivered) == len(set(delivered)) == DATASETS + 5, delivered
    by_person = collections.Counter(to for to, _ in delivered)
    assert by_person == {subkoord["email"]: DATASETS + 2, staf["email"]: 2,
                         kabid["email"]: 1}
    to_subkoord = [s for to, s in delivered if to == subkoord["email"]]
    assert all(sum(name in s for s in to_subkoord) == 1 for name in names)
    assert notify.pending_count() == 0


ERASED_REQUESTS = 6


@pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")
def test_three_retention_runs_at_once_erase_each_request_once(walidata):
    """Requests closed three years ago (the retention period is two): each is
    erased by exactly one of the three runs and gets one berita acara entry;
    a request closed yesterday is kept."""
    numbers = []
    for i in range(ERASED_REQUESTS + 1):
        request = helpers.call_action("satudata_request_create", context=dict(ANON),
                                      **dict(SITI, title="Permintaan uji %d" % i))
        closed = (dt.datetime.now(dt.timezone.utc)
                  - dt.timedelta(days=3 * 366 if i < ERASED_REQUESTS else 1))
        model.Session.execute(sa.update(data_request).where(data_request.c.id == request["id"])
                              .values(status="selesai", closed_at=closed))
        numbers.append(request["number"])
    model.repo.commit()
    old, recent = numbers[:ERASED_REQUESTS], numbers[ERASED_REQUESTS]

    # one request is held (an open transaction of another node's) until the
    # three runs all wait for a lock: each has read the requests past the
    # period before any erasure is committed, the moment a run that trusted
    # its first read would erase them twice
    engine = model.meta.engine
    with engine.connect() as holder:
        holding = holder.begin()
        holder.execute(sa.select(data_request.c.id).where(data_request.c.number == old[0])
                       .with_for_update())
        said = at_once("privacy", "retention",
                       meanwhile=lambda: (wait_for_lock_waiters(engine, 3),
                                          holding.rollback()))
    assert counted(said, r"erased the personal data of (\d+) request") == ERASED_REQUESTS, said
    erased_by = collections.Counter(line.split(":")[0].strip() for out in said
                                    for line in out.splitlines() if line.startswith("  "))
    assert erased_by == {number: 1 for number in old}, said
    model.Session.remove()
    records = collections.Counter(r["request"] for r in rights.destruction_records())
    assert records == {number: 1 for number in old}
    emails = dict(model.Session.execute(sa.select(data_request.c.number,
                                                  data_request.c.email)).all())
    assert all(emails[n] == rights.ERASED for n in old)
    assert emails[recent] == SITI["email"]

"""Scheduled work with more than one worker (issue 27): three processes
flushing the outbox at the same moment (three nodes' workers, or a worker and
an operator's `ckan satudata outbox flush`) send each mail exactly once, read
from a real SMTP sink."""
import os
import subprocess
import sys

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.notifications import outbox as notify
from tests.helpers import REPO_ROOT

pytestmark = pytest.mark.usefixtures("satudata_db")

MAILS = 30


def test_three_flushing_at_once_send_each_mail_once(smtp_sink):
    recipients = ["warga%02d@example.org" % i for i in range(MAILS)]
    for address in recipients:
        notify.queue("uji", [address], "Pemberitahuan uji", "Isi pemberitahuan (sample data).")
    model.repo.commit()
    env = dict(os.environ, CKAN_INI=str(REPO_ROOT / "test.ini"),
               CKAN_SMTP_SERVER=tk.config["smtp.server"],
               CKAN_SMTP_MAIL_FROM=tk.config["smtp.mail_from"])
    ckan = os.path.join(os.path.dirname(sys.executable), "ckan")
    flushes = [subprocess.Popen([ckan, "-c", str(REPO_ROOT / "test.ini"), "satudata",
                                 "outbox", "flush"], env=env, cwd=REPO_ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
               for _ in range(3)]
    said = [p.communicate(timeout=240)[0].decode() for p in flushes]
    assert all(p.returncode == 0 for p in flushes), said
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

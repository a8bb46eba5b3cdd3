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

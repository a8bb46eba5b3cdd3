"""Faults (issue 16): the database connection lost in the middle of a
transition leaves no half transition; the background worker killed in the
middle of sending leaves every accepted mail to be delivered afterwards.
Real PostgreSQL backends terminated, a real worker process killed."""
import asyncio
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.tests import helpers

from tests.helpers import SdiDataset, as_user, walk
from tests.helpers import free_port, run_worker

pytestmark = pytest.mark.usefixtures("satudata_db", "clean_redis")


def test_connection_lost_mid_transition_leaves_no_half_transition(walidata):
    from ckanext.satudata.model import dataset_transition_log as log_table
    from ckan.tests import factories
    org = factories.Organization()
    dataset = SdiDataset(owner_org=org["id"])
    walk(dataset["id"], walidata, until="diajukan")
    before = model.Session.execute(sa.select(sa.func.count()).select_from(log_table)).scalar()
    model.Session.remove()

    # another connection holds the workflow row, so the approval waits inside
    # its transaction, where its backend is then terminated
    blocker = model.meta.engine.connect()
    blocker.execute(sa.text("BEGIN"))
    blocker.execute(sa.text("SELECT 1 FROM satudata_dataset_workflow WHERE package_id = :id "
                            "FOR UPDATE"), {"id": dataset["id"]})
    outcome = {}

    def approve():
        try:
            helpers.call_action("satudata_dataset_transition",
                                context=as_user(walidata["subkoord"]),
                                id=dataset["id"], transition="approve")
            outcome["result"] = "approved"
        except Exception as e:  # the lost connection
            outcome["result"] = "%s: %s" % (type(e).__name__, e)
        finally:
            model.Session.remove()

    thread = threading.Thread(target=approve, daemon=True)
    thread.start()
    victim = None
    try:
        for _ in range(600):
            # pg_stat_activity is a snapshot per transaction: take a fresh one
            blocker.execute(sa.text("SELECT pg_stat_clear_snapshot()"))
            victim = blocker.execute(sa.text(
                "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database() AND pid <> pg_backend_pid()")).scalar()
            if victim:
                break
            time.sleep(0.1)
        assert victim, "the approval never waited on the row: %s" % outcome
        blocker.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": victim})
    finally:
        blocker.execute(sa.text("ROLLBACK"))
        blocker.close()
    thread.join(timeout=60)
    assert outcome["result"] != "approved"

    state = helpers.call_action("satudata_dataset_workflow_show", context={"ignore_auth": True},
                                id=dataset["id"])
    assert state["state"] == "diajukan" and state["approvals"] == []
    after = model.Session.execute(sa.select(sa.func.count()).select_from(log_table)).scalar()
    assert after == before
    # the next try, on a fresh connection, goes through exactly once
    helpers.call_action("satudata_dataset_transition", context=as_user(walidata["subkoord"]),
                        id=dataset["id"], transition="approve")
    history = helpers.call_action("satudata_dataset_history", context={"ignore_auth": True},
                                  id=dataset["id"])
    assert [e["transition"] for e in history].count("approve") == 1


class SlowSink:
    """A real SMTP server that takes its time over each message."""

    def __init__(self):
        self.recipients = []

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.7)
        self.recipients.extend(envelope.rcpt_tos)
        return "250 OK"


def test_worker_killed_mid_job_loses_no_mail(ckan_config, monkeypatch):
    from aiosmtpd.controller import Controller
    from ckanext.satudata.notifications import outbox as notify
    sink = SlowSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    smtp = "127.0.0.1:%d" % controller.port
    monkeypatch.setitem(ckan_config, "smtp.server", smtp)
    monkeypatch.setitem(ckan_config, "smtp.mail_from", "satudata@banyuwangikab.go.id")
    addresses = ["warga%d@example.org" % i for i in range(6)]
    for address in addresses:
        notify.queue("test", [address], "Subjek", "Isi")
    model.Session.commit()
    assert notify.dispatch()

    env = dict(os.environ, CKAN_SMTP_SERVER=smtp,
               CKAN_SMTP_MAIL_FROM="satudata@banyuwangikab.go.id")
    worker = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "ckan"), "-c", ckan_config["__file__"],
         "jobs", "worker"], env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while not sink.recipients and time.time() < deadline:
            time.sleep(0.1)
        assert sink.recipients, "the worker never started sending"
    finally:
        os.killpg(worker.pid, signal.SIGKILL)   # the worker and its work horse
        worker.wait(timeout=30)
    delivered_before = len(sink.recipients)
    assert delivered_before < len(addresses), "the job finished before it was killed"

    # what the scheduler does next, round after round: the mails still due go
    # out (the row the killed job had locked is free once PostgreSQL has
    # noticed its client is gone)
    assert notify.due_count() > 0
    for _ in range(20):
        notify.dispatch()
        run_worker()
        model.Session.remove()
        if notify.due_count() == 0:
            break
        time.sleep(0.5)
    controller.stop()
    assert set(sink.recipients) == set(addresses)
    # a kill between sending and marking re-sends at most that one mail
    assert len(sink.recipients) <= len(addresses) + 1
    assert notify.status()["waiting"] == 0

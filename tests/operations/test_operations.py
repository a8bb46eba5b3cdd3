"""Running the portal (issue 16): the health endpoint against the real
services and a real background worker process, and the sysadmin page of mail
that a real SMTP sink (aiosmtpd writing a Maildir) received."""
import contextlib
import os
import signal
import subprocess
import sys
import time

import pytest

from ckan.tests import factories, helpers

from tests.helpers import free_port, run_worker
from tests.requests.helpers import SITI as REQUESTER

pytestmark = pytest.mark.usefixtures("satudata_db", "clean_redis")


@pytest.fixture(autouse=True)
def no_jobs_left_behind():
    """Jobs queued here without a worker must not run in later tests."""
    yield
    from ckan.lib.redis import connect_to_redis
    connect_to_redis().flushdb()


def health(app):
    resp = app.get("/satudata/health")
    return resp.status_code, resp.json


def test_health_names_the_missing_worker_then_passes_with_one(app, ckan_config,
                                                              private_redis):
    status, body = health(app)
    assert status == 503 and body["failing"] == ["worker"]
    assert body["checks"]["database"]["ok"] and body["checks"]["redis"]["ok"]

    worker = start_worker(ckan_config, private_redis[0])
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            status, body = health(app)
            if status == 200:
                break
            time.sleep(0.2)
        assert status == 200, body
        assert body["status"] == "ok" and body["checks"]["worker"]["workers"] >= 1
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    status, body = health(app)
    assert status == 503 and "worker" in body["failing"]


@pytest.fixture
def private_redis(ckan_config, monkeypatch):
    """A Redis database of this runner's own for the worker tests: concurrent
    runners share the test Redis, flush it and run workers on it."""
    import zlib
    from ckanext.satudata.requests import ratelimit
    db = 8 + zlib.crc32(ckan_config["sqlalchemy.url"].encode()) % 8
    url = ckan_config["ckan.redis.url"].rpartition("/")[0] + "/%d" % db
    monkeypatch.setitem(ckan_config, "ckan.redis.url", url)
    monkeypatch.setattr(ratelimit, "_clients", {})
    redis = ratelimit.fast_redis()
    redis.flushdb()
    yield url, redis
    redis.flushdb()


def start_worker(ckan_config, redis_url):
    """CKAN's own worker command, as supervisord runs it."""
    return subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "ckan"), "-c", ckan_config["__file__"],
         "jobs", "worker"], env=dict(os.environ, CKAN_REDIS_URL=redis_url),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        # its own process group: RQ's scheduler runs in a child process that
        # outlives a SIGKILL of the worker and would disturb the next test
        start_new_session=True)


@pytest.fixture
def worker_process(ckan_config, private_redis):
    """A worker, once it has registered (a flushed worker key would come
    back only at its next heartbeat, minutes later)."""
    url, redis = private_redis
    proc = start_worker(ckan_config, url)
    try:
        deadline = time.time() + 60
        while health_worker(redis, proc.pid) is None:
            assert proc.poll() is None and time.time() < deadline, "the worker did not start"
            time.sleep(0.3)
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
        proc.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)   # what the worker left running


def health_worker(redis, pid):
    import rq
    return next((w for w in rq.Worker.all(connection=redis) if w.pid == pid), None)


def test_health_an_idle_worker_is_healthy_a_killed_one_is_not(app, ckan_config, monkeypatch,
                                                             private_redis, worker_process):
    import datetime
    from rq.utils import utcformat
    # the old check called a worker dead after this many seconds without a
    # heartbeat; RQ's idle worker sends one every 405 s
    monkeypatch.setitem(ckan_config, "ckanext.satudata.health_worker_max_silence", 1)
    # its last heartbeat 400 s ago, as just before an idle worker's next one
    # (instead of waiting out the silence); asked three times while it stays
    # that old (a worker just started sends one more heartbeat before it
    # blocks on the queue for 405 s: then again)
    redis = private_redis[1]
    for _ in range(10):
        silent_since = datetime.datetime.now(datetime.timezone.utc) - \
            datetime.timedelta(seconds=400)
        redis.hset(health_worker(redis, worker_process.pid).key, "last_heartbeat",
                   utcformat(silent_since))
        answers = [health(app) for _ in range(3)]
        if health_worker(redis, worker_process.pid).last_heartbeat <= silent_since + \
                datetime.timedelta(seconds=1):
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the worker's heartbeat never stayed 400 s old")
    for status, body in answers:
        assert status == 200, body
        assert body["checks"]["worker"]["workers"] == 1
    # no goodbye: its Redis key stays (the whole group, as a crashed host would)
    os.killpg(worker_process.pid, signal.SIGKILL)
    worker_process.wait(timeout=30)
    status, body = health(app)
    assert status == 503 and body["failing"] == ["worker"]
    assert body["checks"]["worker"]["gone"] == 1


def test_health_a_worker_stuck_on_one_job_is_not_healthy(app, ckan_config, monkeypatch,
                                                        worker_process, tmp_path):
    import rq
    from ckan.lib import jobs
    from ckanext.satudata.requests.ratelimit import fast_redis
    monkeypatch.setitem(ckan_config, "ckanext.satudata.health_worker_max_busy", 2)
    # a job that hangs: it reads one byte from a named pipe nobody writes to,
    # until this test writes it (instead of a sleep waited out in full)
    release = tmp_path / "release"
    os.mkfifo(release)
    job = rq.Queue(jobs.add_queue_name_prefix("default"), connection=fast_redis()).enqueue(
        subprocess.call, ["head", "-c", "1", str(release)], job_timeout=60)
    deadline = time.time() + 45
    while True:
        status, body = health(app)
        if status == 503:
            break
        # on a loaded machine the job may start late; a job that ended without
        # being seen busy says why here instead of a bare timeout
        assert job.get_status(refresh=True) not in ("finished", "failed"), (
            job.get_status(), job.exc_info, body)
        assert time.time() < deadline, (job.get_status(refresh=True), job.origin, [w.queue_names() for w in rq.Worker.all(connection=fast_redis())], body)
        time.sleep(0.2)
    assert body["failing"] == ["worker"]
    [stuck] = body["checks"]["worker"]["stuck"]
    assert stuck["state"] == "busy" and stuck["busy_seconds"] >= 2
    # the job ends (its byte written; no reader would raise ENXIO, not hang):
    # the worker is idle, and healthy, again
    pipe = os.open(release, os.O_WRONLY | os.O_NONBLOCK)
    try:
        os.write(pipe, b"x")
    finally:
        os.close(pipe)
    deadline = time.time() + 45
    while health(app)[0] != 200:
        assert time.time() < deadline
        time.sleep(0.1)
    assert job.get_status(refresh=True) == "finished" and job.return_value() == 0


def test_health_names_redis_when_it_is_down(app, ckan_config, monkeypatch):
    from ckanext.satudata.requests import ratelimit
    monkeypatch.setitem(ckan_config, "ckan.redis.url", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(ratelimit, "_clients", {})
    status, body = health(app)
    assert status == 503 and {"redis", "worker"} <= set(body["failing"])
    assert "database" not in body["failing"]


def test_health_names_a_stuck_outbox(app, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.satudata.health_outbox_max_age", 0)
    monkeypatch.setitem(ckan_config, "smtp.server", "127.0.0.1:%d" % free_port())
    helpers.call_action("satudata_request_create", context={"user": ""}, **REQUESTER)
    # two seconds later (a fixed clock, not a sleep)
    import datetime
    from ckanext.satudata.workflow import clock
    later = clock.now() + datetime.timedelta(seconds=2)
    monkeypatch.setattr(clock, "now", lambda: later)
    status, body = health(app)
    assert "outbox" in body["failing"] and body["checks"]["outbox"]["waiting"] >= 1


@pytest.fixture
def maildir_sink(tmp_path, ckan_config, monkeypatch):
    """The demo's sink (aiosmtpd's Maildir, refusing malformed mail) on a free port."""
    from aiosmtpd.controller import Controller
    from ckanext.satudata.operations.mail_sink import StrictMailbox
    maildir = tmp_path / "mail"
    controller = Controller(StrictMailbox(str(maildir)), hostname="127.0.0.1",
                            port=free_port())
    controller.start()
    monkeypatch.setitem(ckan_config, "smtp.server", "127.0.0.1:%d" % controller.port)
    monkeypatch.setitem(ckan_config, "smtp.mail_from", "satudata@banyuwangikab.go.id")
    monkeypatch.setitem(ckan_config, "smtp.starttls", False)
    monkeypatch.setitem(ckan_config, "smtp.user", None)
    monkeypatch.setitem(ckan_config, "ckanext.satudata.mail_sink_dir", str(maildir))
    yield maildir
    controller.stop()


def test_a_filed_request_is_mailed_and_readable_by_sysadmins(app, maildir_sink, walidata):
    created = helpers.call_action("satudata_request_create", context={"user": ""},
                                  **REQUESTER)
    run_worker()
    sysadmin = factories.Sysadmin()
    token = factories.APIToken(user=sysadmin["name"])["token"]
    index = app.get("/ckan-admin/satudata/mail", headers={"Authorization": token})
    assert index.status_code == 200 and created["number"] in index.body
    assert REQUESTER["email"] in index.body
    import bs4
    link = [a["href"] for a in bs4.BeautifulSoup(index.body, "html.parser").find_all("a")
            if "/ckan-admin/satudata/mail/" in a.get("href", "")][0]
    body = app.get(link, headers={"Authorization": token}).body
    assert created["number"] in body
    # nobody else reads the requesters' mail
    for user in (None, walidata["kabid"], factories.User()):
        headers = {} if user is None else {
            "Authorization": factories.APIToken(user=user["name"])["token"]}
        assert app.get("/ckan-admin/satudata/mail", headers=headers).status_code == 403
        assert app.get(link, headers=headers).status_code == 403


# -- the outbox: backoff, failure, resend ------------------------------------------------

def _outbox():
    import sqlalchemy as sa
    import ckan.model as model
    from ckanext.satudata.model import outbox
    return model.Session.execute(sa.select(outbox).order_by(outbox.c.id)).all()


@pytest.mark.ckan_config("ckanext.satudata.outbox_max_attempts", "3")
def test_outbox_backs_off_then_fails_then_resends(app, ckan_config, monkeypatch, cli,
                                                  maildir_sink):
    import datetime
    import json
    import ckan.model as model
    from ckan.cli.cli import ckan
    from ckanext.satudata.workflow import clock
    from ckanext.satudata.notifications import outbox as notify

    good = ckan_config["smtp.server"]
    monkeypatch.setitem(ckan_config, "smtp.server", "127.0.0.1:%d" % free_port())
    notify.queue("test", ["warga@example.org"], "Nomor permintaan", "Isi surat")
    model.Session.commit()
    start = clock.now()

    assert notify.deliver_outbox() == {"sent": 0, "failed": 1}
    row = _outbox()[0]
    assert row.attempts == 1 and row.failed_at is None
    assert 55 <= (row.next_attempt_at - start).total_seconds() <= 65      # 1 × base
    # not due yet: nothing is tried again
    assert notify.deliver_outbox() == {"sent": 0, "failed": 0}

    def time_passes():
        from ckanext.satudata.model import outbox
        import sqlalchemy as sa
        model.Session.execute(sa.update(outbox).values(
            next_attempt_at=clock.now() - datetime.timedelta(seconds=1)))
        model.Session.commit()

    time_passes()
    assert notify.deliver_outbox()["failed"] == 1
    row = _outbox()[0]
    assert 115 <= (row.next_attempt_at - clock.now()).total_seconds() <= 125  # 2 × base
    time_passes()
    notify.deliver_outbox()
    row = _outbox()[0]
    assert row.attempts == 3 and row.failed_at is not None                    # the last try
    result = cli.invoke(ckan, ["satudata", "outbox", "status"])
    assert json.loads(result.output.strip().splitlines()[-1]) == {
        "sent": 0, "waiting": 0, "failed": 1}

    # the sysadmin sees it and resends it once the mail server is back
    sysadmin = factories.Sysadmin()
    token = {"Authorization": factories.APIToken(user=sysadmin["name"])["token"]}
    page = app.get("/ckan-admin/satudata/outbox", headers=token)
    assert "warga@example.org" in page.body and "Failed" in page.body
    assert app.get("/ckan-admin/satudata/outbox").status_code == 403
    monkeypatch.setitem(ckan_config, "smtp.server", good)
    app.post("/ckan-admin/satudata/outbox", data={"id": row.id}, headers=token)
    notify.deliver_outbox()
    assert notify.status() == {"sent": 1, "waiting": 0, "failed": 0}
    assert len(list((maildir_sink / "new").iterdir())) == 1

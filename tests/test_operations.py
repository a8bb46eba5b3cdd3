"""Running the portal (issue 16): the health endpoint against the real
services and a real background worker process, and the sysadmin page of mail
that a real SMTP sink (aiosmtpd writing a Maildir) received."""
import os
import subprocess
import sys
import time

import pytest

from ckan.tests import factories, helpers

from test_request_delivery import REQUESTER, _free_port, run_worker

pytestmark = pytest.mark.usefixtures("satudata_db", "clean_redis")


def health(app):
    resp = app.get("/satudata/health")
    return resp.status_code, resp.json


def test_health_names_the_missing_worker_then_passes_with_one(app, ckan_config):
    status, body = health(app)
    assert status == 503 and body["failing"] == ["worker"]
    assert body["checks"]["database"]["ok"] and body["checks"]["redis"]["ok"]

    # CKAN's own worker command, as supervisord runs it
    worker = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "ckan"), "-c", ckan_config["__file__"],
         "jobs", "worker"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            status, body = health(app)
            if status == 200:
                break
            time.sleep(0.5)
        assert status == 200, body
        assert body["status"] == "ok" and body["checks"]["worker"]["workers"] >= 1
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    status, body = health(app)
    assert status == 503 and "worker" in body["failing"]


def test_health_names_redis_when_it_is_down(app, ckan_config, monkeypatch):
    from ckanext.satudata import ratelimit
    monkeypatch.setitem(ckan_config, "ckan.redis.url", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(ratelimit, "_clients", {})
    status, body = health(app)
    assert status == 503 and {"redis", "worker"} <= set(body["failing"])
    assert "database" not in body["failing"]


def test_health_names_a_stuck_outbox(app, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.satudata.health_outbox_max_age", 0)
    monkeypatch.setitem(ckan_config, "smtp.server", "127.0.0.1:%d" % _free_port())
    helpers.call_action("satudata_request_create", context={"user": ""}, **REQUESTER)
    time.sleep(1.1)
    status, body = health(app)
    assert "outbox" in body["failing"] and body["checks"]["outbox"]["waiting"] >= 1


@pytest.fixture
def maildir_sink(tmp_path, ckan_config, monkeypatch):
    """aiosmtpd's Maildir handler on a free port: the demo's sink."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Mailbox
    maildir = tmp_path / "mail"
    controller = Controller(Mailbox(str(maildir)), hostname="127.0.0.1", port=_free_port())
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

"""`ckan satudata doctor` (issue 27): each check against the real service,
healthy and broken: shared storage, Redis, worker, one scheduler, the mail
relay, the DataStore's read-only user, and web nodes sharing the secret key
(a node with another secret refuses this node's token)."""
import os
import re

import pytest

import ckan.plugins.toolkit as tk

from ckanext.satudata.operations import doctor
from tests.helpers import REPO_ROOT, free_port, gunicorn_on_loopback

pytestmark = pytest.mark.usefixtures("satudata_db", "clean_redis")


@pytest.fixture
def storage(tmp_path, monkeypatch):
    monkeypatch.setitem(tk.config, "ckan.storage_path", str(tmp_path / "storage"))
    return tmp_path / "storage"


def test_checks_name_what_to_fix(storage, smtp_sink, monkeypatch):
    results = doctor.run()
    assert results["storage"]["ok"] and results["redis"]["ok"], results
    assert results["mail_relay"]["ok"], results
    # no worker, no scheduler in this test: both named with their fix
    assert not results["worker"]["ok"] and "ckan jobs worker" in results["worker"]["fix"]
    assert not results["scheduler"]["ok"]
    if tk.config.get("ckan.datastore.read_url"):
        assert results["datastore_read_only"]["ok"], results["datastore_read_only"]

    from ckanext.satudata.requests.ratelimit import fast_redis
    fast_redis().set(doctor.scheduler_key("web1:10"), "1", ex=60)
    assert doctor.scheduler()["ok"]
    fast_redis().set(doctor.scheduler_key("web2:11"), "1", ex=60)
    assert "2 schedulers" in doctor.scheduler()["detail"]

    storage.chmod(0o500)
    try:
        if os.geteuid() != 0:   # root writes anywhere
            assert not doctor.storage()["ok"]
    finally:
        storage.chmod(0o700)
    monkeypatch.setitem(tk.config, "smtp.server", "127.0.0.1:%d" % free_port())
    assert not doctor.mail_relay()["ok"]
    monkeypatch.setitem(tk.config, "ckan.storage_path", "")
    assert not doctor.storage()["ok"]


def test_a_read_url_that_can_write_is_found(monkeypatch):
    write = tk.config.get("ckan.datastore.write_url")
    if not write:
        pytest.skip("no DataStore in this run")
    monkeypatch.setitem(tk.config, "ckan.datastore.read_url", write)
    result = doctor.datastore_read_only()
    assert not result["ok"] and "set-permissions" in result["fix"]


def _node(tmp_path, secret):
    port = free_port()
    text = (REPO_ROOT / "test.ini").read_text().replace("%(here)s", str(REPO_ROOT))
    text = re.sub(r"(?m)^SECRET_KEY = .*$", "SECRET_KEY = " + secret, text)
    ini = tmp_path / ("node-%d.ini" % port)
    ini.write_text(text)
    return port, dict(os.environ, CKAN_INI=str(ini))


def test_nodes_share_the_secret_key(tmp_path):
    same_port, same_env = _node(tmp_path, "test-only-secret-not-used-in-production")
    other_port, other_env = _node(tmp_path, "another-secret")
    with gunicorn_on_loopback(same_port, same_env, "test-doctor-same.log") as same, \
            gunicorn_on_loopback(other_port, other_env, "test-doctor-other.log") as other:
        results = doctor.run((same, other))
    assert results["node %s" % same]["ok"], results
    refused = results["node %s" % other]
    assert not refused["ok"] and "refuses" in refused["detail"]
    assert "SECRET_KEY" in refused["fix"]

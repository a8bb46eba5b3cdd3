"""Two web nodes behind nginx (issue 27): two gunicorn process groups from the
same configuration (only the node's name differs), sharing PostgreSQL, Redis
and the file storage, behind Debian's nginx with the configuration
operations/balancer.py writes. A login and its CSRF token made on one node
hold on the other; a publish on one is seen at once on the other (page cache
included); a file uploaded through one is served by the other; the rate limit
counts across nodes; nginx spreads requests over both."""
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import time

import pytest
import requests

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata.operations import balancer
from tests.helpers import REPO_ROOT, SdiDataset, free_port, gunicorn_on_loopback, site_context

pytestmark = [pytest.mark.usefixtures("satudata_db"),
              pytest.mark.skipif(not shutil.which("nginx"), reason="nginx not installed")]

PASSWORD = "Banyuwangi-Rahasia-2026"
CSV = b"kecamatan,penduduk\nGlagah,36210\n"
_HIDDEN = re.compile(r'name="_csrf_token" value="([^"]+)"')
_META = re.compile(r'<meta name="_csrf_token" content="([^"]+)"')


def node_ini(tmp_path, name, site_id, storage):
    text = (REPO_ROOT / "test.ini").read_text().replace("%(here)s", str(REPO_ROOT))
    text = re.sub(r"(?m)^(ckan\.site_id|WTF_CSRF_ENABLED|ckan\.storage_path) = .*\n", "", text)
    text = text.replace("[app:main]\n", "[app:main]\nckan.site_id = %s\n"
                        "WTF_CSRF_ENABLED = true\nckan.storage_path = %s\n"
                        "ckanext.satudata.trusted_proxy_count = 1\n"
                        "ckanext.satudata.json_access_log = true\n"
                        "ckanext.satudata.node_name = %s\n" % (site_id, storage, name), 1)
    path = tmp_path / ("%s.ini" % name)
    path.write_text(text)
    return path


@contextlib.contextmanager
def nginx(tmp_path, listen, nodes):
    conf = tmp_path / "nginx.conf"
    conf.write_text(balancer.nginx_conf(listen, nodes, str(tmp_path / "run")))
    proc = subprocess.Popen(["nginx", "-c", str(conf), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = "http://127.0.0.1:%d" % listen
    try:
        deadline = time.time() + 30
        while True:
            try:
                if requests.get(url + "/api/3/action/status_show", timeout=5).ok:
                    break
            except requests.RequestException:
                pass
            assert proc.poll() is None, (tmp_path / "run/log/nginx-error.log").read_text()
            assert time.time() < deadline, "nginx did not answer"
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def nodes(tmp_path, walidata, monkeypatch):
    storage = tmp_path / "shared-storage"
    storage.mkdir()
    monkeypatch.setitem(tk.config, "ckan.storage_path", str(storage))
    ports = [free_port(), free_port()]
    site_id = "satudata-nodes-%d" % ports[0]
    from tests.workers import redis_db
    redis_url = re.sub(r"/\d+$", "", tk.config["ckan.redis.url"]) + "/%d" % redis_db(server=True)
    envs = [dict(os.environ, CKAN_REDIS_URL=redis_url,
                 CKAN_INI=str(node_ini(tmp_path, name, site_id, storage)))
            for name in ("node-a", "node-b")]
    import redis
    for key in redis.Redis.from_url(redis_url).scan_iter("satudata:*:ratelimit:*"):
        redis.Redis.from_url(redis_url).delete(key)
    with gunicorn_on_loopback(ports[0], envs[0], "test-node-a.log") as a, \
            gunicorn_on_loopback(ports[1], envs[1], "test-node-b.log") as b, \
            nginx(tmp_path, free_port(), ["127.0.0.1:%d" % p for p in ports]) as front:
        yield {"a": a, "b": b, "front": front, "team": walidata,
               "logs": [REPO_ROOT / ".run" / name for name in
                        _log_names("test-node-a.log", "test-node-b.log")]}


def _log_names(*names):
    from tests.workers import WORKER
    return [n.replace(".log", "-%s.log" % WORKER) if WORKER else n for n in names]


def _token(user):
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def test_two_nodes_behind_nginx(nodes):
    a, b, front, team = nodes["a"], nodes["b"], nodes["front"], nodes["team"]
    rina = factories.User(name="rina", password=PASSWORD)
    org = factories.Organization(name="dinkes")
    ds = SdiDataset(name="penduduk", owner_org=org["id"])
    model.repo.commit()

    # a login form from node A, its token and session cookie posted to node B
    browser = requests.Session()
    form = browser.get(a + "/user/login", timeout=60)
    token = _HIDDEN.search(form.text).group(1)
    logged_in = browser.post(b + "/user/login", allow_redirects=False, timeout=60,
                             data={"login": "rina", "password": PASSWORD, "_csrf_token": token})
    assert logged_in.status_code == 302, logged_in.text[:500]
    assert "/user/login" not in logged_in.headers["Location"]
    # the session made on B is valid on A
    dashboard = browser.get(a + "/dashboard/datasets", allow_redirects=False, timeout=60)
    assert dashboard.status_code == 200
    assert "rina" in dashboard.text
    assert requests.get(a + "/dashboard/datasets", allow_redirects=False,
                        timeout=60).status_code in (302, 403)
    # a POST with the session cookie needs the CSRF token: one from A's page is
    # accepted by B; none is refused
    page_token = _META.search(browser.get(a + "/dataset/", timeout=60).text).group(1)
    action = b + "/api/3/action/satudata_role_list"
    assert browser.post(action, json={}, timeout=60).status_code in (400, 403)
    accepted = browser.post(action, json={}, headers={"X-CSRFToken": page_token}, timeout=60)
    assert accepted.status_code == 200, accepted.text[:300]

    # a file uploaded through A, the dataset published through B's API calls
    admin = factories.Sysadmin()
    created = requests.post(a + "/api/3/action/resource_create", headers=_token(admin),
                            data={"package_id": ds["id"], "name": "Penduduk", "format": "CSV",
                                  "url": "penduduk.csv"},
                            files={"upload": ("penduduk.csv", io.BytesIO(CSV), "text/csv")},
                            timeout=60)
    assert created.ok, created.text
    resource = created.json()["result"]
    page = "/dataset/penduduk"
    assert requests.get(b + page, timeout=60).status_code in (403, 404)  # kept by B's cache?
    steps = [("assign", "subkoord", {"assignee": team["staf"]["name"]}), ("submit", "staf", {}),
             ("approve", "subkoord", {}), ("approve", "kabid", {}), ("publish", "staf", {})]
    for i, (name, role, extra) in enumerate(steps):
        node = (a, b)[i % 2]
        done = requests.post(node + "/api/3/action/satudata_dataset_transition",
                             headers=_token(team[role]), timeout=60,
                             json=dict(id=ds["id"], transition=name, **extra))
        assert done.ok, done.text
    # seen at once on both: the API, the page (no node's cache serves the old answer)
    for node in (a, b):
        assert requests.get(node + "/api/3/action/package_show", params={"id": "penduduk"},
                            timeout=60).ok
        assert requests.get(node + page, timeout=60).status_code == 200
    download = requests.get("%s/dataset/%s/resource/%s/download/penduduk.csv"
                            % (b, ds["id"], resource["id"]), timeout=60)
    assert download.status_code == 200 and download.content == CSV

    # the rate limit counts submissions on both nodes together
    limit = tk.asint(tk.config.get("ckanext.satudata.request_rate_limit"))
    request = {"name": "Rina", "email": "rina@example.com", "title": "Data",
               "description": "d", "purpose": "p"}
    for i in range(limit):
        sent = requests.post((a, b)[i % 2] + "/api/3/action/satudata_request_create",
                             json=request, timeout=60)
        assert sent.ok, sent.text
    refused = requests.post((a, b)[limit % 2 ^ 1] + "/api/3/action/satudata_request_create",
                            json=request, timeout=60)
    assert refused.status_code == 429

    # nginx spreads the requests over both nodes
    for _ in range(8):
        assert requests.get(front + "/api/3/action/package_list", timeout=60).ok
    served_by = set()
    for log in nodes["logs"]:
        for line in log.read_text().splitlines():
            if line.startswith("{"):
                entry = json.loads(line)
                if entry["path"] == "/api/3/action/package_list":
                    served_by.add(entry["node"])
    assert served_by == {"node-a", "node-b"}
    assert helpers.call_action("package_show", context=site_context(),
                               id="penduduk")["private"] is False

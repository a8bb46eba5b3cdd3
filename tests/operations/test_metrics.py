"""/metrics (issue 27): scraped from gunicorn with two workers (the portal's
own config/gunicorn.conf.py, prometheus-client's multiprocess mode) during
real requests; every series checked against what was done. Refused without
the token or an allow-listed address; one JSON log line per request."""
import datetime as dt
import json
import os
import re

import pytest
import requests
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.helpers import REPO_ROOT, SdiDataset, free_port, gunicorn_on_loopback, walk

pytestmark = pytest.mark.usefixtures("satudata_db")

TOKEN = "metrics-test-token"
ANON = {"user": "", "ignore_auth": False}


def samples(text):
    found = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            found[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return found


def value(found, name, **labels):
    return found.get((name, tuple(sorted(labels.items()))))


@pytest.fixture
def served(tmp_path, walidata):
    port = free_port()
    site_id = "satudata-metrics-%d" % port
    text = (REPO_ROOT / "test.ini").read_text().replace("%(here)s", str(REPO_ROOT))
    text = re.sub(r"(?m)^ckan\.site_id = .*\n", "", text)
    text = text.replace("[app:main]\n", "[app:main]\nckan.site_id = %s\n"
                        "ckanext.satudata.metrics_token = %s\n"
                        "ckanext.satudata.metrics_allow = 10.9.9.0/24\n"
                        "ckanext.satudata.json_access_log = true\n"
                        "ckanext.satudata.node_name = node-a\n" % (site_id, TOKEN), 1)
    ini = tmp_path / "metrics.ini"
    ini.write_text(text)
    from tests.workers import WORKER, redis_db
    redis_url = re.sub(r"/\d+$", "", tk.config["ckan.redis.url"]) + "/%d" % redis_db(server=True)
    env = dict(os.environ, CKAN_INI=str(ini), CKAN_REDIS_URL=redis_url,
               SATUDATA_BIND="127.0.0.1:%d" % port)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    import redis
    import rq
    queue = rq.Queue("ckan:%s:default" % site_id, connection=redis.Redis.from_url(redis_url))
    log_name = "test-metrics-server-%d.log" % port
    try:
        with gunicorn_on_loopback(port, env, log_name, "--config",
                                  str(REPO_ROOT / "config" / "gunicorn.conf.py"),
                                  "--workers", "2") as url:
            yield {"url": url, "queue": queue, "team": walidata,
                   "metrics_dir": tmp_path / ("prometheus-%d" % port),
                   # gunicorn_on_loopback names the log per xdist worker
                   "log": REPO_ROOT / ".run" / (log_name.replace(
                       ".log", "-%s.log" % WORKER) if WORKER else log_name)}
    finally:
        queue.empty()


def scrape(url, **headers):
    return requests.get(url + "/metrics", headers=headers, timeout=60)


def test_metrics_count_real_requests_across_workers(served):
    url, team = served["url"], served["team"]
    org = factories.Organization(name="dinkes")
    late = SdiDataset(name="terlambat", owner_org=org["id"])
    walk(late["id"], team, until="diajukan")
    SdiDataset(name="tepat-waktu", owner_org=org["id"])
    from ckanext.satudata.model import data_request, dataset_workflow, outbox
    base = {"name": "Rina", "email": "rina@example.com", "description": "d", "purpose": "p"}
    past = helpers.call_action("satudata_request_create", context=ANON, title="A", **base)
    near = helpers.call_action("satudata_request_create", context=ANON, title="B", **base)
    helpers.call_action("satudata_request_create", context=ANON, title="C", **base)
    today = dt.date.today()
    long_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=60)
    model.Session.execute(sa.update(dataset_workflow).where(
        dataset_workflow.c.package_id == late["id"]).values(entered_at=long_ago))
    model.Session.execute(sa.update(data_request).where(data_request.c.id == past["id"])
                          .values(due_date=today - dt.timedelta(days=10),
                                  status_entered_at=long_ago))
    model.Session.execute(sa.update(data_request).where(data_request.c.id == near["id"])
                          .values(due_date=today + dt.timedelta(days=1)))
    first_mail = model.Session.execute(sa.select(sa.func.min(outbox.c.id))).scalar()
    model.Session.execute(sa.update(outbox).where(outbox.c.id == first_mail)
                          .values(failed_at=long_ago))
    model.repo.commit()
    from ckanext.satudata.notifications import outbox as notify
    mails = notify.status()
    assert mails["failed"] == 1 and mails["waiting"] >= 1
    for _ in range(3):
        served["queue"].enqueue("builtins.len", "xyz")

    # refused: an address outside the allow-list, no token or a wrong one
    assert scrape(url).status_code == 403
    assert scrape(url, Authorization="Bearer wrong").status_code == 403
    assert "not allowed" in scrape(url).text

    searches = 7
    for i in range(searches):
        assert requests.get(url + "/api/3/action/package_search", params={"q": "data%d" % i},
                            timeout=60).ok
    assert requests.get(url + "/api/3/action/package_show", params={"id": "tidak-ada"},
                        timeout=60).status_code == 404
    assert requests.get(url + "/dataset/", params={"q": "rahasia-token"}, timeout=60).ok
    # a kept page (served ahead of CKAN's own hook) is counted like a rendered one
    visitor = requests.Session()
    looks = [visitor.get(url + "/", timeout=60) for _ in range(3)]
    assert [x.status_code for x in looks] == [200] * 3
    assert looks[-1].headers["X-Satudata-Page-Cache"] == "hit"

    answer = scrape(url, Authorization="Bearer " + TOKEN)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("text/plain")
    found = samples(answer.text)
    # every worker's counts added up (multiprocess files under the run directory)
    assert len(list(served["metrics_dir"].glob("*.db"))) >= 1
    assert value(found, "satudata_http_requests_total", endpoint="api.action:package_search",
                 method="GET", status="200") == searches
    assert value(found, "satudata_http_requests_total", endpoint="api.action:package_show",
                 method="GET", status="404") == 1
    assert value(found, "satudata_http_requests_total", endpoint="home.index",
                 method="GET", status="200") == 3
    assert value(found, "satudata_http_requests_total", endpoint="satudata_operations."
                 "metrics_page", method="GET", status="403") == 3
    assert value(found, "satudata_http_request_duration_seconds_count",
                 endpoint="api.action:package_search", method="GET", status="200") == searches
    assert value(found, "satudata_http_request_duration_seconds_bucket",
                 endpoint="api.action:package_search", method="GET", status="200",
                 le="+Inf") == searches
    assert value(found, "satudata_search_duration_seconds_count", via="api") == searches
    assert value(found, "satudata_search_duration_seconds_count", via="page") == 1
    assert value(found, "satudata_job_queue_depth", queue="default") == 3
    assert value(found, "satudata_outbox_mails", state="waiting") == mails["waiting"]
    assert value(found, "satudata_outbox_mails", state="failed") == 1
    assert value(found, "satudata_items_past_sop_time", kind="dataset") == 1
    assert value(found, "satudata_items_past_sop_time", kind="request") == 1
    assert value(found, "satudata_requests_legal_deadline", state="past") == 1
    assert value(found, "satudata_requests_legal_deadline", state="near") == 1
    for source in ("queue", "outbox", "sop", "deadline"):
        assert value(found, "satudata_metrics_source_ok", source=source) == 1

    # the JSON request log: one line per request, no query string
    lines = [json.loads(line) for line in served["log"].read_text().splitlines()
             if line.startswith("{")]
    searched = [x for x in lines if x["path"] == "/api/3/action/package_search"]
    assert len(searched) == searches
    assert {x["node"] for x in lines} == {"node-a"}
    assert {"method", "path", "status", "duration_ms", "node"} <= set(searched[0])
    page = [x for x in lines if x["path"] == "/dataset/"]
    assert page and page[0]["status"] == 200
    assert "rahasia-token" not in served["log"].read_text()


@pytest.mark.ckan_config("ckanext.satudata.metrics_allow", "127.0.0.0/8")
@pytest.mark.ckan_config("ckanext.satudata.metrics_token", "")
def test_an_allow_listed_address_reads_without_a_token(app):
    answer = app.get("/metrics")
    assert answer.status_code == 200
    assert "satudata_http_requests_total" in answer.get_data(as_text=True)


@pytest.mark.ckan_config("ckanext.satudata.metrics_allow", "10.0.0.0/8")
@pytest.mark.ckan_config("ckanext.satudata.metrics_token", "")
def test_outside_the_allow_list_and_without_a_token_refused(app):
    assert app.get("/metrics").status_code == 403
    assert app.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 403

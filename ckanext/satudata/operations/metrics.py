"""`/metrics` in Prometheus's text format, and one JSON log line per request
(issue 27).

Counted per request (app-wide hooks of the operations blueprint, registered
before the page cache's, so its answers count too):
request count and latency by endpoint and status, search latency. Computed
at each scrape from PostgreSQL and Redis, so every node answers the same:
job queue depth, outbox mails waiting/failed, workflow items and requests
past their SOP time, requests near or past their legal deadline.

Several gunicorn workers: prometheus-client's multiprocess mode, each worker
writing its samples under PROMETHEUS_MULTIPROC_DIR (config/gunicorn.conf.py
sets it under the run directory and clears it at start); a scrape, whichever
worker answers it, adds them up. Without that variable a process reports its
own counts only.

Readable from an allow-listed address (`ckanext.satudata.metrics_allow`,
loopback by default) or with `Authorization: Bearer <ckanext.satudata.metrics_token>`."""
from __future__ import annotations

import threading

import hmac
import ipaddress
import json
import logging
import os
import socket
import sys
import time
from typing import Any, Iterable

import flask

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
SEARCH_ENDPOINTS = {"dataset.search": "page", "api.action:package_search": "api",
                    "satudata_search.search": "page"}

_metrics: dict[str, Any] = {}
_creating = threading.Lock()


def _instruments() -> dict[str, Any]:
    """Created once per process (the registry refuses a second of a name):
    under a lock, as gunicorn's threads answer the first requests together."""
    if _metrics:
        return _metrics
    with _creating:
        if not _metrics:
            _create()
    return _metrics


def _create() -> None:
    from prometheus_client import Counter, Histogram
    made = {}   # published whole: a reader never sees half of them
    made["requests"] = Counter(
        "satudata_http_requests_total", "HTTP requests answered",
        ["endpoint", "method", "status"])
    made["latency"] = Histogram(
        "satudata_http_request_duration_seconds", "Time to answer a request",
        ["endpoint", "method", "status"], buckets=BUCKETS)
    made["search"] = Histogram(
        "satudata_search_duration_seconds", "Time to answer a dataset search",
        ["via"], buckets=BUCKETS)
    _metrics.update(made)


def _endpoint() -> str:
    """The Flask endpoint (bounded: never the raw path); the Action API by
    action name when the action exists."""
    rule = flask.request.url_rule
    if rule is None:
        return "unmatched"
    endpoint = rule.endpoint
    if endpoint == "api.action":
        name = (flask.request.view_args or {}).get("logic_function") or ""
        try:
            tk.get_action(name)
        except Exception:
            return "api.action:unknown"
        return "api.action:%s" % name
    return endpoint


def node_name() -> str:
    return tk.config.get("ckanext.satudata.node_name") or socket.gethostname()


_access_log = logging.getLogger("ckanext.satudata.access")


def _json_log_handler() -> None:
    if not _access_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        _access_log.addHandler(handler)
        _access_log.setLevel(logging.INFO)
        _access_log.propagate = False


def _started() -> None:
    flask.g.satudata_started = time.perf_counter()


def _finished(response):
    started = flask.g.pop("satudata_started", None)
    if started is None:
        return response
    seconds = time.perf_counter() - started
    try:
        endpoint = _endpoint()
        method, status = flask.request.method, str(response.status_code)
        m = _instruments()
        m["requests"].labels(endpoint, method, status).inc()
        m["latency"].labels(endpoint, method, status).observe(seconds)
        if endpoint in SEARCH_ENDPOINTS:
            m["search"].labels(SEARCH_ENDPOINTS[endpoint]).observe(seconds)
        if tk.asbool(tk.config.get("ckanext.satudata.json_access_log")):
            _json_log_handler()
            # the path without its query: a requester's access token stays out
            _access_log.info(json.dumps({
                "method": method, "path": flask.request.path, "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1), "node": node_name(),
                "endpoint": endpoint}, sort_keys=True))
    except Exception:   # counting never breaks an answer
        log.exception("satudata: request metrics")
    return response


# -- who may read -----------------------------------------------------------------

def _networks() -> list:
    raw = tk.config.get("ckanext.satudata.metrics_allow")
    if raw is None:
        raw = "127.0.0.1 ::1"
    networks = []
    for item in str(raw).replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            log.warning("satudata: metrics_allow: %r is not an address or network", item)
    return networks


def allowed() -> bool:
    token = tk.config.get("ckanext.satudata.metrics_token") or ""
    given = flask.request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(
            given[len("Bearer "):].strip().encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(flask.request.remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in _networks())


# -- computed at scrape -------------------------------------------------------------

class PortalCollector:
    """Gauges read from the shared state at each scrape."""

    def collect(self) -> Iterable:
        from prometheus_client.core import GaugeMetricFamily
        ok = GaugeMetricFamily("satudata_metrics_source_ok",
                               "1 when the source answered this scrape (database: PostgreSQL, "
                               "queue: Redis)", labels=["source"])
        for name, read in (("queue", self._queues), ("outbox", self._outbox),
                           ("sop", self._sop), ("deadline", self._deadlines)):
            try:
                yield from list(read(GaugeMetricFamily))
                ok.add_metric([name], 1)
            except Exception as e:   # one source down: the others still answer
                log.warning("satudata: metrics %s: %s", name, e)
                ok.add_metric([name], 0)
                import ckan.model as model
                model.Session.rollback()
        yield ok

    def _queues(self, Gauge):
        import rq
        from ckan.lib import jobs
        from ckanext.satudata.requests.ratelimit import fast_redis
        family = Gauge("satudata_job_queue_depth", "Background jobs waiting", labels=["queue"])
        queue = rq.Queue(jobs.add_queue_name_prefix(jobs.DEFAULT_QUEUE_NAME),
                         connection=fast_redis())
        family.add_metric([jobs.DEFAULT_QUEUE_NAME], queue.count)
        failed = Gauge("satudata_job_failed", "Background jobs in the failed registry",
                       labels=["queue"])
        failed.add_metric([jobs.DEFAULT_QUEUE_NAME], queue.failed_job_registry.count)
        yield family
        yield failed

    def _outbox(self, Gauge):
        from ckanext.satudata.notifications import outbox as notify
        status = notify.status()
        family = Gauge("satudata_outbox_mails", "Notification mails by state", labels=["state"])
        for state in ("waiting", "failed"):
            family.add_metric([state], status.get(state, 0))
        yield family

    def _sop(self, Gauge):
        import sqlalchemy as sa
        import ckan.model as model
        from ckanext.satudata.dissemination import rules as dissemination
        from ckanext.satudata.dissemination import service as dataset_workflow
        from ckanext.satudata.model import data_request as dr_table
        from ckanext.satudata.model import dataset_workflow as wf_table
        from ckanext.satudata.requests import rules as permintaan
        from ckanext.satudata.requests import service as data_request
        datasets = sum(
            1 for row in model.Session.execute(sa.select(wf_table).where(
                wf_table.c.state != dissemination.TERBIT)).all()
            if dataset_workflow.sla(row).get("overdue"))
        requests = sum(
            1 for row in model.Session.execute(sa.select(dr_table).where(
                dr_table.c.status.in_(permintaan.OPEN))).all()
            if data_request.sla(row).get("overdue"))
        family = Gauge("satudata_items_past_sop_time",
                       "Open items whose current step is past its SOP standard time",
                       labels=["kind"])
        family.add_metric(["dataset"], datasets)
        family.add_metric(["request"], requests)
        yield family

    def _deadlines(self, Gauge):
        import sqlalchemy as sa
        import ckan.model as model
        from ckanext.satudata.model import data_request as dr_table
        from ckanext.satudata.notifications import reminders
        from ckanext.satudata.requests import rules as permintaan
        from ckanext.satudata.requests import service as data_request
        counts = {reminders.DEADLINE_SOON: 0, reminders.DEADLINE_PASSED: 0}
        for row in model.Session.execute(sa.select(dr_table).where(
                dr_table.c.status.in_(permintaan.OPEN))).all():
            threshold = reminders._deadline_threshold({"deadline": data_request.deadline(row)})
            if threshold in counts:
                counts[threshold] += 1
        family = Gauge("satudata_requests_legal_deadline",
                       "Open data requests near (%d working days or fewer) or past their "
                       "legal deadline" % reminders.DEADLINE_SOON_DAYS, labels=["state"])
        family.add_metric(["near"], counts[reminders.DEADLINE_SOON])
        family.add_metric(["past"], counts[reminders.DEADLINE_PASSED])
        yield family


def exposition() -> tuple[bytes, str]:
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        multiprocess.MultiProcessCollector(registry)
    else:
        for instrument in _instruments().values():
            registry.register(instrument)
    registry.register(PortalCollector())
    try:
        return generate_latest(registry), CONTENT_TYPE_LATEST
    finally:
        import ckan.model as model
        model.Session.remove()

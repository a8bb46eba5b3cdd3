"""`/satudata/health`: database, Redis, the background worker (alive and not
stuck) and the notification backlog, each named, so a monitor knows what to fix."""
from __future__ import annotations

import datetime
import os
import socket
from typing import Any

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk


def _database() -> dict[str, Any]:
    model.Session.execute(sa.text("SELECT 1"))
    return {"ok": True}


def _redis() -> dict[str, Any]:
    from ckanext.satudata.requests.ratelimit import fast_redis
    fast_redis().ping()
    return {"ok": True}


def _worker() -> dict[str, Any]:
    """At least one worker on the portal's queue that is alive and not stuck.

    Alive is RQ's own promise, not the age of a heartbeat: an idle worker
    blocks on Redis for worker_ttl - 15 s (405 s by default) between
    heartbeats, and each heartbeat keeps its Redis key for worker_ttl + 60 s
    (a busy one every job_monitoring_interval, 30 s). A worker whose heartbeats
    stop vanishes with its key; one killed on this host is seen at once (its
    process is gone). Stuck: busy with one job beyond the job's timeout plus
    RQ's own minute of grace, or beyond ckanext.satudata.health_worker_max_busy."""
    import rq
    from ckan.lib import jobs
    from ckanext.satudata.requests.ratelimit import fast_redis
    redis = fast_redis()
    queue = rq.Queue(jobs.add_queue_name_prefix(jobs.DEFAULT_QUEUE_NAME), connection=redis)
    max_busy = tk.asint(tk.config.get("ckanext.satudata.health_worker_max_busy") or 0)
    now = datetime.datetime.now(datetime.timezone.utc)
    alive, stuck, gone = [], [], 0
    for worker in rq.Worker.all(queue=queue):
        if _process_gone(worker):
            gone += 1
            continue
        state = worker.get_state()
        busy_for = limit = None
        if state == "busy":
            job = worker.get_current_job()
            if job is not None and job.started_at is not None:
                busy_for = (now - _aware(job.started_at)).total_seconds()
                own = job.timeout + 60 if job.timeout and job.timeout > 0 else 0
                limits = [x for x in (max_busy, own) if x > 0]
                limit = min(limits) if limits else None
        entry = {"name": worker.name, "state": state}
        if busy_for is not None:
            entry["busy_seconds"] = round(busy_for)
        (stuck if limit is not None and busy_for > limit else alive).append(entry)
    result: dict[str, Any] = {"ok": bool(alive), "workers": len(alive)}
    if stuck:
        result["stuck"] = stuck
    if not alive:
        result["detail"] = ("background worker stuck on a job" if stuck else
                            "no background worker is running")
    if gone:
        result["gone"] = gone
    return result


def _aware(value: datetime.datetime) -> datetime.datetime:
    return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)


def _process_gone(worker) -> bool:
    """A worker registered from this host whose process no longer exists
    (killed without unregistering: its key would linger for minutes)."""
    if not worker.pid or worker.hostname != socket.gethostname():
        return False
    try:
        os.kill(worker.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:   # alive, another user's
        return False
    return False


def _outbox() -> dict[str, Any]:
    from ckanext.satudata.workflow import clock
    from ckanext.satudata.notifications import outbox as notify
    from ckanext.satudata.model import outbox
    max_age = tk.asint(tk.config.get("ckanext.satudata.health_outbox_max_age"))
    waiting = outbox.c.sent_at.is_(None) & outbox.c.failed_at.is_(None)
    count, oldest = model.Session.execute(
        sa.select(sa.func.count(), sa.func.min(outbox.c.created_at)).where(waiting)).one()
    age = (clock.now() - oldest).total_seconds() if oldest is not None else 0
    # failed mails wait for a sysadmin's resend; they are reported, not fatal
    return {"ok": age <= max_age, "waiting": count, "oldest_seconds": round(age),
            "failed": notify.status()["failed"]}


CHECKS = {"database": _database, "redis": _redis, "worker": _worker, "outbox": _outbox}


def report() -> tuple[dict[str, Any], int]:
    checks = {}
    for name, check in CHECKS.items():
        try:
            checks[name] = check()
        except Exception as e:  # the failing check is the answer, never a 500
            checks[name] = {"ok": False, "detail": "%s: %s" % (type(e).__name__, e)}
            if name == "database":
                model.Session.rollback()
    failing = sorted(name for name, result in checks.items() if not result["ok"])
    body = {"status": "fail" if failing else "ok", "failing": failing, "checks": checks}
    return body, 503 if failing else 200

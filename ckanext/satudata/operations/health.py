"""`/satudata/health`: database, Redis, background worker heartbeat and the
notification backlog, each named, so a monitor knows what to fix."""
from __future__ import annotations

import datetime
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
    from rq import Worker
    from ckanext.satudata.requests.ratelimit import fast_redis
    silence = tk.asint(tk.config.get("ckanext.satudata.health_worker_max_silence"))
    now = datetime.datetime.now(datetime.timezone.utc)
    ages = []
    for worker in Worker.all(connection=fast_redis()):
        beat = worker.last_heartbeat
        if beat is not None:
            if beat.tzinfo is None:
                beat = beat.replace(tzinfo=datetime.timezone.utc)
            ages.append((now - beat).total_seconds())
    if not ages:
        return {"ok": False, "detail": "no background worker is running"}
    youngest = min(ages)
    return {"ok": youngest <= silence, "workers": len(ages),
            "last_heartbeat_seconds": round(youngest, 1)}


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

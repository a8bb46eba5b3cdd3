"""Notifications through an outbox: rows written in the caller's transaction,
mailed by a CKAN background job (RQ on Redis). If Redis is down the rows wait
and the next job, or `ckan satudata outbox-flush`, sends them: nothing is lost."""
from __future__ import annotations

import datetime
import logging
import uuid
from typing import Iterable, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.workflow import clock
from ckanext.satudata.model import outbox

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10  # the default of ckanext.satudata.outbox_max_attempts


def _without(text: str, recipient: str) -> str:
    """An SMTP error names the address it refused; logs must not."""
    return text.replace(recipient, "<penerima>") if recipient else text


def max_attempts() -> int:
    return tk.asint(tk.config.get("ckanext.satudata.outbox_max_attempts", MAX_ATTEMPTS))


def retry_delay(attempts: int) -> datetime.timedelta:
    """Wait before the next try after `attempts` failed ones: base, 2×base,
    4×base… (60 s doubling over 10 tries spans about 17 hours)."""
    base = tk.asint(tk.config.get("ckanext.satudata.outbox_retry_base", 60))
    return datetime.timedelta(seconds=base * 2 ** max(attempts - 1, 0))


def _due():
    return (outbox.c.sent_at.is_(None) & outbox.c.failed_at.is_(None)
            & (outbox.c.next_attempt_at.is_(None) | (outbox.c.next_attempt_at <= clock.now())))


def queue(kind: str, recipients: Iterable[str], subject: str, body: str,
          request_id: Optional[str] = None) -> int:
    """Add one mail per recipient to the outbox (no commit: the caller's)."""
    count = 0
    for recipient in sorted({r for r in recipients if r}):
        model.Session.execute(sa.insert(outbox).values(
            kind=kind, recipient=recipient, subject=subject, body=body,
            request_id=request_id, created_at=clock.now(), attempts=0))
        count += 1
    return count


JOB_PREFIX = "satudata-outbox-"


def dispatch() -> bool:
    """After commit: ask the worker to send what is pending, unless a job
    that has not started yet is already queued (it sends every pending row,
    these included: one publish used to queue five or six jobs, each a fork
    and a reload of CKAN in the worker). A job already running may have read
    the outbox before this commit, so a new one is queued then. False when
    the queue is unreachable (the mails stay in the outbox for the next try)."""
    from ckan.lib import jobs
    from ckanext.satudata.requests.ratelimit import fast_redis
    try:
        # CKAN's queue connection has no timeout: check with a short one first
        # so a hung Redis never hangs the request that has just been saved
        fast_redis().ping()
        if any(job_id.startswith(JOB_PREFIX) for job_id in jobs.get_queue().get_job_ids()):
            return True
        tk.enqueue_job(deliver_outbox, title="satudata: send notifications",
                       rq_kwargs={"timeout": 300, "job_id": JOB_PREFIX + uuid.uuid4().hex})
        return True
    except Exception as e:  # Redis down or misconfigured: never fail the request
        log.warning("satudata: notifications kept in the outbox, queue unavailable: %s", e)
        return False


def deliver_outbox(limit: int = 200) -> dict:
    """Send pending mails, one row at a time: the row is locked (SKIP LOCKED,
    so concurrent runs never send the same mail), mailed, marked and committed
    before the next one. A crash re-sends at most one mail, and a row that
    cannot be mailed (whatever the error) is counted as an attempt instead of
    stopping the rows after it."""
    from ckanext.satudata.notifications.mail import send
    sent = failed = 0
    last_id = 0
    for _ in range(limit):
        row = model.Session.execute(
            sa.select(outbox).where(_due(), outbox.c.id > last_id)
            .order_by(outbox.c.id).limit(1).with_for_update(skip_locked=True)).first()
        if row is None:
            break
        last_id = row.id
        try:
            send(row.recipient, row.subject, row.body)
        except Exception as e:  # MailerException, OSError, a malformed address...
            failed += 1
            attempts = row.attempts + 1
            values = {"attempts": attempts, "last_error": str(e)[:1000],
                      "next_attempt_at": clock.now() + retry_delay(attempts)}
            if attempts >= max_attempts():
                values["failed_at"] = clock.now()
                # the alert: a sysadmin resends it from /ckan-admin/satudata/outbox
                # no address in the log (UU 27/2022): the row id finds it
                log.error("satudata: outbox mail %d FAILED after %d tries: %s",
                          row.id, attempts, _without(str(e), row.recipient))
            else:
                log.warning("satudata: outbox mail %d failed (try %d, next at %s): %s",
                            row.id, attempts, values["next_attempt_at"],
                            _without(str(e), row.recipient))
        else:
            sent += 1
            values = {"sent_at": clock.now(), "attempts": row.attempts + 1,
                      "last_error": None}
        model.Session.execute(sa.update(outbox).where(outbox.c.id == row.id).values(**values))
        model.Session.commit()
    model.Session.commit()
    return {"sent": sent, "failed": failed}


def pending_count() -> int:
    return status()["waiting"]


def due_count() -> int:
    return model.Session.execute(
        sa.select(sa.func.count()).select_from(outbox).where(_due())).scalar()


def status() -> dict:
    """{"sent": n, "waiting": n, "failed": n} over the whole outbox."""
    sent, failed, waiting = model.Session.execute(sa.select(
        sa.func.count(outbox.c.sent_at),
        sa.func.count(outbox.c.failed_at).filter(outbox.c.sent_at.is_(None)),
        sa.func.count().filter(outbox.c.sent_at.is_(None), outbox.c.failed_at.is_(None)),
    )).one()
    return {"sent": sent, "waiting": waiting, "failed": failed}


def unsent(limit: int = 200) -> list:
    """Waiting and failed mails, failed first, for the sysadmin page."""
    return model.Session.execute(
        sa.select(outbox).where(outbox.c.sent_at.is_(None))
        .order_by(outbox.c.failed_at.desc().nulls_last(), outbox.c.id).limit(limit)).all()


def resend(mail_id: int) -> bool:
    """Give a waiting or failed mail a fresh series of tries, starting now."""
    result = model.Session.execute(
        sa.update(outbox).where(outbox.c.id == mail_id, outbox.c.sent_at.is_(None))
        .values(attempts=0, failed_at=None, next_attempt_at=None))
    model.Session.commit()
    if result.rowcount:
        dispatch()
    return bool(result.rowcount)

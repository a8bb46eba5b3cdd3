"""Notifications through an outbox: rows written in the caller's transaction,
mailed by a CKAN background job (RQ on Redis). If Redis is down the rows wait
and the next job, or `ckan satudata outbox-flush`, sends them: nothing is lost."""
from __future__ import annotations

import logging
from typing import Iterable, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata import clock
from ckanext.satudata.model import outbox

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10


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


def dispatch() -> bool:
    """After commit: ask the worker to send what is pending. False when the
    queue is unreachable (the mails stay in the outbox for the next try)."""
    try:
        tk.enqueue_job(deliver_outbox, title="satudata: send notifications",
                       rq_kwargs={"job_timeout": 300})
        return True
    except Exception as e:  # Redis down or misconfigured: never fail the request
        log.warning("satudata: notifications kept in the outbox, queue unavailable: %s", e)
        return False


def deliver_outbox(limit: int = 200) -> dict:
    """Send pending mails; safe to run concurrently (SKIP LOCKED)."""
    from ckan.lib.mailer import MailerException, mail_recipient
    sent = failed = 0
    rows = model.Session.execute(
        sa.select(outbox).where(outbox.c.sent_at.is_(None),
                                outbox.c.attempts < MAX_ATTEMPTS)
        .order_by(outbox.c.id).limit(limit).with_for_update(skip_locked=True)).all()
    for row in rows:
        try:
            mail_recipient(row.recipient, row.recipient, row.subject, row.body)
        except (MailerException, OSError) as e:
            failed += 1
            model.Session.execute(sa.update(outbox).where(outbox.c.id == row.id).values(
                attempts=row.attempts + 1, last_error=str(e)[:1000]))
            continue
        sent += 1
        model.Session.execute(sa.update(outbox).where(outbox.c.id == row.id).values(
            sent_at=clock.now(), attempts=row.attempts + 1, last_error=None))
    model.Session.commit()
    return {"sent": sent, "failed": failed}


def pending_count() -> int:
    return model.Session.execute(sa.select(sa.func.count()).select_from(outbox).where(
        outbox.c.sent_at.is_(None))).scalar()

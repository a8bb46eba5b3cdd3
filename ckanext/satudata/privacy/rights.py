"""The requester's rights (UU 27/2022 Pasal 6-8, 11, 13, 32) and the erasure
they and the retention schedule lead to (Pasal 43-44).

Rights requests and erasures are rows of the request's own append-only
history (satudata_request_event, transitions ``hak_*`` and ``pemusnahan``):
what was asked, when, the answer and the berita acara pemusnahan stay even
after the personal fields are gone. Only the PPID desk reads them
(service.view_for drops them for an OPD)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model

from ckanext.satudata.i18n import N_
from ckanext.satudata.model import data_request, outbox, request_event
from ckanext.satudata.requests import rules as p
from ckanext.satudata.workflow import clock

KOREKSI, PEMBATASAN, PENGHAPUSAN = "hak_koreksi", "hak_pembatasan", "hak_penghapusan"
KINDS = {KOREKSI: N_('Correction'), PEMBATASAN: N_('Restriction'),
         PENGHAPUSAN: N_('Deletion')}
DIJAWAB, DITOLAK = "hak_dijawab", "hak_ditolak"
# a granted restriction lifted (by the DPO or at the requester's word)
DICABUT = "hak_pembatasan_dicabut"
PEMUSNAHAN = "pemusnahan"
PRIVATE_EVENTS = frozenset(KINDS) | {DIJAWAB, DITOLAK, DICABUT, PEMUSNAHAN}
# Pasal 32: within 3 x 24 hours, calendar hours (not working days)
ANSWER_WITHIN = dt.timedelta(hours=72)
ERASED = "(dihapus)"

# The legal reasons a deletion is refused (shown to the requester).
REASON_OPEN = N_('The request is still being handled; its record is needed to answer it '
                 '(UU 14/2008).')
REASON_OBJECTION = N_('An objection (keberatan) to this request is open or can still be '
                      'filed: the record is kept for it (UU 14/2008 Pasal 35-36).')
REASON_RETENTION = N_('The archive retention period of request records runs until '
                      '%(until)s (UU 27/2022 Pasal 44; archive retention schedule).')


def _events(request_id: str):
    return model.Session.execute(sa.select(request_event).where(
        request_event.c.request_id == request_id,
        request_event.c.transition.in_(PRIVATE_EVENTS)).order_by(request_event.c.id)).all()


def items_of(request_id: str) -> list[dict[str, Any]]:
    """The rights requests of one request, each with its answer if any.
    An answer event answers the oldest unanswered item (comment "<id>: ...")."""
    items: list[dict[str, Any]] = []
    for e in _events(request_id):
        if e.transition in KINDS:
            items.append({"id": e.id, "kind": e.transition, "detail": e.comment,
                          "filed_at": clock.iso_wib(e.at),
                          "due_at": clock.iso_wib(e.at + ANSWER_WITHIN),
                          "overdue": False, "status": "diajukan", "answer": None,
                          "answered_at": None, "lifted_at": None,
                          "_at": e.at})
        elif e.transition in (DIJAWAB, DITOLAK):
            target_id, _, text = (e.comment or "").partition(": ")
            for item in items:
                if str(item["id"]) == target_id and item["status"] == "diajukan":
                    item.update(status="dijawab" if e.transition == DIJAWAB else "ditolak",
                                answer=text, answered_at=clock.iso_wib(e.at))
        elif e.transition == DICABUT:
            target_id = (e.comment or "").partition(": ")[0]
            for item in items:
                if str(item["id"]) == target_id:
                    item["lifted_at"] = clock.iso_wib(e.at)
    now = clock.now()
    for item in items:
        item["overdue"] = item["status"] == "diajukan" and now > item["_at"] + ANSWER_WITHIN
        # a granted restriction not lifted: the desk does not see the contacts
        item["in_force"] = (item["kind"] == PEMBATASAN and item["status"] == "dijawab"
                            and item["lifted_at"] is None)
        del item["_at"]
    return items


def restricted_ids(request_ids) -> set:
    """Which of `request_ids` have their personal data restricted now: a
    restriction (Pasal 11) the DPO granted and nobody has lifted. One query."""
    ids = [i for i in set(request_ids) if i]
    if not ids:
        return set()
    rows = model.Session.execute(sa.select(
        request_event.c.id, request_event.c.request_id, request_event.c.transition,
        request_event.c.comment).where(
        request_event.c.request_id.in_(ids),
        request_event.c.transition.in_((PEMBATASAN, DIJAWAB, DITOLAK, DICABUT)))
        .order_by(request_event.c.id))
    filed: dict[str, set] = {}
    granted: dict[str, set] = {}
    for r in rows:
        target = (r.comment or "").partition(": ")[0]
        if r.transition == PEMBATASAN:
            filed.setdefault(r.request_id, set()).add(str(r.id))
        elif r.transition == DIJAWAB and target in filed.get(r.request_id, ()):
            granted.setdefault(r.request_id, set()).add(target)
        elif r.transition == DICABUT:
            granted.get(r.request_id, set()).discard(target)
    return {request_id for request_id, items in granted.items() if items}


def is_restricted(row) -> bool:
    """`row`'s personal data is restricted: its own granted restriction, or
    that of the request it was split from (the same person's data, copied)."""
    parent = getattr(row, "split_from_id", None)
    return bool(restricted_ids([row.id, parent]))


def restricted_rows(rows) -> set:
    """The ids of `rows` (with split_from_id) whose personal data is restricted."""
    rows = list(rows)
    found = restricted_ids([r.id for r in rows] + [getattr(r, "split_from_id", None)
                                                   for r in rows])
    return {r.id for r in rows if r.id in found or getattr(r, "split_from_id", None) in found}


def restrictions_in_force() -> list[dict[str, Any]]:
    """The granted restrictions not lifted, for the DPO's desk: request
    number and the restriction (its id lifts it), oldest first."""
    ids = model.Session.execute(sa.select(request_event.c.request_id).where(
        request_event.c.transition == PEMBATASAN).distinct()).scalars().all()
    out = []
    for request_id in sorted(restricted_ids(ids)):
        number = model.Session.execute(sa.select(data_request.c.number).where(
            data_request.c.id == request_id)).scalar()
        out.extend(dict(item, request_id=request_id, number=number)
                   for item in items_of(request_id) if item["in_force"])
    return sorted(out, key=lambda i: i["answered_at"] or "")


def work_list() -> list[dict[str, Any]]:
    """The DPO's open rights requests, the closest deadline first."""
    ids = model.Session.execute(sa.select(request_event.c.request_id).where(
        request_event.c.transition.in_(list(KINDS))).distinct()).scalars().all()
    out = []
    for request_id in ids:
        number = model.Session.execute(sa.select(data_request.c.number).where(
            data_request.c.id == request_id)).scalar()
        out.extend(dict(item, request_id=request_id, number=number)
                   for item in items_of(request_id) if item["status"] == "diajukan")
    return sorted(out, key=lambda i: i["due_at"])


def _objection_hold(row) -> bool:
    from ckanext.satudata.requests import objection, objection_rules, service
    facts = objection.facts_for(row)
    if facts.pending_objection:
        return True
    return bool(objection_rules.grounds(facts, objection.today(), service.calendar()))


def retention_until(row) -> Optional[dt.datetime]:
    from ckanext.satudata.privacy import retention
    if row.closed_at is None:
        return None
    n, unit = retention.period()
    from dateutil.relativedelta import relativedelta
    return row.closed_at + relativedelta(**{unit: n})


def deletion_refusal(row, now: dt.datetime) -> Optional[tuple[str, dict]]:
    """Why the personal data of `row` must be kept now, or None."""
    if row.status not in p.CLOSED:
        return REASON_OPEN, {}
    if _objection_hold(row):
        return REASON_OBJECTION, {}
    until = retention_until(row)
    if until is not None and now < until:
        return REASON_RETENTION, {"until": clock.iso_wib(until)[:10]}
    return None


def legal_hold(row) -> bool:
    """Never erased while a keberatan (or a dispute behind it) is open."""
    return _objection_hold(row)


def erase(row, rule: str, by: str, actor_id: Optional[str] = None) -> dict[str, Any]:
    """Erase `row`'s personal fields and its mail copies; the request stays
    as anonymous statistics. Returns the berita acara (also kept as the
    ``pemusnahan`` event). Idempotent: an erased row is left alone."""
    if row.email == ERASED:
        return {}
    now = clock.now()
    fields = [f for f in ("name", "email", "phone", "institution", "identity_number")
              if getattr(row, f)]
    mails = model.Session.execute(sa.update(outbox).where(outbox.c.request_id == row.id)
                                  .values(recipient=ERASED, body=ERASED)).rowcount
    # the local SMTP sink's copies (the demo's Maildir) go on the same schedule
    from ckanext.satudata.operations import mail_sink
    sink = mail_sink.erase_mail_to(row.email, row.number)
    model.Session.execute(sa.update(data_request).where(data_request.c.id == row.id).values(
        name=ERASED, email=ERASED, phone=None, institution=None, identity_number=None,
        user_id=None, updated_at=now))
    record = {"request": row.number, "at": clock.iso_wib(now), "fields": fields,
              "mail_copies": mails, "sink_copies": sink, "rule": rule, "by": by}
    model.Session.execute(sa.insert(request_event).values(
        request_id=row.id, transition=PEMUSNAHAN, from_status=row.status,
        to_status=row.status, actor_id=actor_id, actor_role="privacy", at=now,
        comment="fields=%s; mail_copies=%d; sink_copies=%d; rule=%s; by=%s" % (
            ",".join(fields), mails, sink, rule, by)))
    return record


def destruction_records(date_from=None, date_to=None) -> list[dict[str, Any]]:
    """The berita acara pemusnahan: every erasure, oldest first."""
    query = sa.select(request_event, data_request.c.number).join(
        data_request, data_request.c.id == request_event.c.request_id).where(
        request_event.c.transition == PEMUSNAHAN)
    if date_from is not None:
        query = query.where(request_event.c.at >= date_from)
    if date_to is not None:
        query = query.where(request_event.c.at < date_to)
    out = []
    for r in model.Session.execute(query.order_by(request_event.c.id)):
        parts = dict(x.split("=", 1) for x in (r.comment or "").split("; ") if "=" in x)
        out.append({"request": r.number, "at": clock.iso_wib(r.at),
                    "fields": [f for f in parts.get("fields", "").split(",") if f],
                    "mail_copies": int(parts.get("mail_copies", 0) or 0),
                    "sink_copies": int(parts.get("sink_copies", 0) or 0),
                    "rule": parts.get("rule", ""), "by": parts.get("by", "")})
    return out


def retention_run(now: Optional[dt.datetime] = None) -> list[dict[str, Any]]:
    """The scheduled job: erase the personal data of every closed request past
    the retention period, except under legal hold. Idempotent."""
    from ckanext.satudata.privacy import retention
    now = now or clock.now()
    cutoff = retention.cutoff(now)
    rows = model.Session.execute(sa.select(data_request).where(
        data_request.c.status.in_(p.CLOSED), data_request.c.closed_at < cutoff,
        data_request.c.email != ERASED).with_for_update()).all()
    n, unit = retention.period()
    done = []
    for row in rows:
        if legal_hold(row):
            continue
        done.append(erase(row, "ckanext.satudata.request_retention = %d %s" % (n, unit),
                          "job: ckan satudata privacy retention"))
    model.Session.commit()
    return done


# -- reminders to the DPO (notifications/reminders.py, each once) ---------------------

RIGHTS_FILED, RIGHTS_SOON, RIGHTS_OVERDUE = "rights_filed", "rights_soon", "rights_overdue"
SOON_AFTER = dt.timedelta(hours=48)   # a day before the 3 x 24 hours run out


def _threshold(item: dict[str, Any], now: dt.datetime) -> str:
    due = dt.datetime.fromisoformat(item["due_at"])
    if now > due:
        return RIGHTS_OVERDUE
    if now > due - ANSWER_WITHIN + SOON_AFTER:
        return RIGHTS_SOON
    return RIGHTS_FILED


def queue_reminders() -> int:
    """Mail the DPOs once per rights request and threshold: when it is filed,
    a day before its 3 x 24 hours run out, and when they have."""
    from ckanext.satudata.i18n import translate
    from ckanext.satudata.notifications import reminders
    from ckanext.satudata.privacy.access import DPO
    from ckanext.satudata.requests import service
    holders = reminders.role_holders(DPO)
    if not holders:
        return 0
    now = clock.now()
    queued = 0
    for item in work_list():
        label = KINDS[item["kind"]]
        item = dict(item, kind_label_en=label, kind_label_id=translate(label, "id"),
                    url=service.tracking_url(item["number"]))
        queued += reminders._send("rights", str(item["id"]), "hak", _threshold(item, now),
                                  holders, "rights_reminder", item=item)
    return queued

"""Keberatan (objections) on data requests: persistence, log, notifications
and the two actions. Rules come from ``ckanext.satudata.requests.objection_rules``."""
from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.workflow import clock
from ckanext.satudata.requests import objection_rules as k, rules as p
from ckanext.satudata.notifications import mail, outbox as notify, people
from ckanext.satudata.requests import service as dr
from ckanext.satudata.workflow import schema
from ckanext.satudata.i18n import bilingual, translate
from ckanext.satudata.model import objection as table

OPTION_ROLE = "ckanext.satudata.objection_role"


def atasan_role() -> str:
    return tk.config.get(OPTION_ROLE) or k.DEFAULT_ROLE


def rows_for(request_id: str) -> list:
    return model.Session.execute(sa.select(table).where(table.c.request_id == request_id)
                                 .order_by(table.c.filed_at)).all()


def facts_for(row) -> k.Facts:
    return k.Facts(status=row.status, due_date=row.due_date,
                   closed_on=clock.wib_date(row.closed_at) if row.closed_at else None,
                   partial=bool(row.delivered_partial),
                   pending_objection=any(o.status == k.DIAJUKAN for o in rows_for(row.id)))


def today():
    return clock.now().astimezone(clock.WIB).date()


def _label(mapping, key):
    return bilingual(mapping[key])


def view(row, actor: p.Actor, who: str) -> dict[str, Any]:
    """The objections on `row` as `who` may see them (the public: that there is
    one and how it ended; the requester and the team: the reasons too), and
    what the caller may do now."""
    cal = dr.calendar()
    out = []
    for o in rows_for(row.id):
        entry = {"id": o.id, "ground": o.ground, "ground_label": _label(k.GROUNDS, o.ground),
                 "status": o.status, "filed_at": clock.iso_wib(o.filed_at),
                 "due_date": o.due_date.isoformat(),
                 "decided_at": clock.iso_wib(o.decided_at),
                 "overdue": o.status == k.DIAJUKAN and clock.now() > cal.deadline_end(o.due_date)}
        if who != dr.PUBLIC:
            entry.update(reason=o.reason, decision_comment=o.decision_comment)
        out.append(entry)
    may_file = {}
    if actor.is_requester:
        facts = facts_for(row)
        if not facts.pending_objection:
            may_file = {g: d.isoformat() for g, d in k.grounds(facts, today(), cal).items()}
    may_decide = bool(who == dr.INTERNAL and atasan_role() in actor.roles
                      and any(o["status"] == k.DIAJUKAN for o in out)
                      and actor.user_id not in answered_by(row.id))
    return {"objections": out, "objection_grounds": may_file,
            "may_decide_objection": may_decide}


def satudata_objection_file(context, data_dict):
    """File a keberatan on a request (the requester: ``access_token`` or own
    account), within 30 working days of the rejection, the missed deadline or
    the partial answer.

    :param id: the request's id or number
    :param ground: ditolak, tidak_ditanggapi or tidak_lengkap
    :param reason: the requester's reasons
    :param access_token: the requester's token
    """
    tk.check_access("satudata_objection_file", context, data_dict)
    data = schema.validate(data_dict, schema.objection_file_schema(), context)
    # the request's row stays locked until the commit: two filings at once
    # (one token, two tabs) queue here, and the second sees the first pending
    row = _row(data["id"], lock=True)
    actor = dr.actor_for(context, row, data.get("access_token"))
    now = clock.now()
    with schema.refusals_as_ckan_errors():
        due = k.check_filing(facts_for(row), actor.is_requester, data["ground"],
                             data.get("reason") or "", today(), dr.calendar())
    objection_id = str(uuid.uuid4())
    model.Session.execute(sa.insert(table).values(
        id=objection_id, request_id=row.id, ground=data["ground"], reason=data["reason"],
        status=k.DIAJUKAN, filed_at=now, filed_by=actor.user_id, due_date=due))
    dr._event(row.id, "keberatan_diajukan", row.status, row.status, actor.user_id,
              "requester", data["reason"], None)
    link = dr.tracking_url(row.number)
    ground = k.GROUNDS[data["ground"]]
    mail.queue_to_people("objection_filed", people.role_holders(atasan_role()), row.id,
                         row=row, ground_id=translate(ground, "id"), ground_en=ground,
                         due_date=due, link=link)
    # the requester's receipt of the objection and its decision date
    dr.queue_mail("objection_received", row.email, row.id, row=row, due_date=due, link=link,
                  ground_id=translate(ground, "id"), ground_en=ground)
    model.repo.commit()
    notify.dispatch()
    return _after(context, row, data.get("access_token"))


def satudata_objection_decide(context, data_dict):
    """The atasan PPID's decision on the pending keberatan of a request.

    :param id: the request's id or number
    :param decision: uphold or dismiss
    :param comment: the written response (required)
    """
    tk.check_access("satudata_objection_decide", context, data_dict)
    data = schema.validate(data_dict, schema.objection_decide_schema(), context)
    row = _row(data["id"])
    actor = dr.actor_for(context, row)
    pending = model.Session.execute(sa.select(table).where(
        table.c.request_id == row.id, table.c.status == k.DIAJUKAN).with_for_update()).first()
    with schema.refusals_as_ckan_errors():
        status = k.check_decision(pending.status if pending else "", actor.roles, atasan_role(),
                                  data["decision"], data.get("comment") or "",
                                  decider=actor.user_id, answered_by=answered_by(row.id))
    now = clock.now()
    model.Session.execute(sa.update(table).where(table.c.id == pending.id).values(
        status=status, decided_at=now, decided_by=actor.user_id,
        decision_comment=data["comment"]))
    # the log: office time the decision took, against no SOP standard (the law's
    # 30 working days are the objection's due_date)
    dr._event(row.id, "keberatan_" + status, row.status, row.status, actor.user_id, "atasan_ppid",
              data["comment"], pending.filed_at)
    dr.queue_mail("objection_decided", row.email, row.id, row=row,
                      upheld=status == k.DITERIMA, comment=data["comment"],
                      link=dr.tracking_url(row.number))
    model.repo.commit()
    notify.dispatch()
    return _after(context, row, None)


def answered_by(request_id: str) -> frozenset:
    """Who took the answer an objection is about: the actors of the log's
    events that closed the request (rejected it, delivered it, closed it as
    unavailable), at any time; not the objections' own decisions."""
    from ckanext.satudata.model import request_event
    return frozenset(model.Session.execute(sa.select(request_event.c.actor_id).where(
        request_event.c.request_id == request_id,
        request_event.c.to_status.in_(p.CLOSED),
        sa.not_(request_event.c.transition.startswith("keberatan_")),
        request_event.c.actor_id.isnot(None))).scalars())


def _row(ref, lock=False):
    row = dr.get(ref or "", lock)
    if row is None:
        raise tk.ObjectNotFound(bilingual('Request not found'))
    return row


def _after(context, row, token):
    row = dr.get(row.id)
    return dr.view_for(context, row, dr.actor_for(context, row, token))

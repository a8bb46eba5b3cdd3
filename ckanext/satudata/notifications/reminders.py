"""SLA reminders (a background job, `ckan satudata remind` from cron).

The person holding an item hears about it twice per step at most: once when
its SOP standard time is nearly used up ("soon", at `remind_before` of the
standard) and once when it is exceeded ("overdue"); a data request also gets
the legal deadline's two thresholds. Subkoord and Kabid get one digest a day.
Exactly once: every mail is recorded in satudata_reminder_log under a unique
(kind, item, step, threshold) key in the same transaction as its outbox rows,
so a second run, or two runs at once, queue nothing new.

Mail bodies come from notifications/templates/emails/satudata_*.txt (first line: subject),
in the recipient's language (plugin_extras satudata.locale, default
`ckanext.satudata.mail_locale`, `id`)."""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
from typing import Any, Iterable, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.workflow import clock, roles
from ckanext.satudata.notifications import mail, outbox as notify, people
from ckanext.satudata.requests import rules as permintaan
from ckanext.satudata.dissemination import rules as dissemination
from ckanext.satudata.requests import service as data_request
from ckanext.satudata.dissemination import service as dataset_workflow
from ckanext.satudata.model import data_request as dr_table
from ckanext.satudata.model import dataset_workflow as wf_table
from ckanext.satudata.model import reminder_log

log = logging.getLogger(__name__)

SOON, OVERDUE = "soon", "overdue"
DEADLINE_SOON, DEADLINE_PASSED = "deadline_soon", "deadline_passed"
DEADLINE_SOON_DAYS = 2   # working days left, counting the due date


# -- who, in which language (notifications/people.py) ------------------------------

LOCALES = people.LOCALES
Person, default_locale, person = people.Person, people.default_locale, people.person
role_holders, org_people, site_url = people.role_holders, people.org_people, people.site_url


# -- exactly once -------------------------------------------------------------------

def claim(kind: str, item_id: str, step: str, threshold: str, recipients: int) -> bool:
    """Record the reminder; False when it was already recorded (by an earlier
    run or a concurrent one, which then holds the row until it commits)."""
    return model.Session.execute(
        insert(reminder_log).values(kind=kind, item_id=item_id, step=step,
                                    threshold=threshold, recipients=recipients,
                                    created_at=clock.now())
        .on_conflict_do_nothing(constraint="satudata_reminder_log_once")
        .returning(reminder_log.c.id)).first() is not None


def _send(kind: str, item_id: str, step: str, threshold: str, people: Iterable[Person],
          template: str, **extra_vars: Any) -> int:
    people = {x.email: x for x in people}.values()
    if not people or not claim(kind, item_id, step, threshold, len(people)):
        return 0
    queued = 0
    for who in sorted(people, key=lambda x: x.email):
        subject, body = mail.render_mail(template, who.locale, who=who, threshold=threshold,
                                    **extra_vars)
        queued += notify.queue("reminder_%s" % kind, [who.email], subject, body, item_id)
    return queued


def _threshold(sla: dict) -> Optional[str]:
    standard = sla["standard_minutes"]
    if standard is None:
        return None
    if sla["elapsed_minutes"] > standard:
        return OVERDUE
    share = float(tk.config.get("ckanext.satudata.remind_before") or 0.8)
    return SOON if sla["elapsed_minutes"] >= share * standard else None


def step_due(entered_at: dt.datetime, standard: Optional[int]) -> Optional[dt.datetime]:
    """When the step's SOP standard time runs out (office time)."""
    if standard is None:
        return None
    return clock.calendar_from_config().add_office_minutes(entered_at, standard)


def _step_key(state: str, entered_at: dt.datetime) -> str:
    return "%s@%s" % (state, clock.to_wib(entered_at).isoformat(timespec="seconds"))


# -- the items ----------------------------------------------------------------------

def dataset_items() -> list[dict[str, Any]]:
    """Open workflow-1 items with their SLA, oldest first."""
    items = []
    for row in model.Session.execute(sa.select(wf_table).where(
            wf_table.c.state != dissemination.TERBIT).order_by(wf_table.c.entered_at)).all():
        pkg = model.Package.get(row.package_id)
        if pkg is None or pkg.state != "active":
            continue
        sla = dataset_workflow.sla(row)
        due_at = step_due(row.entered_at, sla["standard_minutes"])
        if sla["actor_role"] == roles.STAF and row.assignee_id:
            holders = [x for x in [person(row.assignee_id)] if x is not None]
            holder_ids = [row.assignee_id]
        else:
            holders = role_holders(sla["actor_role"])
            holder_ids = [x.user_id for x in holders]
        items.append({
            "kind": "dataset", "id": pkg.id, "ref": pkg.name, "title": pkg.title or pkg.name,
            "url": site_url("/dataset/%s" % pkg.name), "sla": sla, "due_at": due_at,
            "step": _step_key(row.state, row.entered_at), "holders": holders,
            "holder_ids": holder_ids, "org_id": pkg.owner_org,
        })
    return items


def request_items() -> list[dict[str, Any]]:
    items = []
    for row in model.Session.execute(sa.select(dr_table).where(
            dr_table.c.status.in_(permintaan.OPEN)).order_by(dr_table.c.created_at)).all():
        sla, deadline = data_request.sla(row), data_request.deadline(row)
        actor = sla["actor_role"]
        if actor == permintaan.OPD:
            holders = org_people(row.organization_id)
        elif actor == roles.STAF and row.assignee_id:
            holders = [x for x in [person(row.assignee_id)] if x is not None]
        elif actor in roles.ROLES:
            holders = role_holders(actor)
        else:   # waiting for the requester: nobody on staff to remind
            holders = []
        items.append({
            "kind": "request", "id": row.id, "ref": row.number, "title": row.title,
            "url": site_url("/permintaan-data/%s" % row.number), "sla": sla,
            "deadline": deadline, "due_date": row.due_date,
            "due_at": step_due(row.status_entered_at, sla["standard_minutes"]),
            "due_end": data_request.calendar().deadline_end(row.due_date),
            "step": _step_key(row.status, row.status_entered_at), "holders": holders,
            "holder_ids": [x.user_id for x in holders if x.user_id], "org_id":
            row.organization_id, "assignee_id": row.assignee_id,
        })
    return items


def _deadline_threshold(item) -> Optional[str]:
    deadline = item["deadline"]
    if deadline["paused"]:
        return None
    if deadline["overdue"]:
        return DEADLINE_PASSED
    left = deadline["working_days_left"]
    return DEADLINE_SOON if left is not None and left <= DEADLINE_SOON_DAYS else None


# -- the job ------------------------------------------------------------------------

def send_reminders() -> int:
    """Queue the reminders due now and the digest of the day; commit, then
    ask the worker to mail them. Returns the number of mails queued."""
    with _maybe_request_context():
        queued = _queue_all()
    model.Session.commit()
    if queued:
        notify.dispatch()
    return queued


@contextlib.contextmanager
def _maybe_request_context():
    import flask
    if flask.has_request_context():
        yield
    else:
        with mail.request_context():
            yield


def _queue_all() -> int:
    queued = 0
    datasets, requests = dataset_items(), request_items()
    for item in datasets + requests:
        threshold = _threshold(item["sla"])
        if threshold:
            queued += _send(item["kind"], item["id"], item["step"], threshold,
                            item["holders"], "reminder", item=item)
    for item in requests:
        threshold = _deadline_threshold(item)
        if threshold:
            # the legal deadline is the request's, whichever step it is in:
            # whoever holds it now and the Subkoord who answers for it
            people = item["holders"] + role_holders(roles.SUBKOORD)
            queued += _send("request", item["id"], "deadline@%s" % item["due_date"],
                            threshold, people, "deadline", item=item)
    queued += _digest(datasets, requests)
    # published datasets due for their update (quality/schedule.py, issue 25)
    from ckanext.satudata.quality import schedule
    queued += schedule.queue_reminders()
    # rights requests of data subjects, to the DPO (privacy/rights.py, issue 26)
    from ckanext.satudata.privacy import rights
    queued += rights.queue_reminders()
    return queued


def _digest(datasets, requests) -> int:
    overdue = [i for i in datasets + requests if i["sla"]["overdue"]
               or (i["kind"] == "request" and i["deadline"]["overdue"])]
    soon = [i for i in datasets + requests if i not in overdue
            and (_threshold(i["sla"]) == SOON
                 or (i["kind"] == "request" and _deadline_threshold(i) == DEADLINE_SOON))]
    if not overdue and not soon:
        return 0
    today = clock.now().astimezone(clock.WIB).date()
    queued = 0
    for role in (roles.SUBKOORD, roles.KABID):
        for who in role_holders(role):
            queued += _send("digest", who.user_id, today.isoformat(), "daily", [who],
                            "digest", overdue=overdue, soon=soon, today=today,
                            kinerja_url=site_url("/satudata/kinerja"))
    return queued

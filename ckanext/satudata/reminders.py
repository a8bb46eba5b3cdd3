"""SLA reminders (a background job, `ckan satudata remind` from cron): who
must act on an overdue step or request hears about it, once a day at most."""
from __future__ import annotations

import sqlalchemy as sa

import ckan.model as model

from ckanext.satudata import clock, dissemination, notify, permintaan, roles
from ckanext.satudata.logic import data_request, dataset_workflow
from ckanext.satudata.model import data_request as dr_table
from ckanext.satudata.model import dataset_workflow as wf_table
from ckanext.satudata.model import outbox


def _emails(role):
    return [u.email for u in (model.User.get(r["user_id"]) for r in roles.assignments()
                              if r["role"] == role) if u is not None and u.email]


def _reminded_today(kind: str, ref: str) -> bool:
    since = clock.now().astimezone(clock.WIB).replace(hour=0, minute=0, second=0,
                                                      microsecond=0)
    return bool(model.Session.execute(sa.select(sa.func.count()).select_from(outbox).where(
        outbox.c.kind == kind, outbox.c.request_id == ref,
        outbox.c.created_at >= since)).scalar())


def send_reminders() -> int:
    queued = 0
    for row in model.Session.execute(sa.select(wf_table).where(
            wf_table.c.state != dissemination.TERBIT)).all():
        sla = dataset_workflow.sla(row)
        pkg = model.Package.get(row.package_id)
        if not sla["overdue"] or pkg is None or _reminded_today("dataset_overdue", pkg.id):
            continue
        recipients = _emails(sla["actor_role"])
        if sla["actor_role"] == "staf" and row.assignee_id:
            assignee = model.User.get(row.assignee_id)
            recipients = [assignee.email] if assignee is not None and assignee.email else []
        queued += notify.queue(
            "dataset_overdue", recipients,
            "[Satu Data] Melewati waktu baku: %s / Over the SOP standard" % pkg.title,
            "%s — %s: %d/%d menit kerja / office minutes\\n" % (
                pkg.name, sla["step_label"], sla["elapsed_minutes"], sla["standard_minutes"]),
            pkg.id)
    for row in model.Session.execute(sa.select(dr_table).where(
            dr_table.c.status.in_(permintaan.OPEN))).all():
        deadline, sla = data_request.deadline(row), data_request.sla(row)
        if not (deadline["overdue"] or sla["overdue"]) or _reminded_today("request_overdue",
                                                                          row.id):
            continue
        recipients = _emails("subkoord")
        if row.assignee_id:
            assignee = model.User.get(row.assignee_id)
            if assignee is not None and assignee.email:
                recipients.append(assignee.email)
        queued += notify.queue(
            "request_overdue", recipients,
            "[%s] Melewati batas waktu / Overdue" % row.number,
            "%s\\nBatas waktu / Due: %s\\nTahap / Step: %s (%d/%s menit kerja)\\n%s\\n" % (
                row.title, row.due_date.isoformat(), sla["step_label"],
                sla["elapsed_minutes"], sla["standard_minutes"],
                data_request.tracking_url(row.number)), row.id)
    model.Session.commit()
    if queued:
        notify.dispatch()
    return queued

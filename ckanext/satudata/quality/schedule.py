"""The update schedule (jadwal pemutakhiran, issue 25): when each published
dataset is next due, from its update frequency and the period it covers.

A dataset is due at the earlier of
  * its last publication plus one update interval (a monthly dataset published
    on 10 March is due on 10 April), and
  * the end of the first interval after the period it covers, plus a grace of
    ``ckanext.satudata.update_grace_months`` (default 3): a yearly dataset
    covering 2025 needs its 2026 figures by 1 April 2027.
Ad-hoc datasets (and unpublished ones) have no due date.

Reminders go through notifications/reminders.py's exactly-once log: kind
``update``, the due date as the step, thresholds ``update_soon``
(``ckanext.satudata.update_remind_days`` before, default 14) and
``update_overdue`` (the day after); a new publication moves the due date and
starts a new pair. Reference: docs/quality.md.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Optional

from dateutil.relativedelta import relativedelta

AD_HOC = "ad_hoc"
INTERVALS = {
    "harian": relativedelta(days=1), "mingguan": relativedelta(weeks=1),
    "bulanan": relativedelta(months=1), "triwulanan": relativedelta(months=3),
    "semesteran": relativedelta(months=6), "tahunan": relativedelta(years=1),
}
OK, SOON, OVERDUE, NONE = "ok", "soon", "overdue", "none"
UPDATE_SOON, UPDATE_OVERDUE = "update_soon", "update_overdue"
DEFAULT_GRACE_MONTHS, DEFAULT_REMIND_DAYS = 3, 14


def _year(value: Any) -> Optional[int]:
    try:
        return int(str(value).strip()[:4])
    except (TypeError, ValueError):
        return None


def next_due(frequency: Optional[str], period_start: Any, period_end: Any,
             last_published: Optional[dt.date],
             grace_months: int = DEFAULT_GRACE_MONTHS) -> Optional[dt.date]:
    """The date the next update is due; None for ad-hoc data or without a publication."""
    interval = INTERVALS.get(frequency or "")
    if interval is None or last_published is None:
        return None
    due = last_published + interval
    year = _year(period_end) or _year(period_start)
    if year is not None:
        by_period = dt.date(year + 1, 1, 1) + interval + relativedelta(months=grace_months)
        due = min(due, by_period)
    return due


def status(due: Optional[dt.date], today: dt.date,
           remind_days: int = DEFAULT_REMIND_DAYS) -> str:
    if due is None:
        return NONE
    if today > due:
        return OVERDUE
    if (due - today).days <= remind_days:
        return SOON
    return OK


def threshold(state: str) -> Optional[str]:
    return {SOON: UPDATE_SOON, OVERDUE: UPDATE_OVERDUE}.get(state)


# -- from the database ---------------------------------------------------------------

def _config_int(key: str, default: int) -> int:
    import ckan.plugins.toolkit as tk
    try:
        return int(tk.config.get(key) or default)
    except (TypeError, ValueError):
        return default


def grace_months() -> int:
    return _config_int("ckanext.satudata.update_grace_months", DEFAULT_GRACE_MONTHS)


def remind_days() -> int:
    return _config_int("ckanext.satudata.update_remind_days", DEFAULT_REMIND_DAYS)


def today() -> dt.date:
    from ckanext.satudata.workflow import clock
    return clock.now().astimezone(clock.WIB).date()


def published_datasets(org_ids: Optional[Iterable[str]] = None,
                       package_ids: Optional[Iterable[str]] = None) -> list[dict[str, Any]]:
    """Every published, active dataset with its schedule: id, name, title,
    owner_org, assignee_id, update_frequency, period, last_published (WIB
    date of the latest `publish`), due (date or None), status."""
    import sqlalchemy as sa
    import ckan.model as model
    from ckanext.satudata.model import dataset_transition_log as log_table
    from ckanext.satudata.model import dataset_workflow as wf_table
    from ckanext.satudata.workflow import clock

    pkg = model.package_table
    last = (sa.select(log_table.c.package_id, sa.func.max(log_table.c.at).label("at"))
            .where(log_table.c.transition == "publish")
            .group_by(log_table.c.package_id).subquery())
    query = (sa.select(pkg.c.id, pkg.c.name, pkg.c.title, pkg.c.owner_org, pkg.c.extras,
                       wf_table.c.assignee_id, last.c.at)
             .select_from(pkg.join(wf_table, wf_table.c.package_id == pkg.c.id)
                          .outerjoin(last, last.c.package_id == pkg.c.id))
             .where(wf_table.c.published.is_(True), pkg.c.state == "active",
                    pkg.c.type == "dataset"))
    if org_ids is not None:
        query = query.where(pkg.c.owner_org.in_(list(org_ids)))
    if package_ids is not None:
        query = query.where(pkg.c.id.in_(list(package_ids)))
    rows = model.Session.execute(query.order_by(pkg.c.name)).all()
    day, grace, remind = today(), grace_months(), remind_days()
    out = []
    for r in rows:
        x = r.extras or {}   # the scheming fields (package.extras, CKAN 2.12)
        published = clock.to_wib(r.at).date() if r.at is not None else None
        due = next_due(x.get("update_frequency"), x.get("period_start"),
                       x.get("period_end"), published, grace)
        out.append({"id": r.id, "name": r.name, "title": r.title or r.name,
                    "owner_org": r.owner_org, "assignee_id": r.assignee_id,
                    "update_frequency": x.get("update_frequency"),
                    "period_start": x.get("period_start"), "period_end": x.get("period_end"),
                    "last_published": published, "due": due,
                    "status": status(due, day, remind)})
    return out


def for_dataset(package_id: str) -> Optional[dict[str, Any]]:
    """The schedule of one dataset; None when it is not published."""
    import ckan.model as model
    pkg = model.Package.get(package_id)
    found = published_datasets(package_ids=[pkg.id]) if pkg is not None else []
    return found[0] if found else None


def needing_update(org_ids: Optional[Iterable[str]] = None) -> list[dict[str, Any]]:
    """"Perlu diperbarui": published datasets due soon or overdue, most overdue first."""
    rows = [d for d in published_datasets(org_ids) if d["status"] in (SOON, OVERDUE)]
    return sorted(rows, key=lambda d: (d["due"], d["name"]))


# -- reminders ------------------------------------------------------------------------

def queue_reminders() -> int:
    """Queue the update reminders due today (exactly once per dataset, due date
    and threshold) to the OPD's editors and the assigned Staf; no commit."""
    from ckanext.satudata.dcat import vocab
    from ckanext.satudata.notifications import mail, outbox, people, reminders
    queued = 0
    for item in needing_update():
        name = threshold(item["status"])
        recipients = people.org_people(item["owner_org"]) + people.people([item["assignee_id"]])
        recipients = list({p.email: p for p in recipients}.values())
        if not recipients or not reminders.claim("update", item["id"], "due@%s" % item["due"],
                                                 name, len(recipients)):
            continue
        item = dict(item, url=people.site_url("/dataset/%s" % item["name"]),
                    frequency=vocab.choices("update_frequency").get(
                        item["update_frequency"], {}))
        for who in sorted(recipients, key=lambda p: p.email):
            subject, body = mail.render_mail("update", who.locale, who=who, threshold=name,
                                             item=item)
            queued += outbox.queue("reminder_update", [who.email], subject, body, item["id"])
    return queued

"""Statistik Layanan (public, /permintaan-data/statistik): how the data request
service performs, per month and per OPD, from the requests themselves.

Only counts and durations leave this module: no name, contact, title or
comment of a request, so the page and its CSV carry no personal data.

Definitions (the legal clock is ``permintaan.answer_timing``):
- received: requests filed in the period (WIB date of submission);
- answered: fulfilled (selesai), closed as not available (ditutup) or
  rejected (ditolak) — a rejection with its reason is an answer under
  UU 14/2008; a withdrawal is not;
- in time / within the extension / late: of the answered requests;
- open past the deadline: not yet answered and the due date has passed
  (a request waiting for the requester's clarification is paused);
- working days to answer: average and median over the answered requests.
Each request counts in the month it was received and for the OPD it was
sent to (none: the Walidata team answered it from the portal).
"""
from __future__ import annotations

import datetime as dt
import statistics
from typing import Any, Iterable, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.workflow import clock
from ckanext.satudata.requests import rules as p
from ckanext.satudata.model import data_request


def year_rows(year: int) -> list[sa.Row]:
    start = dt.datetime(year, 1, 1, tzinfo=clock.WIB)
    end = dt.datetime(year + 1, 1, 1, tzinfo=clock.WIB)
    c = data_request.c
    return model.Session.execute(sa.select(
        c.id, c.organization_id, c.created_at, c.clock_started_at, c.closed_at, c.due_date,
        c.extended, c.status, c.reject_reason, c.delivered_partial).where(
        c.created_at >= start, c.created_at < end).order_by(c.created_at)).all()


def years() -> list[int]:
    """Years with requests, newest first (always the current one)."""
    found = model.Session.execute(sa.text(
        "SELECT DISTINCT extract(year FROM created_at AT TIME ZONE 'Asia/Jakarta')::int "
        "FROM satudata_data_request")).scalars().all()
    return sorted(set(found) | {clock.now().astimezone(clock.WIB).year}, reverse=True)


def figures(rows: Iterable[Any], calendar=None, now: Optional[dt.datetime] = None
            ) -> dict[str, Any]:
    """The figures of a set of requests (rows with the columns of `year_rows`)."""
    calendar = calendar or clock.calendar_from_config()
    now = now or clock.now()
    out: dict[str, Any] = {
        "received": 0, "answered": 0, p.IN_TIME: 0, p.IN_EXTENSION: 0, p.LATE: 0,
        "open": 0, "open_overdue": 0, "fulfilled": 0, "partly_fulfilled": 0,
        "not_available": 0, "rejected": 0,
        "withdrawn": 0, "extended": 0,
        "rejected_by_reason": {k: 0 for k in p.REJECT_REASONS},
    }
    days = []
    for r in rows:
        out["received"] += 1
        out["extended"] += int(bool(r.extended))
        if r.status == p.DIBATALKAN:
            out["withdrawn"] += 1
        elif r.status in p.ANSWERED and r.closed_at is not None:
            out["answered"] += 1
            timing, taken = p.answer_timing(calendar, r.clock_started_at, r.closed_at,
                                            r.due_date, r.extended)
            out[timing] += 1
            days.append(taken)
            if r.status == p.SELESAI:
                out["partly_fulfilled" if r.delivered_partial else "fulfilled"] += 1
            elif r.status == p.DITUTUP:
                out["not_available"] += 1
            else:
                out["rejected"] += 1
                reason = r.reject_reason if r.reject_reason in p.REJECT_REASONS \
                    else p.DEFAULT_REJECT_REASON
                out["rejected_by_reason"][reason] += 1
        else:
            out["open"] += 1
            if r.status != p.MENUNGGU_KLARIFIKASI and now > calendar.deadline_end(r.due_date):
                out["open_overdue"] += 1
    out["avg_days"] = round(float(statistics.mean(days)), 1) if days else None
    out["median_days"] = round(float(statistics.median(days)), 1) if days else None
    return out


# -- tables ({"id", "title", "columns", "rows"}, as reports/export.py takes them) --------

def _columns():
    return [("received", tk._("Received")), ("open", tk._("In process")),
            ("answered", tk._("Answered")),
            (p.IN_TIME, tk._("Within 10 working days")),
            (p.IN_EXTENSION, tk._("Within the extension")), (p.LATE, tk._("Late")),
            ("open_overdue", tk._("Open past the deadline")),
            ("rejected", tk._("Rejected")), ("withdrawn", tk._("Withdrawn")),
            ("avg_days", tk._("Average working days to answer")),
            ("median_days", tk._("Median working days to answer"))]



def reason_label(key: str) -> str:
    return tk._(p.REJECT_REASONS.get(key) or p.REJECT_REASONS[p.DEFAULT_REJECT_REASON])


def tables(year: int, calendar=None, now=None) -> dict[str, dict[str, Any]]:
    rows = year_rows(year)
    calendar = calendar or clock.calendar_from_config()
    total = figures(rows, calendar, now)
    by_month: dict[str, list] = {}
    by_opd: dict[Optional[str], list] = {}
    for r in rows:
        by_month.setdefault(clock.to_wib(r.created_at).strftime("%Y-%m"), []).append(r)
        by_opd.setdefault(r.organization_id, []).append(r)
    months = [dict(month=m, **_flat(figures(rs, calendar, now)))
              for m, rs in sorted(by_month.items())]
    opds = []
    for org_id, rs in by_opd.items():
        org = model.Group.get(org_id) if org_id else None
        opds.append(dict(opd=(org.title or org.name) if org else tk._("Walidata team (from the portal)"),
                         **_flat(figures(rs, calendar, now))))
    opds.sort(key=lambda x: (-x["received"], x["opd"]))
    summary = [{"figure": label, "value": total[key]} for key, label in _columns()]
    reasons = [{"reason": reason_label(k), "count": n}
               for k, n in total["rejected_by_reason"].items()]
    return {
        "summary": {"id": "ringkasan", "title": tk._("Summary %(year)s") % {"year": year},
                    "columns": [("figure", tk._("Figure")), ("value", tk._("Value"))],
                    "rows": summary, "figures": total},
        "months": {"id": "bulan", "title": tk._("Per month of receipt"),
                   "columns": [("month", tk._("Month"))] + _columns(), "rows": months},
        "opd": {"id": "opd", "title": tk._("Per OPD"),
                "columns": [("opd", tk._("OPD"))] + _columns(), "rows": opds},
        "reasons": {"id": "alasan_penolakan", "title": tk._("Rejections by reason"),
                    "columns": [("reason", tk._("Reason")), ("count", tk._("Requests"))],
                    "rows": reasons},
    }


def _flat(f: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in f.items() if k != "rejected_by_reason"}


def charts(t: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    from ckanext.satudata.reports import month_label
    months = t["months"]["rows"]
    labels = [month_label(r["month"]) for r in months]
    # the reasons that occurred, as bars: a pie of one slice says nothing a
    # number does not, and bars compare better than slices anyway
    reasons = [r for r in t["reasons"]["rows"] if r["count"]]
    charts = [
        {"id": "chart_statistik_months", "type": "bar", "title": t["months"]["title"],
         "labels": labels, "y_label": tk._("requests"),
         "datasets": [{"label": tk._("Received"), "data": [r["received"] for r in months]},
                      {"label": tk._("In process"), "data": [r["open"] for r in months]},
                      {"label": tk._("Within 10 working days"),
                       "data": [r[p.IN_TIME] for r in months]},
                      {"label": tk._("Within the extension"),
                       "data": [r[p.IN_EXTENSION] for r in months]},
                      {"label": tk._("Late"), "data": [r[p.LATE] for r in months]}]},
        {"id": "chart_statistik_days", "type": "line",
         "title": tk._("Working days to answer"), "labels": labels,
         "y_label": tk._("working days"),
         "datasets": [{"label": tk._("Average"), "data": [r["avg_days"] for r in months]},
                      {"label": tk._("Median"), "data": [r["median_days"] for r in months]}]},
    ]
    if len(reasons) > 1:
        charts.append(
            {"id": "chart_statistik_reasons", "type": "bar", "horizontal": True,
             "title": t["reasons"]["title"], "labels": [r["reason"] for r in reasons],
             "y_label": tk._("requests"),
             "datasets": [{"label": tk._("Requests"), "data": [r["count"] for r in reasons]}]})
    return charts

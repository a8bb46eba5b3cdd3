"""SOP compliance reports (SPEC "Reports"): time per step against the SOP
standard, per step, person or month, from the append-only logs."""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model

from ckanext.satudata.workflow import clock
from ckanext.satudata.requests import rules as p

_LOGS = {"dataset": ("satudata_dataset_transition_log", "from_state", "actor_name"),
         "request": ("satudata_request_event", "from_status", "actor_id")}
_GROUPS = {"step": "{state}", "person": "{actor}",
           "month": "to_char(at AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM')"}


def sla_report(workflow: str, group_by: str, date_from: Optional[dt.date],
               date_to: Optional[dt.date]) -> dict[str, Any]:
    table, state_col, actor_col = _LOGS[workflow]
    key = _GROUPS[group_by].format(state=state_col, actor=actor_col)
    where, params = _period(date_from, date_to)
    rows = model.Session.execute(sa.text("""
        SELECT {key} AS key, count(*) AS n,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY elapsed_minutes) AS median,
               percentile_cont(0.9) WITHIN GROUP (ORDER BY elapsed_minutes) AS p90,
               avg((elapsed_minutes <= standard_minutes)::int)
                 FILTER (WHERE standard_minutes IS NOT NULL) AS within,
               count(*) FILTER (WHERE elapsed_minutes > standard_minutes) AS overdue
        FROM {table}
        WHERE elapsed_minutes IS NOT NULL AND {where}
        GROUP BY 1 ORDER BY 1
    """.format(key=key, table=table, where=where)), params).all()
    if workflow == "request" and group_by == "person":
        names = {u.id: u.name for u in model.Session.query(model.User).filter(
            model.User.id.in_([r.key for r in rows if r.key]))}
    else:
        names = {}
    result: dict[str, Any] = {
        "workflow": workflow, "group_by": group_by,
        "date_from": date_from.isoformat() if date_from else None,
        "date_to": date_to.isoformat() if date_to else None,
        "rows": [{
            "key": names.get(r.key, r.key), "transitions": r.n,
            "median_minutes": _round(r.median), "p90_minutes": _round(r.p90),
            "share_within_standard": _round(r.within, 3), "over_standard": r.overdue,
        } for r in rows],
    }
    if workflow == "request":
        result["legal_deadline"] = _legal_figures(date_from, date_to)
    return result


def _legal_figures(date_from, date_to) -> dict[str, Any]:
    """The figures a PPID publishes yearly (UU 14/2008)."""
    where, params = _period(date_from, date_to, column="created_at")
    row = model.Session.execute(sa.text("""
        SELECT count(*) AS received,
          count(*) FILTER (WHERE status = 'selesai') AS fulfilled,
          count(*) FILTER (WHERE status = 'ditutup') AS not_available,
          count(*) FILTER (WHERE status = 'ditolak') AS rejected,
          count(*) FILTER (WHERE status = 'dibatalkan') AS withdrawn,
          count(*) FILTER (WHERE status NOT IN :closed) AS open,
          count(*) FILTER (WHERE extended) AS extended,
          count(*) FILTER (WHERE closed_at IS NOT NULL AND status <> 'dibatalkan'
            AND (closed_at AT TIME ZONE 'Asia/Jakarta')::date <= due_date) AS answered_in_time,
          count(*) FILTER (WHERE closed_at IS NOT NULL AND status <> 'dibatalkan'
            AND (closed_at AT TIME ZONE 'Asia/Jakarta')::date > due_date) AS answered_late,
          count(*) FILTER (WHERE closed_at IS NULL AND status <> 'menunggu_klarifikasi'
            AND (now() AT TIME ZONE 'Asia/Jakarta')::date > due_date) AS open_overdue
        FROM satudata_data_request WHERE {where}
    """.format(where=where)).bindparams(sa.bindparam("closed", expanding=True)),
        dict(params, closed=list(p.CLOSED))).first()
    return dict(row._mapping)


def _period(date_from, date_to, column="at"):
    clauses, params = ["TRUE"], {}
    if date_from:
        clauses.append("%s >= :date_from" % column)
        params["date_from"] = dt.datetime.combine(date_from, dt.time(), clock.WIB)
    if date_to:
        clauses.append("%s < :date_to" % column)
        params["date_to"] = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(),
                                                clock.WIB)
    return " AND ".join(clauses), params


def _round(value, digits=1):
    return None if value is None else round(float(value), digits)

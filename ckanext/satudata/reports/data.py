"""The figures of the Kinerja SOP page, from the append-only logs: per SOP
step, month, person and OPD, the volume, median and p90 office time against
the SOP standard and the share within it; the items overdue now.

Every table is {"id", "title", "columns": [(key, label)], "rows": [dict]} so
the page, the CSV and the XLSX export show the same thing."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.i18n import in_page_language
from ckanext.satudata.requests import rules as permintaan
from ckanext.satudata.dissemination import rules as dissemination
from ckanext.satudata.reports.compliance import _period

WORKFLOWS = ("dataset", "request")
_SOURCES = {
    # (FROM clause, step column, OPD column)
    "dataset": ("satudata_dataset_transition_log l", "l.from_state", "l.owner_org"),
    "request": ("satudata_request_event l JOIN satudata_data_request r ON r.id = l.request_id",
                "l.from_status", "r.organization_id"),
}
_KEYS = {"step": "{step}", "person": "l.actor_id", "opd": "{opd}",
         "month": "to_char(l.at AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM')"}


@dataclasses.dataclass
class Filters:
    date_from: Optional[dt.date] = None
    date_to: Optional[dt.date] = None
    org_id: Optional[str] = None
    user_id: Optional[str] = None

    def query_args(self) -> dict[str, str]:
        args = {}
        if self.date_from:
            args["date_from"] = self.date_from.isoformat()
        if self.date_to:
            args["date_to"] = self.date_to.isoformat()
        if self.org_id:
            org = model.Group.get(self.org_id)
            args["organization"] = org.name if org else self.org_id
        if self.user_id:
            user = model.User.get(self.user_id)
            args["person"] = user.name if user else self.user_id
        return args


class BadFilter(ValueError):
    pass


def parse_filters(args) -> Filters:
    f = Filters()
    for name in ("date_from", "date_to"):
        value = (args.get(name) or "").strip()
        if value:
            try:
                setattr(f, name, dt.date.fromisoformat(value))
            except ValueError:
                raise BadFilter("%s: YYYY-MM-DD" % name)
    org = (args.get("organization") or "").strip()
    if org:
        group = model.Group.get(org)
        if group is None or not group.is_organization:
            raise BadFilter("organization: %s" % org)
        f.org_id = group.id
    person = (args.get("person") or "").strip()
    if person:
        user = model.User.get(person)
        if user is None:
            raise BadFilter("person: %s" % person)
        f.user_id = user.id
    return f


def grouped(workflow: str, by: str, f: Filters) -> list[sa.Row]:
    source, step_col, opd_col = _SOURCES[workflow]
    key = _KEYS[by].format(step=step_col, opd=opd_col)
    where, params = _period(f.date_from, f.date_to, column="l.at")
    if f.org_id:
        where += " AND %s = :org_id" % opd_col
        params["org_id"] = f.org_id
    if f.user_id:
        where += " AND l.actor_id = :user_id"
        params["user_id"] = f.user_id
    return model.Session.execute(sa.text("""
        SELECT {key} AS key, count(*) AS n,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY l.elapsed_minutes) AS median,
               percentile_cont(0.9) WITHIN GROUP (ORDER BY l.elapsed_minutes) AS p90,
               max(l.standard_minutes) AS standard,
               avg((l.elapsed_minutes <= l.standard_minutes)::int)
                 FILTER (WHERE l.standard_minutes IS NOT NULL) AS within,
               count(*) FILTER (WHERE l.elapsed_minutes > l.standard_minutes) AS over
        FROM {source}
        WHERE l.elapsed_minutes IS NOT NULL AND {where}
        GROUP BY 1 ORDER BY 1
    """.format(key=key, source=source, where=where)), params).all()


def _num(value, digits=1):
    return None if value is None else round(float(value), digits)


def _figures(r) -> dict[str, Any]:
    return {"volume": r.n, "median": _num(r.median), "p90": _num(r.p90),
            "within": _num(r.within, 3), "over": r.over}




def _steps(workflow: str):
    return dissemination.STEPS if workflow == "dataset" else permintaan.STEPS


def _lang_label(step) -> str:
    return tk._(step.label)


def sop_order(steps: dict) -> list[str]:
    """The states of a workflow in the order of its SOP's steps (1, 2, 2–3,
    4…; a state without a numbered step last), ties in the SOP's listing order."""
    def key(item):
        position, (state, step) = item
        numbers = [int(n) for n in re.findall(r"\d+", step.number)]
        return (not numbers, numbers[:1], numbers[-1:], position)
    return [state for _, (state, step) in sorted(enumerate(steps.items()), key=key)]


def _readable(state: str) -> str:
    # a state the SOP's step list does not name (an old log row): its words
    return state.replace("_", " ").capitalize()


def step_table(workflow: str, f: Filters) -> dict[str, Any]:
    steps = _steps(workflow)
    found = {r.key: r for r in grouped(workflow, "step", f)}
    rows = []
    # every step with a standard time, in SOP order, taken or not: the page
    # reads as the SOP does and each standard is there to compare against
    for state in sop_order(steps) + sorted(set(found) - set(steps)):
        step, r = steps.get(state), found.get(state)
        if r is None and (step is None or step.standard_minutes is None):
            continue
        figures = _figures(r) if r is not None else {
            "volume": 0, "median": None, "p90": None, "within": None, "over": 0}
        rows.append(dict(step=step.number if step else "—",
                         label=_lang_label(step) if step else _readable(state), state=state,
                         standard=step.standard_minutes if step else r.standard,
                         **figures))
    return {"id": "%s_steps" % workflow,
            "title": tk._("Dataset publication (workflow 1) per SOP step") if workflow == "dataset"
            else tk._("Data requests (workflow 2) per SOP step"),
            "columns": [("step", tk._("Step")), ("label", tk._("SOP step")),
                        ("standard", tk._("Standard (office minutes)"))] + _translated(),
            "rows": rows}


def _translated():
    return [("volume", tk._("Volume")), ("median", tk._("Median (office minutes)")),
            ("p90", tk._("p90 (office minutes)")),
            ("within", tk._("Share within standard")), ("over", tk._("Over standard"))]


def month_table(workflow: str, f: Filters) -> dict[str, Any]:
    return {"id": "%s_months" % workflow,
            "title": tk._("Dataset publication per month") if workflow == "dataset"
            else tk._("Data requests per month"),
            "columns": [("month", tk._("Month"))] + _translated(),
            "rows": [dict(month=r.key, **_figures(r)) for r in grouped(workflow, "month", f)]}


def person_table(f: Filters) -> dict[str, Any]:
    rows = []
    for workflow in WORKFLOWS:
        for r in grouped(workflow, "person", f):
            user = model.User.get(r.key) if r.key else None
            rows.append(dict(workflow=_workflow_label(workflow),
                             person=(user.fullname or user.name) if user else "—",
                             username=user.name if user else "", **_figures(r)))
    return {"id": "people", "title": tk._("Per person"),
            "columns": [("workflow", tk._("Workflow")), ("person", tk._("Person")),
                        ("username", tk._("Username"))] + _translated(), "rows": rows}


def opd_table(f: Filters) -> dict[str, Any]:
    rows = []
    for workflow in WORKFLOWS:
        for r in grouped(workflow, "opd", f):
            org = model.Group.get(r.key) if r.key else None
            rows.append(dict(workflow=_workflow_label(workflow),
                             opd=org.title if org else tk._("Walidata (no OPD)"),
                             **_figures(r)))
    return {"id": "opd", "title": tk._("Per OPD"),
            "columns": [("workflow", tk._("Workflow")), ("opd", tk._("OPD"))] + _translated(),
            "rows": rows}


def _workflow_label(workflow: str) -> str:
    return tk._("Dataset publication") if workflow == "dataset" else tk._("Data request")


def overdue_table(f: Filters) -> dict[str, Any]:
    from ckanext.satudata.notifications import reminders
    rows = []
    for item in reminders.dataset_items() + reminders.request_items():
        late = item["sla"]["overdue"] or (item["kind"] == "request"
                                         and item["deadline"]["overdue"])
        if not late:
            continue
        if f.org_id and item["org_id"] != f.org_id:
            continue
        if f.user_id and f.user_id not in item["holder_ids"]:
            continue
        sla = item["sla"]
        rows.append({
            "workflow": _workflow_label(item["kind"]), "ref": item["ref"],
            "title": item["title"], "step": sla["step"],
            "label": in_page_language(sla["step_label_en"]),
            "holder": ", ".join(x.name for x in item["holders"]),
            "elapsed": sla["elapsed_minutes"], "standard": sla["standard_minutes"],
            "due_date": item["due_date"].isoformat() if item["kind"] == "request" else "",
            "url": item["url"], "user_ids": item["holder_ids"],
        })
    # rights requests past their 3 x 24 hours (privacy/rights.py)
    rows += rights_overdue(f)
    return {"id": "overdue", "title": tk._("Overdue now"),
            "columns": [("workflow", tk._("Workflow")), ("ref", tk._("Item")),
                        ("title", tk._("Title")), ("step", tk._("Step")),
                        ("label", tk._("SOP step")), ("holder", tk._("Held by")),
                        ("elapsed", tk._("Office minutes in step")),
                        ("standard", tk._("Standard (office minutes)")),
                        ("due_date", tk._("Legal deadline")), ("url", tk._("Link"))],
            "rows": rows}



def rights_items(f: Filters) -> list[dict[str, Any]]:
    """Every rights request (UU 27/2022: correction, restriction, deletion)
    filed in the period, with when and by whom it was answered. An answer
    event names its item ("<id>: ..."; privacy/rights.py)."""
    from ckanext.satudata.privacy import rights
    where, params = _period(f.date_from, f.date_to, column="l.at")
    if f.org_id:
        where += " AND r.organization_id = :org_id"
        params["org_id"] = f.org_id
    params["kinds"] = tuple(rights.KINDS)
    filed = model.Session.execute(sa.text("""
        SELECT l.id, l.request_id, l.transition, l.at, r.number
        FROM satudata_request_event l JOIN satudata_data_request r ON r.id = l.request_id
        WHERE l.transition IN :kinds AND {where} ORDER BY l.id
    """.format(where=where)).bindparams(sa.bindparam("kinds", expanding=True)), params).all()
    if not filed:
        return []
    answers = model.Session.execute(sa.text("""
        SELECT split_part(comment, ': ', 1) AS item, min(at) AS at,
               (array_agg(actor_id ORDER BY id))[1] AS actor_id
        FROM satudata_request_event
        WHERE transition IN (:answered, :refused) AND request_id IN :ids
        GROUP BY 1
    """).bindparams(sa.bindparam("ids", expanding=True)),
        {"answered": rights.DIJAWAB, "refused": rights.DITOLAK,
         "ids": sorted({r.request_id for r in filed})}).all()
    answered = {a.item: a for a in answers}
    out = []
    for r in filed:
        a = answered.get(str(r.id))
        out.append({"id": r.id, "number": r.number, "kind": r.transition, "filed_at": r.at,
                    "answered_at": a.at if a else None,
                    "answered_by": a.actor_id if a else None})
    if f.user_id:   # a person's figures: the rights requests they answered
        out = [i for i in out if i["answered_by"] == f.user_id]
    return out


def _hours(delta) -> float:
    return delta.total_seconds() / 3600


def rights_table(f: Filters) -> dict[str, Any]:
    """Rights requests per month filed (WIB) and kind, against their 3 x 24
    calendar hours (Pasal 32): how many, answered within them, answered late
    or still open past them, still open within them; the median and p90
    hours to the answer, the share within the 72 hours."""
    import statistics
    from ckanext.satudata.privacy import rights
    from ckanext.satudata.workflow import clock
    now = clock.now()
    limit = rights.ANSWER_WITHIN
    groups: dict[tuple, list] = {}
    for item in rights_items(f):
        month = clock.to_wib(item["filed_at"]).strftime("%Y-%m")
        groups.setdefault((month, item["kind"]), []).append(item)
    order = list(rights.KINDS)
    rows = []
    for (month, kind), items in sorted(groups.items(),
                                       key=lambda kv: (kv[0][0], order.index(kv[0][1]))):
        taken = sorted(_hours(i["answered_at"] - i["filed_at"]) for i in items
                       if i["answered_at"] is not None)
        within = sum(1 for h in taken if h <= _hours(limit))
        late = len(taken) - within
        open_items = [i for i in items if i["answered_at"] is None]
        overdue = sum(1 for i in open_items if now > i["filed_at"] + limit)
        decided = len(taken) + overdue
        rows.append({
            "month": month, "kind": tk._(rights.KINDS[kind]), "standard": 72,
            "volume": len(items), "answered_within": within, "over": late + overdue,
            "open": len(open_items) - overdue,
            "median": _num(statistics.median(taken)) if taken else None,
            "p90": _num(_percentile(taken, 0.9)) if taken else None,
            "within": _num(within / decided, 3) if decided else None})
    return {"id": "rights_months",
            "title": tk._("Personal data rights requests (UU 27/2022) per month"),
            "columns": [("month", tk._("Month")), ("kind", tk._("Rights request")),
                        ("standard", tk._("Standard (hours)")), ("volume", tk._("Volume")),
                        ("answered_within", tk._("Answered within 3 x 24 hours")),
                        ("over", tk._("Answered late or overdue")),
                        ("open", tk._("Open, within 3 x 24 hours")),
                        ("median", tk._("Median (hours)")), ("p90", tk._("p90 (hours)")),
                        ("within", tk._("Share within standard"))],
            "rows": rows}


def _percentile(values: list, q: float) -> float:
    """PostgreSQL's percentile_cont on sorted `values` (as the step tables)."""
    position = (len(values) - 1) * q
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def rights_overdue(f: Filters) -> list[dict[str, Any]]:
    """Rights requests past their 3 x 24 hours and unanswered, for 'Overdue now'."""
    from ckanext.satudata.privacy import rights
    from ckanext.satudata.workflow import clock
    if f.user_id:   # nobody holds them but the DPOs: a person's filter is theirs
        from ckanext.satudata.privacy.access import DPO
        from ckanext.satudata.workflow import roles
        if DPO not in roles.roles_of(f.user_id):
            return []
    now = clock.now()
    rows = []
    for item in rights_items(dataclasses.replace(f, date_from=None, date_to=None,
                                                 user_id=None)):
        due = item["filed_at"] + rights.ANSWER_WITHIN
        if item["answered_at"] is not None or now <= due:
            continue
        kind = rights.KINDS[item["kind"]]
        rows.append({
            "workflow": tk._("Personal data rights request"), "ref": item["number"],
            "title": tk._(kind), "step": "—",
            "label": tk._("Answer within 3 x 24 hours (UU 27/2022 Pasal 32)"),
            "holder": tk._("Personal data protection officer"),
            "elapsed": None, "standard": None,
            "due_date": clock.iso_wib(due)[:16].replace("T", " "),
            "url": tk.url_for("satudata_privacy.dpo_desk", _external=True), "user_ids": []})
    return rows


TABLES = ("dataset_steps", "request_steps", "dataset_months", "request_months",
          "rights_months", "people", "opd", "overdue")


def table(table_id: str, f: Filters) -> dict[str, Any]:
    if table_id.endswith("_steps"):
        return step_table(table_id[:-len("_steps")], f)
    if table_id.endswith("_months") and table_id != "rights_months":
        return month_table(table_id[:-len("_months")], f)
    return {"people": person_table, "opd": opd_table, "overdue": overdue_table,
            "rights_months": rights_table}[table_id](f)


def all_tables(f: Filters) -> list[dict[str, Any]]:
    return [table(t, f) for t in TABLES]


def charts(tables: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Chart.js specs: median/p90 against the standard per step, share within
    standard per step, monthly volume."""
    by_id = {t["id"]: t for t in tables}
    out = []
    for workflow in WORKFLOWS:
        steps = [r for r in by_id["%s_steps" % workflow]["rows"] if r["standard"] is not None]
        labels = ["%s. %s" % (r["step"], r["label"]) for r in steps]
        out.append({"id": "chart_%s_time" % workflow, "type": "bar",
                    "title": by_id["%s_steps" % workflow]["title"], "labels": labels,
                    "y_label": tk._("office minutes"),
                    "datasets": [
                        {"label": tk._("Median"), "data": [r["median"] for r in steps]},
                        {"label": "p90", "data": [r["p90"] for r in steps]},
                        # the standard of each step as a mark across its bars,
                        # not a line joining steps that have nothing in common
                        {"label": tk._("Standard"), "data": [r["standard"] for r in steps],
                         "type": "line", "showLine": False, "pointStyle": "line",
                         "pointRadius": 22, "pointHoverRadius": 22, "borderWidth": 3,
                         "borderColor": "#b91c1c", "backgroundColor": "#b91c1c"}]})
        out.append({"id": "chart_%s_within" % workflow, "type": "bar",
                    "title": tk._("Share within standard (%)"), "labels": labels,
                    "y_label": "%",
                    "datasets": [{"label": tk._("Share within standard"),
                                  "data": [None if r["within"] is None
                                           else round(100 * r["within"], 1) for r in steps]}]})
        months = by_id["%s_months" % workflow]["rows"]
        from ckanext.satudata.reports import month_label
        out.append({"id": "chart_%s_months" % workflow, "type": "line",
                    "title": by_id["%s_months" % workflow]["title"],
                    "labels": [month_label(r["month"]) for r in months],
                    "y_label": tk._("transitions"),
                    "datasets": [{"label": tk._("Volume"),
                                  "data": [r["volume"] for r in months]}]})
    if "rights_months" in by_id:   # rights requests per month: within 72 hours or not
        from ckanext.satudata.reports import month_label
        per_month: dict[str, dict[str, int]] = {}
        for r in by_id["rights_months"]["rows"]:
            m = per_month.setdefault(r["month"], {"answered_within": 0, "over": 0, "open": 0})
            for key in m:
                m[key] += r[key]
        columns = dict(by_id["rights_months"]["columns"])
        out.append({"id": "chart_rights_months", "type": "bar",
                    "title": by_id["rights_months"]["title"],
                    "labels": [month_label(m) for m in per_month],
                    "y_label": tk._("Rights request"),
                    "datasets": [{"label": columns[key],
                                  "data": [per_month[m][key] for m in per_month]}
                                 for key in ("answered_within", "over", "open")]})
    return out

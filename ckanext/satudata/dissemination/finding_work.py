"""Finding work (issue 15): workflow state on the staff dataset lists, facets
and filters on /dataset and organization pages, the publication date, and
the colours of status badges.

Internal facets (state, step, assignee, overdue) are offered to the Walidata
team only; ``logic/read_guard.py`` refuses internal fields in ``q``/``fq``
for everyone else, so a hand-made URL reveals nothing either.
"""
from __future__ import annotations

import re
from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.dissemination import rules as d
from ckanext.satudata.workflow import roles

# SDI fields faceted for everyone; titles and value labels come from the schema.
PUBLIC_FACETS = ("topic", "update_frequency", "presentation_level")
# Internal index fields written by dataset_workflow.index_fields.
STATE, STEP, ASSIGNEE, DUE = ("satudata_state", "satudata_step", "satudata_assignee",
                              "satudata_due_date")
# The overdue filter is not an index field: `satudata_overdue:"1"` in `fq`
# becomes a range over the moment the step's standard time ran out.
OVERDUE = "satudata_overdue"
_OVERDUE_FQ = re.compile(r'(?<![\w.])satudata_overdue\s*:\s*"?(?:1|true|ya)"?', re.IGNORECASE)
_OVERDUE_RANGE = "%s:[* TO NOW]" % DUE


# -- who --------------------------------------------------------------------------

def _current_user():
    try:
        user = tk.current_user
        return user if user and user.is_authenticated else None
    except (RuntimeError, AttributeError):   # no request (CLI, jobs)
        return None


def staff_facets_allowed() -> bool:
    """The Walidata team and sysadmins (whose searches may name internal fields)."""
    user = _current_user()
    return bool(user is not None and (user.sysadmin or roles.is_walidata_team(user.id)))


def _lang() -> str:
    try:
        return tk.h.lang() or "id"
    except (RuntimeError, AttributeError):
        return "id"


# -- IFacets ------------------------------------------------------------------------

def _schema_field(name: str) -> dict[str, Any]:
    schema = tk.h.scheming_get_dataset_schema("dataset") or {}
    for field in schema.get("dataset_fields") or []:
        if field["field_name"] == name:
            return field
    return {}


def _label(text: Any) -> str:
    if isinstance(text, dict):
        return text.get(_lang()) or text.get("id") or text.get("en") or ""
    return str(text or "")


def dataset_facets(facets_dict, package_type=None):
    """Topik, Frekuensi, Tingkat Penyajian for everyone; the workflow facets
    only for the Walidata team."""
    for name in PUBLIC_FACETS:
        facets_dict[name] = _label(_schema_field(name).get("label")) or name
    if staff_facets_allowed():
        facets_dict[STATE] = tk._("Workflow state")
        facets_dict[STEP] = tk._("SOP step")
        facets_dict[ASSIGNEE] = tk._("Assigned to")
        facets_dict[OVERDUE] = tk._("Overdue")
    return facets_dict


def organization_facets(facets_dict, organization_type=None, package_type=None):
    return dataset_facets(facets_dict, package_type)


# -- IPackageController search hooks -----------------------------------------------

def before_search(search_params: dict[str, Any]) -> dict[str, Any]:
    """`satudata_overdue:"1"` (the overdue filter's URL parameter) becomes the
    range over the step's due moment. The read guard has already refused the
    name for outsiders (it runs first, as a chained action)."""
    fq = search_params.get("fq")
    if isinstance(fq, str) and _OVERDUE_FQ.search(fq):
        search_params["fq"] = _OVERDUE_FQ.sub(_OVERDUE_RANGE, fq)
    fq_list = search_params.get("fq_list")
    if isinstance(fq_list, list):
        search_params["fq_list"] = [_OVERDUE_FQ.sub(_OVERDUE_RANGE, f)
                                    if isinstance(f, str) else f for f in fq_list]
    return search_params


def _value_labels(field: str) -> dict[str, str]:
    if field in PUBLIC_FACETS:
        return {c["value"]: _label(c["label"])
                for c in _schema_field(field).get("choices") or []}
    if field == STATE:
        return {s: tk.h.satudata_state_label(s) for s in d.STEPS}
    if field == STEP:
        return {step.number: "%s %s: %s" % (tk._("Step"), step.number, tk._(step.label))
                for step in d.STEPS.values() if step.standard_minutes}
    return {}


def after_search(search_results: dict[str, Any], search_params: dict[str, Any]):
    """Facet values as people read them: choice labels in the page language,
    state and step names, display names of assignees."""
    facets = search_results.get("search_facets")
    if not isinstance(facets, dict):
        return search_results
    try:
        for field, facet in facets.items():
            items = facet.get("items") or []
            if field == ASSIGNEE:
                for item in items:
                    user = model.User.get(item["name"])
                    item["display_name"] = user.display_name if user else item["name"]
                continue
            labels = _value_labels(field)
            for item in items:
                item["display_name"] = labels.get(item["name"], item["display_name"])
        if OVERDUE in facets:
            active = _OVERDUE_RANGE in str(search_params.get("fq") or "")
            # filtered on it, every result is overdue; otherwise no pill to name
            facets[OVERDUE]["items"] = [{"name": "1", "display_name": tk._("Yes"),
                                         "count": search_results.get("count", 0)}] \
                if active else []
    except (RuntimeError, AttributeError):   # no request: labels stay the values
        pass
    return search_results


# -- template helpers ----------------------------------------------------------------

def satudata_list_workflow(package: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The workflow state of a dataset in a search listing, for who may see
    its workflow (the Walidata team and the owning OPD); None for others."""
    user = _current_user()
    if user is None or not package or not package.get("id"):
        return None
    try:
        tk.check_access("satudata_dataset_workflow_show", {"user": user.name},
                        {"id": package["id"]})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None
    from ckanext.satudata.dissemination import service as wf
    row = wf.get_row(package["id"])
    if row is None:
        return None
    sla = wf.sla(row)
    assignee = model.User.get(row.assignee_id) if row.assignee_id else None
    return {"state": row.state, "published": bool(row.published),
            "revision": bool(row.published) and row.state != d.TERBIT,
            "sla": sla, "overdue": bool(sla["overdue"]),
            "assignee": assignee.display_name if assignee else None}


def satudata_overdue_filter() -> Optional[dict[str, Any]]:
    """The overdue filter of the search page (Walidata team only): whether
    it is on, the link that toggles it, and how many datasets it finds."""
    if not staff_facets_allowed():
        return None
    args = tk.request.args
    active = bool(args.get(OVERDUE))
    params = [(k, v) for k, v in args.items(multi=True) if k not in (OVERDUE, "page")]
    if active:
        url = tk.h.remove_url_param(OVERDUE, replace=None)
    else:
        url = tk.h.add_url_param(new_params={OVERDUE: "1"})
    fq = " ".join('%s:"%s"' % (k, v.replace('"', '\\"')) for k, v in params
                  if k not in ("q", "sort") and not k.startswith(("_", "ext_")) and v)
    fq = (fq + ' %s:"1"' % OVERDUE).strip()
    try:
        count = tk.get_action("package_search")(
            {"user": tk.current_user.name},
            {"q": args.get("q") or "", "fq": fq, "rows": 0,
             "include_private": True})["count"]
    except Exception:   # noqa: BLE001 - a bad query shows up on the page itself
        count = None
    return {"active": active, "url": url, "count": count}


def satudata_published_at(package_id: str) -> Optional[str]:
    """When the dataset was first published (the first `publish` in the log),
    as an ISO timestamp; None if it never was."""
    from ckanext.satudata.model import dataset_transition_log as log_table
    if not package_id:
        return None
    first = model.Session.execute(
        sa.select(sa.func.min(log_table.c.at)).where(
            log_table.c.package_id == package_id,
            log_table.c.transition == "publish")).scalar()
    if first is None:
        return None
    from ckanext.satudata.workflow import clock
    return clock.iso_wib(first)


# Badge colours (background, text) with a WCAG AA contrast of at least 4.5:1
# (white text on CKAN's cyan `info` was 1.96:1, on its orange `warning` 2.57:1).
BADGE_COLOURS = {
    "primary": ("#206b82", "#ffffff"),
    "secondary": ("#5c636a", "#ffffff"),
    "success": ("#2e6b2e", "#ffffff"),
    "danger": ("#b52b27", "#ffffff"),
    "info": ("#0e7490", "#ffffff"),
    "warning": ("#9a3412", "#ffffff"),
    "dark": ("#333333", "#ffffff"),
}


def satudata_badge_style(colour: str) -> str:
    background, text = BADGE_COLOURS.get(colour, BADGE_COLOURS["secondary"])
    return "background-color: %s; color: %s;" % (background, text)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    def luminance(hex_colour: str) -> float:
        h = hex_colour.lstrip("#")
        channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


@tk.chained_helper
def gravatar(next_helper, email_hash, size=100, default=None):
    """No avatar from gravatar.com, whatever `ckan.gravatar_default` says:
    the local placeholder (as CKAN shows with `disabled`)."""
    return tk.h.snippet("user/snippets/placeholder.html", size=size, user_name="")

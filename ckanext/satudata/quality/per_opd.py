"""Quality per OPD (issue 25): per producing OPD, its published datasets,
average metadata score, share valid, share on schedule; the datasets that need
their update ("Perlu diperbarui"); and the figures BPS's EPSS asks evidence for,
each with the datasets behind it. Only published datasets count.

Tables are the reports' shape ({"id", "title", "columns", "rows"}) so
reports/export.py writes them as CSV (formula-safe cells) and XLSX.
Pages: /satudata/kualitas-opd (public) and a section of Kinerja SOP.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
from flask import Blueprint

from ckanext.satudata.quality import schedule
from ckanext.satudata.quality.actions import LINK_TASK

VALID, INVALID, UNKNOWN = "valid", "invalid", "unknown"
# The indicators that make "complete metadata" for EPSS: what a catalogue
# needs to find and reuse the dataset, and the five Standar Data fields.
COMPLETE_METADATA = ("keyword", "theme", "spatial", "temporal", "licence", "access_rights",
                     "contact_point", "publisher", "konsep", "definisi", "klasifikasi",
                     "ukuran", "satuan")


def validity(package_id: str) -> str:
    """valid: the latest data-check report has no errors; invalid: it has;
    unknown: no report (no CSV/XLSX, checks not run yet or still running)."""
    try:
        from ckanext.satudata.quality import checks
        report = checks.latest_report(package_id)
    except Exception:  # noqa: BLE001 - the checks are optional to this view
        return UNKNOWN
    if report.get("status") != "done":
        return UNKNOWN
    return INVALID if report.get("validation_errors") else VALID


def _fingerprint() -> str:
    """What the rows depend on, read in one cheap query: the published datasets
    and their last change, publications, link checks, data-check reports, and
    the day (due dates move with it)."""
    import sqlalchemy as sa
    parts = [
        "SELECT count(*), max(p.metadata_modified) FROM package p JOIN "
        "satudata_dataset_workflow w ON w.package_id = p.id WHERE w.published "
        "AND p.state = 'active'",
        "SELECT count(*), max(at) FROM satudata_dataset_transition_log",
        "SELECT count(*), max(last_updated) FROM task_status WHERE task_type = :link",
        "SELECT count(*), max(coalesce(finished_at, created_at)) FROM satudata_quality_report",
    ]
    values = [schedule.today().isoformat()]
    for sql in parts:
        try:
            with model.Session.begin_nested():
                values.append(str(tuple(model.Session.execute(
                    sa.text(sql), {"link": LINK_TASK}).first())))
        except sa.exc.DBAPIError:   # a table not migrated here (no quality checks)
            values.append("-")
    return "|".join(values)


def cached_dataset_rows() -> list[dict[str, Any]]:
    """dataset_rows() kept in Redis under the fingerprint of what they depend
    on: the public page recomputes only after a change (or a new day)."""
    import hashlib
    import json
    from ckanext.satudata.requests.ratelimit import fast_redis
    key = "satudata:quality:rows:" + hashlib.sha256(_fingerprint().encode()).hexdigest()
    try:
        cached = fast_redis().get(key)
    except Exception:  # noqa: BLE001 - Redis away: compute
        cached = None
    if cached:
        rows = json.loads(cached)
        for r in rows:
            r["due"] = dt.date.fromisoformat(r["due"]) if r["due"] else None
        return rows
    rows = dataset_rows()
    try:
        fast_redis().set(key, json.dumps(rows, default=str), ex=86400)
    except Exception:  # noqa: BLE001
        pass
    return rows


def dataset_rows(org_ids=None) -> list[dict[str, Any]]:
    """One row per published dataset: its score, validity, schedule."""
    from ckanext.satudata.quality.actions import quality_of
    context = {"ignore_auth": True}
    rows, org_cache = [], {}
    for item in schedule.published_datasets(org_ids):
        try:
            pkg = tk.get_action("package_show")(dict(context), {"id": item["id"]})
        except tk.ObjectNotFound:
            continue
        card = quality_of(pkg, plan=item, org_cache=org_cache)["score"]
        earned = {i["key"]: i["points"] == i["max"] for i in card["indicators"]}
        rows.append({
            "id": item["id"], "name": item["name"], "title": item["title"],
            "owner_org": item["owner_org"],
            "url": tk.config.get("ckan.site_url", "").rstrip("/") + "/dataset/" + item["name"],
            "mqa_points": card["mqa_points"], "rating": card["rating"],
            "satu_data_points": card["satu_data_points"],
            "metadata_complete": all(earned.get(k) for k in COMPLETE_METADATA),
            "data_dictionary": bool(earned.get("data_dictionary")),
            "kode_referensi": bool(earned.get("kode_referensi")),
            "validity": validity(item["id"]),
            "due": item["due"], "schedule_status": item["status"],
            "on_schedule": None if item["due"] is None else item["status"] != schedule.OVERDUE,
        })
    return rows


def _share(part: int, whole: int) -> Optional[float]:
    return round(100.0 * part / whole, 1) if whole else None


def _orgs() -> dict[str, model.Group]:
    return {g.id: g for g in model.Session.query(model.Group).filter(
        model.Group.is_organization.is_(True), model.Group.state == "active")}


def _orgs_by_name() -> dict[str, str]:
    return {g.name: g.id for g in _orgs().values()}


def per_opd_table(rows: list[dict[str, Any]]) -> dict[str, Any]:
    orgs = _orgs()
    by_org: dict[str, list] = {}
    for r in rows:
        by_org.setdefault(r["owner_org"], []).append(r)
    out = []
    for org_id, own in by_org.items():
        org = orgs.get(org_id)
        n = len(own)
        scheduled = [r for r in own if r["on_schedule"] is not None]
        out.append({
            "opd": org.title if org is not None else org_id, "datasets": n,
            "average_score": round(sum(r["mqa_points"] for r in own) / n, 1),
            "average_satu_data": round(sum(r["satu_data_points"] for r in own) / n, 1),
            "share_valid": _share(sum(r["validity"] == VALID for r in own), n),
            "validity_unknown": sum(r["validity"] == UNKNOWN for r in own),
            "share_on_schedule": _share(sum(bool(r["on_schedule"]) for r in scheduled),
                                        len(scheduled)),
            "without_schedule": n - len(scheduled),
        })
    out.sort(key=lambda r: r["opd"])
    return {"id": "kualitas_opd", "sheet": "Kualitas per OPD",
            "title": tk._("Quality per OPD (published datasets)"),
            "columns": [("opd", tk._("OPD")), ("datasets", tk._("Datasets")),
                        ("average_score", tk._("Average metadata score (of 405)")),
                        ("average_satu_data", tk._("Average Satu Data score (of 100)")),
                        ("share_valid", tk._("Valid (%)")),
                        ("validity_unknown", tk._("Validity unknown")),
                        ("share_on_schedule", tk._("On schedule (%)")),
                        ("without_schedule", tk._("Without schedule (ad hoc)"))],
            "rows": out}


def needing_update_table(org_ids=None) -> dict[str, Any]:
    orgs = _orgs()
    rows = []
    for item in schedule.needing_update(org_ids):
        org = orgs.get(item["owner_org"])
        rows.append({"opd": org.title if org is not None else item["owner_org"],
                     "dataset": item["title"], "name": item["name"],
                     "url": tk.config.get("ckan.site_url", "").rstrip("/")
                     + "/dataset/" + item["name"],
                     "due": item["due"].isoformat(),
                     "status": tk._("Overdue") if item["status"] == schedule.OVERDUE
                     else tk._("Due soon")})
    rows.sort(key=lambda r: (r["opd"], r["due"]))
    return {"id": "perlu_diperbarui", "sheet": "Perlu diperbarui",
            "title": tk._("Needs updating"),
            "columns": [("opd", tk._("OPD")), ("dataset", tk._("Dataset")),
                        ("due", tk._("Due date")), ("status", tk._("Status")),
                        ("url", "URL")],
            "rows": rows}


def epss_tables(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The EPSS evidence: each figure with its numerator, denominator, share and
    the datasets behind it; then one row per dataset."""
    yes, no = tk._("yes"), tk._("no")
    scheduled = [r for r in rows if r["on_schedule"] is not None]
    figures = [
        (tk._("Datasets with complete metadata and data dictionary"),
         [r for r in rows if r["metadata_complete"] and r["data_dictionary"]], rows),
        (tk._("Datasets updated on schedule"),
         [r for r in scheduled if r["on_schedule"]], scheduled),
        (tk._("Datasets using reference codes"), [r for r in rows if r["kode_referensi"]], rows),
    ]
    summary = [{"figure": label, "count": len(part), "total": len(whole),
                "share": _share(len(part), len(whole)),
                "datasets": ", ".join(r["name"] for r in part)}
               for label, part, whole in figures]
    orgs = _orgs()
    detail = [{
        "dataset": r["title"], "name": r["name"],
        "opd": orgs[r["owner_org"]].title if r["owner_org"] in orgs else r["owner_org"],
        "metadata_complete": yes if r["metadata_complete"] else no,
        "data_dictionary": yes if r["data_dictionary"] else no,
        "on_schedule": "—" if r["on_schedule"] is None else (yes if r["on_schedule"] else no),
        "kode_referensi": yes if r["kode_referensi"] else no,
        "url": r["url"]} for r in sorted(rows, key=lambda r: r["name"])]
    return [
        {"id": "epss", "sheet": "EPSS", "title": tk._("EPSS evidence"),
         "columns": [("figure", tk._("Figure")), ("count", tk._("Datasets")),
                     ("total", tk._("Of")), ("share", "%"),
                     ("datasets", tk._("Datasets behind the figure"))],
         "rows": summary},
        {"id": "epss_dataset", "sheet": "EPSS per dataset",
         "title": tk._("EPSS evidence per dataset"),
         "columns": [("dataset", tk._("Dataset")), ("name", tk._("Name")), ("opd", tk._("OPD")),
                     ("metadata_complete", tk._("Complete metadata")),
                     ("data_dictionary", tk._("Data dictionary")),
                     ("on_schedule", tk._("On schedule")),
                     ("kode_referensi", tk._("Reference codes")), ("url", "URL")],
         "rows": detail},
    ]


def all_tables() -> list[dict[str, Any]]:
    rows = cached_dataset_rows()
    return [per_opd_table(rows)] + epss_tables(rows)


# -- pages ----------------------------------------------------------------------------

quality_pages = Blueprint("satudata_quality", __name__)


@quality_pages.route("/satudata/kualitas-opd")
def public_page():
    return tk.render("satudata/quality_per_opd.html", {"tables": all_tables()})


@quality_pages.route("/satudata/kualitas-opd/<table_id>.<fmt>")
def public_export(table_id, fmt):
    from ckanext.satudata.reports.views import download
    tables = {t["id"]: t for t in all_tables()}
    if fmt not in ("csv", "xlsx") or (table_id not in tables
                                      and not (table_id == "semua" and fmt == "xlsx")):
        return tk.abort(404, "Tabel tidak ditemukan / No such table")
    chosen = list(tables.values()) if table_id == "semua" else [tables[table_id]]
    response = download(chosen, "kualitas-opd-%s" % table_id, fmt)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@quality_pages.route("/satudata/kinerja/perlu-diperbarui.<fmt>")
def needing_update_export(fmt):
    from ckanext.satudata.reports.views import _guard, download
    _guard()
    if fmt not in ("csv", "xlsx"):
        return tk.abort(404, "Tabel tidak ditemukan / No such table")
    return download([needing_update_table()], "perlu-diperbarui", fmt)


# -- template helpers -------------------------------------------------------------------

def satudata_needing_update() -> Optional[dict[str, Any]]:
    """The work list's "Perlu diperbarui": every OPD for the Walidata team,
    the user's own OPDs for their members; None for anyone else."""
    from ckanext.satudata.workflow import roles
    try:
        user = tk.current_user
        if not user or not user.is_authenticated:
            return None
    except (RuntimeError, AttributeError):
        return None
    if user.sysadmin or roles.is_walidata_team(user.id):
        org_ids = None
    else:
        org_ids = [m.group_id for m in model.Session.query(model.Member).filter(
            model.Member.table_name == "user", model.Member.table_id == user.id,
            model.Member.state == "active")]
        if not org_ids:
            return None
    # every published dataset's schedule worked out (~50 ms at 3,000): kept
    # under the page generation (any dataset or workflow write), the WIB date
    # and the page language, per set of OPDs
    from ckanext.satudata.page_cache import store
    return store.remembered(
        "needing-update", (sorted(org_ids) if org_ids is not None else None, tk.h.lang()),
        lambda: needing_update_table(org_ids))


def satudata_quality_per_opd() -> list[dict[str, Any]]:
    """Kinerja's per-OPD table (published datasets, as the public page)."""
    return [per_opd_table(cached_dataset_rows())]

"""Checks before a reviewer signs (issue 25) and the personal-data scan
(issue 26): every CSV/XLSX resource of the content under review is checked in
the background worker — against its Table Schema (validation.py), Banyuwangi's
reference codes and the declared period (reference_codes.py), and for
personal data (personal_data.py) — and the report is kept per resource and
content hash: new content, new report. `gate` is what the approval asks."""
from __future__ import annotations

import datetime
import hashlib
import logging
import os
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.i18n import N_, bilingual
from ckanext.satudata.quality.model import quality_report, table_schema
from ckanext.satudata.workflow import clock

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
MAX_BYTES = 20 * 1024 * 1024
SAMPLE_ROWS = 10000
INLINE_MAX_BYTES = 1024 * 1024

MSG_RUNNING = N_("The quality checks of this content are still running; approve once the "
                 "report is in the review panel (reload the page in a minute)")
MSG_WAIVER = N_("The quality report of this content lists %d problem(s) (data errors or "
                "personal data); write a waiver note saying why it may be approved anyway, "
                "or return it")


def max_bytes() -> int:
    return tk.asint(tk.config.get("ckanext.satudata.quality.max_bytes", MAX_BYTES))


def sample_rows() -> int:
    return tk.asint(tk.config.get("ckanext.satudata.quality.sample_rows", SAMPLE_ROWS))


# -- what is checked ---------------------------------------------------------

def _content(package_id: str) -> tuple[Optional[str], dict]:
    """(content hash, the dataset as it reads under review: its pending
    revision, else the live dataset) from the workflow row."""
    from ckanext.satudata.dissemination import service as wf
    row = wf.get_row(package_id)
    if row is None:
        return None, {}
    if row.pending_revision is not None:
        return row.content_hash, row.pending_revision
    return row.content_hash, wf.show_fresh(package_id)


def _file_of(package_id: str, resource: dict) -> Optional[str]:
    from ckanext.satudata.dissemination import revision_files
    if resource.get("url_type") != "upload":
        return None
    return (revision_files.held_file(package_id, resource["id"])
            or revision_files.live_path(resource["id"]))


def checkable(pkg: dict) -> list[dict]:
    """The content's CSV/XLSX resources."""
    from ckanext.satudata.quality.checks.validation import file_format
    return [r for r in pkg.get("resources") or [] if r.get("id") and file_format(r)]


def request_checks(package_id: str, dispatch_job: bool = True) -> int:
    """Queue the checks of the content's resources that have no report yet
    (committed here) and ask the worker to run them. Returns how many."""
    content_hash, pkg = _content(package_id)
    if not content_hash:
        return 0
    queued = 0
    for resource in checkable(pkg):
        # a link is not the portal's file: nothing for the worker to read
        link = _file_of(package_id, resource) is None
        result = model.Session.execute(insert(quality_report).values(
            resource_id=resource["id"], content_hash=content_hash, package_id=package_id,
            resource_name=resource.get("name") or resource["id"],
            status=DONE if link else QUEUED, message="link" if link else None,
            validation=[], reference=[], personal=[], sampled=False,
            created_at=clock.now(), finished_at=clock.now() if link else None)
            .on_conflict_do_nothing())
        queued += result.rowcount
    model.Session.commit()
    waiting = model.Session.execute(sa.select(sa.func.count()).select_from(quality_report).where(
        quality_report.c.package_id == package_id, quality_report.c.content_hash == content_hash,
        quality_report.c.status == QUEUED)).scalar()
    if waiting and dispatch_job:
        dispatch(package_id, content_hash)
    return queued


def dispatch(package_id: str, content_hash: str) -> bool:
    """Enqueue the job (after commit); False when the queue is unreachable:
    the rows wait for the next request or `ckan satudata quality check`."""
    from ckanext.satudata.requests.ratelimit import fast_redis
    try:
        fast_redis().ping()
        tk.enqueue_job(run_checks, [package_id, content_hash],
                       title="satudata: quality checks %s" % package_id,
                       rq_kwargs={"timeout": 1800})
        return True
    except Exception as e:  # Redis down: never fail the request
        log.warning("satudata: quality checks of %s wait, queue unavailable: %s", package_id, e)
        return False


# -- the job ---------------------------------------------------------------------

def run_checks(package_id: str, content_hash: str,
               max_file_bytes: Optional[int] = None) -> dict:
    """The background job: check each queued resource of this content, one
    row at a time (locked, SKIP LOCKED: two runs never check the same one).
    With `max_file_bytes`, only files up to that size (the approval's inline
    run); the others are left to the worker."""
    done = 0
    current_hash, pkg = _content(package_id)
    resources = {r["id"]: r for r in checkable(pkg)} if current_hash == content_hash else {}
    seen: list[int] = [0]
    while True:
        row = model.Session.execute(
            sa.select(quality_report).where(
                quality_report.c.package_id == package_id,
                quality_report.c.content_hash == content_hash,
                quality_report.c.status.in_((QUEUED, RUNNING)),
                quality_report.c.id.notin_(seen))
            .order_by(quality_report.c.id).limit(1).with_for_update(skip_locked=True)).first()
        if row is None:
            break
        seen.append(row.id)
        resource = resources.get(row.resource_id)
        if resource is None:
            values = {"status": FAILED, "message": "superseded: the content changed"}
        else:
            if max_file_bytes is not None:
                path = _file_of(package_id, resource)
                if path and os.path.isfile(path) and os.path.getsize(path) > max_file_bytes:
                    continue
            values = check_resource(package_id, resource, period_of(pkg))
        values["finished_at"] = clock.now()
        model.Session.execute(sa.update(quality_report)
                              .where(quality_report.c.id == row.id).values(**values))
        model.Session.commit()
        done += 1
    model.Session.commit()
    return {"checked": done}


def inline_max_bytes() -> int:
    return tk.asint(tk.config.get("ckanext.satudata.quality.inline_max_bytes", INLINE_MAX_BYTES))


def finish_small(package_id: str) -> int:
    """Before an approval: what the worker has not checked yet and is small
    (up to `inline_max_bytes`) is checked now, so a reviewer never waits on
    a queue for a small file; larger ones keep the approval waiting."""
    content_hash, _ = _content(package_id)
    if not content_hash or inline_max_bytes() <= 0:
        return 0
    return run_checks(package_id, content_hash, inline_max_bytes())["checked"]


def period_of(pkg: dict) -> tuple[Optional[int], Optional[int]]:
    def year(value):
        try:
            return int(str(value)[:4])
        except (TypeError, ValueError):
            return None
    return year(pkg.get("period_start")), year(pkg.get("period_end"))


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _schema_for(resource: dict, path: str, fmt: str) -> tuple[dict, str]:
    """(Table Schema, where it came from): the DataStore data dictionary,
    else the kept one, else inferred now and kept."""
    from ckanext.satudata.quality.checks import validation
    if resource.get("datastore_active"):
        try:
            info = tk.get_action("datastore_info")({"ignore_auth": True}, {
                "id": resource["id"], "include_meta": False, "include_fields_schema": False})
            schema = validation.datastore_schema(info.get("fields") or [])
            if schema:
                return schema, "datastore"
        except Exception as e:  # DataStore off or the table gone: fall back
            log.info("satudata: no data dictionary for %s: %s", resource["id"], e)
    kept = model.Session.execute(sa.select(table_schema.c.schema).where(
        table_schema.c.resource_id == resource["id"])).scalar()
    if kept:
        return kept, "kept"
    schema = validation.infer_schema(path, fmt)
    model.Session.execute(insert(table_schema).values(
        resource_id=resource["id"], schema=schema, source="inferred",
        created_at=clock.now()).on_conflict_do_nothing())
    return schema, "inferred"


def check_file(path: str, fmt: str, schema: Optional[dict],
               period: tuple = (None, None)) -> dict[str, Any]:
    """The report's columns for one file (no database): validation against
    `schema` (skipped when None), reference codes, personal data. A file
    above `max_bytes` is read once as a stream and checked on a sample of
    `sample_rows` rows spread over the whole file (validation.sample)."""
    from ckanext.satudata.quality.checks import personal_data, reference_codes, validation
    size = validation.file_size(path)
    values: dict[str, Any] = {"file_bytes": size, "sampled": False, "sampling": None,
                              "file_sha256": _sha256(path)}
    rows_checked = None
    if size > max_bytes():
        try:
            found = validation.sample(path, fmt, sample_rows())
        except Exception as e:  # unreadable: validation of its head says why
            log.info("satudata: %s unreadable for sampling: %s", path, e)
            found = None
        if found is None:
            if schema is not None:
                result = validation.validate(path, fmt, schema, sample_rows())
                values["validation"] = result["errors"]
                rows_checked = result["rows"]
            header, rows = [], []
        else:
            values["sampled"] = found.sampled
            values["sampling"] = found.describe() if found.sampled else None
            if schema is not None:
                result = validation.validate(path, fmt, schema, sampled=found)
                values["validation"] = result["errors"]
            header, rows = found.header, found.rows
            rows_checked = len(found.rows)
    else:
        if schema is not None:
            result = validation.validate(path, fmt, schema)
            values["validation"] = result["errors"]
            rows_checked = result["rows"]
        try:
            header, rows = validation.read_rows(path, fmt)
            rows = list(rows)
        except Exception as e:  # unreadable: validation has said so
            log.info("satudata: %s unreadable for the scans: %s", path, e)
            header, rows = [], []
    values["reference"] = reference_codes.check_rows(header, rows, period)
    values["personal"] = personal_data.scan_rows(header, rows)
    values["rows_checked"] = rows_checked if rows_checked is not None else len(rows)
    values["status"] = DONE
    return values


def check_resource(package_id: str, resource: dict, period: tuple) -> dict[str, Any]:
    from ckanext.satudata.quality.checks import validation
    path = _file_of(package_id, resource)
    if path is None:
        return {"status": DONE, "message": "link",
                "validation": [], "reference": [], "personal": []}
    fmt = validation.file_format(resource)
    try:
        schema, source = _schema_for(resource, path, fmt)
        values = check_file(path, fmt, schema, period)
        values["schema_source"] = source
        return values
    except Exception as e:
        model.Session.rollback()
        log.exception("satudata: quality check of resource %s failed", resource.get("id"))
        return {"status": FAILED, "message": str(e)[:500]}


# -- reading ---------------------------------------------------------------------

def _as_dict(row) -> dict[str, Any]:
    return {
        "resource_id": row.resource_id, "resource_name": row.resource_name,
        "status": row.status, "sampled": row.sampled, "rows_checked": row.rows_checked,
        "sampling": row.sampling,
        "file_bytes": row.file_bytes, "file_sha256": row.file_sha256,
        "schema_source": row.schema_source, "message": row.message,
        "validation": row.validation or [], "reference": row.reference or [],
        "personal": row.personal or [],
        "created_at": clock.iso_wib(row.created_at),
        "finished_at": clock.iso_wib(row.finished_at) if row.finished_at else None,
    }


def problems(report: dict) -> int:
    """What needs a waiver: data errors, reference findings, personal data, a
    check that failed."""
    count = 0
    for r in report["resources"]:
        count += len(r["validation"]) + len(r["reference"]) + len(r["personal"])
        count += 1 if r["status"] == FAILED else 0
    return count


def latest_report(package_id: str) -> dict[str, Any]:
    """The checks of the content now under review (or live): {content_hash,
    status: none | running | done, resources: [...], counts, needs_waiver}."""
    content_hash, pkg = _content(package_id)
    wanted = checkable(pkg) if content_hash else []
    rows = {}
    if content_hash:
        rows = {r.resource_id: r for r in model.Session.execute(
            sa.select(quality_report).where(quality_report.c.package_id == package_id,
                                            quality_report.c.content_hash == content_hash))}
    resources = []
    for resource in wanted:
        row = rows.get(resource["id"])
        if row is None:
            resources.append({"resource_id": resource["id"],
                              "resource_name": resource.get("name") or resource["id"],
                              "status": QUEUED, "validation": [], "reference": [],
                              "personal": [], "missing": True})
        else:
            resources.append(_as_dict(row))
    running = any(r["status"] in (QUEUED, RUNNING) for r in resources)
    report = {
        "content_hash": content_hash,
        "status": "none" if not resources else ("running" if running else "done"),
        "resources": resources,
        "validation_errors": sum(len(r["validation"]) for r in resources),
        "reference_findings": sum(len(r["reference"]) for r in resources),
        "personal_findings": sum(len(r["personal"]) for r in resources),
    }
    report["problems"] = problems(report)
    report["needs_waiver"] = report["status"] == "done" and report["problems"] > 0
    return report


# -- the approval gate -------------------------------------------------------------

def gate(package_id: str, waiver: str) -> Optional[str]:
    """Before a Subkoord or Kabid approval: the report must exist; with
    problems, a waiver note is needed. Returns the waiver to log (None when
    nothing was waived); raises the workflow's Invalid otherwise."""
    from ckanext.satudata.workflow.machine import Invalid
    report = latest_report(package_id)
    if report["status"] == "running":
        raise Invalid(bilingual(MSG_RUNNING))
    if report["needs_waiver"]:
        if not (waiver or "").strip():
            raise Invalid(bilingual(MSG_WAIVER, report["problems"]))
        return waiver.strip()
    return None


def now() -> datetime.datetime:
    return clock.now()

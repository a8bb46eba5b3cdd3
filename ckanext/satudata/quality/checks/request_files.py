"""The personal-data scan of a file an OPD sends for a data request (issue
26): staff see the findings on the request page before they deliver it.
A table (CSV/XLSX) is scanned cell by cell; small files at once, larger ones
by the worker; other files are named as not scanned."""
from __future__ import annotations

import logging
import os
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

import ckan.model as model

from ckanext.satudata.quality import checks
from ckanext.satudata.quality.model import quality_report
from ckanext.satudata.workflow import clock

log = logging.getLogger(__name__)
NOT_A_TABLE = "not a table"


def _key(request_id: str) -> str:
    return "permintaan:%s" % request_id


def _format(path: str) -> Optional[str]:
    from ckanext.satudata.quality.checks.validation import file_format
    return file_format({"url": path})


def scan_received(request_id: str, path: str) -> None:
    """After `opd_send` is committed: record the scan of the file (committed
    here), run it now when small, else ask the worker."""
    if not path or not os.path.isfile(path):
        return
    digest = checks._sha256(path)
    fmt = _format(path)
    model.Session.execute(insert(quality_report).values(
        resource_id=_key(request_id), content_hash=digest, request_id=request_id,
        resource_name=os.path.basename(path).split("-", 1)[-1],
        status=checks.QUEUED if fmt else checks.DONE,
        message=None if fmt else NOT_A_TABLE, validation=[], reference=[], personal=[],
        sampled=False, created_at=clock.now(),
        finished_at=None if fmt else clock.now()).on_conflict_do_nothing())
    model.Session.commit()
    if not fmt:
        return
    if os.path.getsize(path) <= checks.inline_max_bytes():
        run_scan(request_id, digest, path)
    else:
        from ckanext.satudata.requests.ratelimit import fast_redis
        import ckan.plugins.toolkit as tk
        try:
            fast_redis().ping()
            tk.enqueue_job(run_scan, [request_id, digest, path],
                           title="satudata: personal-data scan of a request file",
                           rq_kwargs={"timeout": 1800})
        except Exception as e:  # the row says "checking" until the next try
            log.warning("satudata: request file scan waits, queue unavailable: %s", e)


def run_scan(request_id: str, digest: str, path: str) -> dict:
    """Scan one received file (inline or as the worker's job)."""
    try:
        values = checks.check_file(path, _format(path), None)
    except Exception as e:
        log.exception("satudata: scan of the file of request %s failed", request_id)
        values = {"status": checks.FAILED, "message": str(e)[:500]}
    values["finished_at"] = clock.now()
    model.Session.execute(sa.update(quality_report).where(
        quality_report.c.resource_id == _key(request_id),
        quality_report.c.content_hash == digest).values(**values))
    model.Session.commit()
    return {"status": values["status"]}


def latest(request_id: str) -> Optional[dict[str, Any]]:
    """The scan of the last file the OPD sent, for the staff's page."""
    row = model.Session.execute(sa.select(quality_report).where(
        quality_report.c.resource_id == _key(request_id))
        .order_by(quality_report.c.id.desc()).limit(1)).first()
    return checks._as_dict(row) if row is not None else None


def satudata_received_file_scan(request_id: str) -> Optional[dict[str, Any]]:
    """Template helper (the request page, internal view)."""
    try:
        return latest(request_id)
    except Exception:  # noqa: BLE001 - the page shows without it
        log.exception("satudata: request file scan of %s", request_id)
        return None

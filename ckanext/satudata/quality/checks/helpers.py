"""Template helpers of the review panel's quality checks."""
from __future__ import annotations

from typing import Any, Optional


def satudata_quality_checks(package_id: str) -> Optional[dict[str, Any]]:
    """The report of the content under review (latest_report), or None;
    read once per page (the panel and its waiver box both ask)."""
    from flask import g, has_app_context
    from ckanext.satudata.quality.checks import latest_report
    memo = getattr(g, "satudata_quality_checks", None) if has_app_context() else None
    if memo is not None and package_id in memo:
        return memo[package_id]
    try:
        report = latest_report(package_id)
        if has_app_context():
            g.satudata_quality_checks = dict(memo or {}, **{package_id: report})
        return report
    except Exception:  # noqa: BLE001 - the panel shows without it rather than fail the page
        import logging
        logging.getLogger(__name__).exception("satudata: quality report of %s", package_id)
        return None


def satudata_quality_finding(section: str, finding: dict[str, Any]) -> str:
    from ckanext.satudata.quality.checks import messages
    return messages.describe(section, finding)

"""Template helpers of the review panel's quality checks."""
from __future__ import annotations

from typing import Any, Optional


def satudata_quality_checks(package_id: str) -> Optional[dict[str, Any]]:
    """The report of the content under review (latest_report), or None."""
    from ckanext.satudata.quality.checks import latest_report
    try:
        return latest_report(package_id)
    except Exception:  # noqa: BLE001 - the panel shows without it rather than fail the page
        import logging
        logging.getLogger(__name__).exception("satudata: quality report of %s", package_id)
        return None


def satudata_quality_finding(section: str, finding: dict[str, Any]) -> str:
    from ckanext.satudata.quality.checks import messages
    return messages.describe(section, finding)

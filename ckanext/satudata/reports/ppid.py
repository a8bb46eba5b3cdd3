"""The PPID's yearly report on the information service (UU 14/2008 art. 7 and
PerKI 1/2021 ask a public body to publish it): requests received, fulfilled,
partly fulfilled, not held, rejected with the legal reasons, objections and
the time taken, for any year. Counts only (no personal data); the figures are
those of the public statistics (reports/statistik.py), plus the objections.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.workflow import clock
from ckanext.satudata.requests import rules as p
from ckanext.satudata.model import table_exists
from ckanext.satudata.reports import statistik


def objection_figures(year: int) -> dict[str, int]:
    """Objections filed in `year` (WIB) and how they ended (workflow in
    keberatan.py; before migration 0009 there are none)."""
    empty = {"filed": 0, "upheld": 0, "dismissed": 0, "pending": 0, "decided_late": 0}
    if not table_exists("satudata_objection"):
        return empty
    row = model.Session.execute(sa.text("""
        SELECT count(*) AS filed,
               count(*) FILTER (WHERE status = 'diterima') AS upheld,
               count(*) FILTER (WHERE status = 'ditolak') AS dismissed,
               count(*) FILTER (WHERE status = 'diajukan') AS pending,
               count(*) FILTER (WHERE decided_at IS NOT NULL
                 AND (decided_at AT TIME ZONE 'Asia/Jakarta')::date > due_date) AS decided_late
        FROM satudata_objection
        WHERE extract(year FROM filed_at AT TIME ZONE 'Asia/Jakarta') = :year
    """), {"year": year}).first()
    return dict(row._mapping)


def report(year: int, now=None) -> dict[str, Any]:
    """{"year", "figures", "objections", "tables": [report, months, opd, reasons]}."""
    t = statistik.tables(year, now=now)
    f = t["summary"]["figures"]
    obj = objection_figures(year)
    rows = [
        ("1", tk._("Requests for information received"), f["received"]),
        ("2", tk._("Fulfilled in full"), f["fulfilled"]),
        ("3", tk._("Fulfilled in part"), f["partly_fulfilled"]),
        ("4", tk._("Information not held (closed, data not available)"), f["not_available"]),
        ("5", tk._("Rejected"), f["rejected"]),
    ]
    for i, (key, n) in enumerate(f["rejected_by_reason"].items(), start=1):
        rows.append(("5.%d" % i, statistik.reason_label(key), n))
    rows += [
        ("6", tk._("Withdrawn by the requester"), f["withdrawn"]),
        ("7", tk._("Still being processed at the time of the report"), f["open"]),
        ("8", tk._("Answered within 10 working days"), f[p.IN_TIME]),
        ("9", tk._("Answered within the extension (7 working days)"), f[p.IN_EXTENSION]),
        ("10", tk._("Answered late"), f[p.LATE]),
        ("11", tk._("Deadline extended"), f["extended"]),
        ("12", tk._("Average working days to answer"), f["avg_days"]),
        ("13", tk._("Median working days to answer"), f["median_days"]),
        ("14", tk._("Objections filed (keberatan)"), obj["filed"]),
        ("14.1", tk._("Objections upheld by the atasan PPID"), obj["upheld"]),
        ("14.2", tk._("Objections dismissed by the atasan PPID"), obj["dismissed"]),
        ("14.3", tk._("Objections not yet decided"), obj["pending"]),
        ("14.4", tk._("Objections decided after 30 working days"), obj["decided_late"]),
    ]
    main = {"id": "laporan_ppid_%d" % year, "sheet": "laporan",
            "title": tk._("PPID yearly report %(year)s") % {"year": year},
            "columns": [("no", tk._("No.")), ("figure", tk._("Figure")),
                        ("value", tk._("Value"))],
            "rows": [{"no": no, "figure": label, "value": value} for no, label, value in rows]}
    return {"year": year, "figures": f, "objections": obj, "generated_at":
            clock.iso_wib(now or clock.now()),
            "tables": [main, t["months"], t["opd"], t["reasons"]]}

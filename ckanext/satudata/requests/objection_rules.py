"""Keberatan (objection) to the answer on a data request, UU 14/2008 art. 35-36.

A requester may object when the request was rejected (art. 35(1)a), not
answered within the time the law gives (art. 35(1)e) or answered only in part
(art. 35(1)g), within 30 working days of that (art. 36(1)); the atasan PPID
(a portal role, ``ckanext.satudata.objection_role``, default ``kabid``)
decides within 30 working days of the filing (art. 36(2)).
Pure: no database, no CKAN; the effects live in logic/objection.py.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from ckanext.satudata.i18n import N_
from ckanext.satudata.requests import rules as p
from ckanext.satudata.workflow.machine import forbid as _forbid, invalid as _invalid

FILING_DAYS = 30      # art. 36(1)
DECISION_DAYS = 30    # art. 36(2)

# ground -> (label id, label en)
GROUNDS = {
    "ditolak": N_('The request was rejected (art. 35(1)a)'),
    "tidak_ditanggapi": N_('Not answered in time (art. 35(1)e)'),
    "tidak_lengkap": N_('Answered only in part (art. 35(1)g)'),
}
DIAJUKAN, DITERIMA, DITOLAK = "diajukan", "diterima", "ditolak"
STATUS_LABELS = {
    DIAJUKAN: N_('Filed, awaiting the decision of the atasan PPID'),
    DITERIMA: N_('Upheld'),
    DITOLAK: N_('Dismissed'),
}
DECISIONS = {"uphold": DITERIMA, "dismiss": DITOLAK}
DEFAULT_ROLE = p.KABID


@dataclass(frozen=True)
class Facts:
    """What the rules need to know about a request."""
    status: str
    due_date: dt.date
    closed_on: Optional[dt.date] = None      # WIB date of the answer
    partial: bool = False
    pending_objection: bool = False


def grounds(facts: Facts, today: dt.date, calendar) -> dict[str, dt.date]:
    """The grounds open to the requester today, each with its last filing day."""
    found = {}
    if facts.status == p.DITOLAK and facts.closed_on:
        found["ditolak"] = calendar.add_working_days(facts.closed_on, FILING_DAYS)
    if facts.status == p.SELESAI and facts.partial and facts.closed_on:
        found["tidak_lengkap"] = calendar.add_working_days(facts.closed_on, FILING_DAYS)
    late = (facts.closed_on is not None and facts.closed_on > facts.due_date
            and facts.status in p.ANSWERED) or (
        facts.status in p.OPEN and facts.status != p.MENUNGGU_KLARIFIKASI
        and today > facts.due_date)
    if late:
        found["tidak_ditanggapi"] = calendar.add_working_days(facts.due_date, FILING_DAYS)
    return {g: last for g, last in found.items() if today <= last}


def check_filing(facts: Facts, is_requester: bool, ground: str, reason: str,
                 today: dt.date, calendar) -> dt.date:
    """The decision deadline of a valid objection, or `Refused` saying why."""
    if not is_requester:
        raise _forbid('Only the requester can file an objection')
    if ground not in GROUNDS:
        raise _invalid('Unknown ground for an objection: %s', ground)
    if not reason.strip():
        raise _invalid('Give the reasons for the objection')
    if facts.pending_objection:
        raise _invalid('An earlier objection is still waiting for a decision')
    if ground not in grounds(facts, today, calendar):
        raise _invalid('An objection on this ground is not possible (or past 30 working days)')
    return calendar.add_working_days(today, DECISION_DAYS)


def check_decision(status: str, roles: frozenset, atasan_role: str, decision: str,
                   comment: str, decider: Optional[str] = None,
                   answered_by: frozenset = frozenset()) -> str:
    """The objection's new status, or `Refused` saying why. `answered_by`:
    who took the answer objected to (art. 36: the objection goes to the
    superior of whoever answered): they never decide it, whatever roles they
    also hold (separation of duties)."""
    if atasan_role not in roles:
        raise _forbid('Only the atasan PPID can decide an objection')
    if decider is not None and decider in answered_by:
        raise _forbid('Whoever took the decision objected to cannot decide the objection')
    if decision not in DECISIONS:
        raise _invalid('Unknown decision: %s', decision)
    if status != DIAJUKAN:
        raise _invalid('This objection was already decided')
    if not comment.strip():
        raise _invalid("The atasan PPID's written response is required")
    return DECISIONS[decision]

"""Layanan Permintaan Data Sektoral: the rules of the data request service.

SOP 188/6593/429.116/2022, "Layanan Permintaan Data Sektoral" (SPEC
"Workflow 2"), plus what users expect beyond the SOP: rejection with a reason,
clarification, withdrawal, and the one extension UU 14/2008 art. 22 allows.
Pure: no database, no CKAN. Everything else asks `decide()`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional
from urllib.parse import urlsplit

from ckanext.satudata.workflow.clock import wib_date
from ckanext.satudata.i18n import N_
from ckanext.satudata.workflow.machine import (KABID, STAF, SUBKOORD, Actor, Invalid, NotAllowed,
                                               Refused, Step, destination, permitted)
from ckanext.satudata.workflow.machine import forbid as _forbid
from ckanext.satudata.workflow.machine import invalid as _invalid

BARU = "baru"
DIPERIKSA = "diperiksa"
PERLU_OPD = "perlu_opd"
DI_OPD = "di_opd"
OPD_MENYIAPKAN = "opd_menyiapkan"
TIDAK_ADA_DATA = "tidak_ada_data"
# The OPD forwarded the request to another OPD; the Subkoord confirms it.
DITERUSKAN = "diteruskan"
DATA_DITERIMA = "data_diterima"
SIAP_DIKIRIM = "siap_dikirim"
MENUNGGU_KLARIFIKASI = "menunggu_klarifikasi"
SELESAI = "selesai"
DITUTUP = "ditutup"
DITOLAK = "ditolak"
DIBATALKAN = "dibatalkan"

CLOSED = (SELESAI, DITUTUP, DITOLAK, DIBATALKAN)
OPEN = (BARU, DIPERIKSA, PERLU_OPD, DI_OPD, DITERUSKAN, OPD_MENYIAPKAN, TIDAK_ADA_DATA,
        DATA_DITERIMA, SIAP_DIKIRIM, MENUNGGU_KLARIFIKASI)
STATES = OPEN + CLOSED

OPD, REQUESTER = "opd", "requester"

LEGAL_DAYS = 10       # UU 14/2008 art. 22(7)
EXTENSION_DAYS = 7    # art. 22(8), once, with a written reason
# Forwarding and splitting do NOT restart the legal clock. Our reading: UU
# 14/2008 art. 22(7) gives the public body 10 working days from the request to
# answer in writing, and one of the answers it allows is that the body does
# not hold the information and names the body that does; a fresh period then
# runs only for a request filed anew with *another public body*. Here every
# OPD is a PPID Pelaksana of one public body, the Pemerintah Kabupaten
# Banyuwangi, coordinated by its PPID Utama (the Perki 1/2021 standard of
# service organises a regency's PPIDs this way), so passing a request from
# one OPD to another is internal coordination: the requester asked once, the
# due date (10 working days, + 7 once with a written reason) stays what it
# was, and a part split off to a second OPD inherits the same start and due
# date. (Read from the law's text as we understand it; not legal advice.)

# Why a request is rejected (the category the PPID's yearly report counts; the
# written reason is the comment). UU 14/2008 art. 17 lists the exempt
# information; the others are the usual grounds of an information service.
REJECT_REASONS = {
    "dikecualikan": N_('Exempt information (UU 14/2008 art. 17)'),
    "belum_dikuasai": N_('Information not held or not documented'),
    "bukan_kewenangan": N_("Not within the regency's authority"),
    "tidak_lengkap": N_('Incomplete or unclear request'),
    "lainnya": N_('Other reason'),
}
DEFAULT_REJECT_REASON = "lainnya"
# Closed states that answer the request (a withdrawal answers nothing).
ANSWERED = ("selesai", "ditutup", "ditolak")


# SOP "Mutu Baku — Waktu" of the step under way in each state.
STEPS = {
    BARU: Step("2", N_('Assigning a staff member'), SUBKOORD, 10),
    DIPERIKSA: Step("3", N_('Checking availability'), STAF, 30),
    PERLU_OPD: Step("4", N_('Contacting the agency'), SUBKOORD, 120),
    DI_OPD: Step("5", N_('Agency confirms'), OPD, 30),
    # Not a step of its own in the SOP: confirming a forward is contacting the
    # OPD that owns the data again, so it carries step 4's standard time.
    DITERUSKAN: Step("4", N_('Forwarded to another agency, awaiting the Subkoord'), SUBKOORD, 120),
    OPD_MENYIAPKAN: Step("6", N_('Agency sends the data'), OPD, 30),
    DATA_DITERIMA: Step("7", N_('Handing the data to staff'), SUBKOORD, 15),
    SIAP_DIKIRIM: Step("8", N_('Delivering to the requester'), STAF, 15),
    TIDAK_ADA_DATA: Step("9", N_('Confirming and closing'), SUBKOORD, 30),
    MENUNGGU_KLARIFIKASI: Step("—", N_('Waiting for the requester'), REQUESTER, None),
    SELESAI: Step("—", N_('Fulfilled'), STAF, None),
    DITUTUP: Step("—", N_('Closed, data not available'),
                  SUBKOORD, None),
    DITOLAK: Step("—", N_('Rejected'), SUBKOORD, None),
    DIBATALKAN: Step("—", N_('Withdrawn'), REQUESTER, None),
}

# transition -> ({from states}, to state or None = back where it was / unchanged, who)
TRANSITIONS = {
    "assign": ({BARU: DIPERIKSA}, SUBKOORD),
    "deliver": ({DIPERIKSA: SELESAI, SIAP_DIKIRIM: SELESAI}, STAF),
    "not_available": ({DIPERIKSA: PERLU_OPD}, STAF),
    "escalate": ({PERLU_OPD: DI_OPD}, SUBKOORD),
    "opd_confirm": ({DI_OPD: OPD_MENYIAPKAN}, OPD),
    "opd_decline": ({DI_OPD: TIDAK_ADA_DATA}, OPD),
    # forwarding (UU 14/2008 art. 22): the OPD names the OPD that holds the
    # data, with a note; the Subkoord confirms (to that OPD or another one)
    # or sends it back to the same OPD with a reason
    "opd_forward": ({DI_OPD: DITERUSKAN}, OPD),
    "forward": ({DITERUSKAN: DI_OPD}, SUBKOORD),
    "forward_refuse": ({DITERUSKAN: DI_OPD}, SUBKOORD),
    "opd_send": ({OPD_MENYIAPKAN: DATA_DITERIMA}, OPD),
    "handover": ({DATA_DITERIMA: SIAP_DIKIRIM}, SUBKOORD),
    "close_unavailable": ({TIDAK_ADA_DATA: DITUTUP}, SUBKOORD),
    "reject": ({BARU: DITOLAK, DIPERIKSA: DITOLAK}, SUBKOORD),
    "ask_clarification": ({s: MENUNGGU_KLARIFIKASI for s in (BARU, DIPERIKSA, PERLU_OPD)},
                          "staff"),
    "clarify": ({MENUNGGU_KLARIFIKASI: None}, REQUESTER),
    "withdraw": ({s: DIBATALKAN for s in OPEN}, REQUESTER),
    "extend": ({s: None for s in OPEN if s != MENUNGGU_KLARIFIKASI}, "subkoord_or_kabid"),
}
# Transitions whose comment is the written reason the law or the SOP asks for.
MOVES = {t: moves for t, (moves, _who) in TRANSITIONS.items()}
NEEDS_COMMENT = {"reject", "ask_clarification", "clarify", "extend", "opd_forward",
                 "forward_refuse"}
# Transitions at which the Subkoord may split the request: a second, linked
# request goes to `split_organization` for the part that OPD holds.
SPLITTABLE = {"escalate", "forward"}
# Transitions that carry the data: at least one of dataset/resource_url/upload.
NEEDS_DATA = {"opd_send"}


@dataclass(frozen=True)
class Item:
    state: str
    assignee_id: Optional[str] = None
    organization_id: Optional[str] = None   # the OPD it was escalated to
    previous_state: Optional[str] = None    # where a clarification returns
    extended: bool = False
    has_received_data: bool = False
    forward_org_id: Optional[str] = None    # the OPD an opd_forward named


@dataclass(frozen=True)
class Request:
    transition: str
    comment: str = ""
    assignee_roles: frozenset = frozenset()
    has_assignee: bool = False
    has_organization: bool = False
    has_data: bool = False
    reason: str = ""                        # reject: a key of REJECT_REASONS
    organization_id: Optional[str] = None   # escalate/opd_forward/forward: the OPD named
    split_organization_id: Optional[str] = None   # escalate/forward: the second OPD


__all__ = ["Invalid", "NotAllowed", "Refused", "Step", "decide", "allowed_transitions"]


def is_staff(actor: Actor) -> bool:
    return bool(actor.roles & {STAF, SUBKOORD, KABID})


def decide(item: Item, actor: Actor, request: Request) -> str:
    """The state `request` moves `item` to, or `Refused` saying why."""
    to_state = destination(MOVES, request.transition, item.state)
    who = TRANSITIONS[request.transition][1]
    t = request.transition
    if who == SUBKOORD and SUBKOORD not in actor.roles:
        raise _forbid('Only the Subkoord can do this')
    if who == STAF and STAF not in actor.roles:
        raise _forbid('Only staff can do this')
    if who == "staff" and not is_staff(actor):
        raise _forbid('Only the Walidata team can do this')
    if who == "subkoord_or_kabid" and not actor.roles & {SUBKOORD, KABID}:
        raise _forbid('Only the Subkoord or Kabid can extend the deadline')
    if who == OPD and (not item.organization_id
                       or item.organization_id not in actor.organization_ids):
        raise _forbid('Only the agency the request was sent to can do this')
    if who == REQUESTER and not actor.is_requester:
        raise _forbid('Only the requester can do this')

    if t in NEEDS_COMMENT and not request.comment.strip():
        raise _invalid('A written reason is required')
    if t == "assign" and (not request.has_assignee or STAF not in request.assignee_roles):
        raise _invalid('The assignee must hold the staf role')
    if t == "escalate" and not request.has_organization:
        raise _invalid('Choose the agency (organization)')
    if t == "opd_forward" and not request.organization_id:
        raise _invalid('Choose the agency to forward the request to')
    if t in ("opd_forward", "forward"):
        target = request.organization_id or item.forward_org_id
        if not target:
            raise _invalid('Choose the agency to forward the request to')
        if target == item.organization_id:
            raise _invalid('A request is forwarded to another agency')
    if request.split_organization_id:
        if t not in SPLITTABLE:
            raise _invalid('A request can be split only when it is sent to an agency')
        target = request.organization_id or item.forward_org_id
        if request.split_organization_id in (target, item.organization_id):
            raise _invalid('The second part must go to a different agency')
    if t in NEEDS_DATA and not request.has_data:
        raise _invalid('Attach a file, a resource link or a dataset')
    if t == "deliver" and item.state == DIPERIKSA and not request.has_data:
        raise _invalid('Give the published dataset or resource link')
    if t == "deliver" and item.state == SIAP_DIKIRIM and not (request.has_data
                                                             or item.has_received_data):
        raise _invalid('There is no data to deliver')
    if t == "reject" and request.reason and request.reason not in REJECT_REASONS:
        raise _invalid('Unknown rejection reason category: %s', request.reason)
    if t == "extend" and item.extended:
        raise _invalid('The deadline can be extended only once')

    if t == "clarify":
        return item.previous_state or BARU
    if to_state is None:   # extend: the state stays
        return item.state
    return to_state


def allowed_transitions(item: Item, actor: Actor) -> list[str]:
    """What `actor` may do now (buttons); inputs are checked when pressed."""
    probe = dict(comment="-", assignee_roles=frozenset({STAF}), organization_id="\0another agency",
                 has_assignee=True, has_organization=True, has_data=True)
    return permitted(TRANSITIONS, lambda transition: decide(
        item, actor, Request(transition, **probe)))


# What the public tracking page shows of each transition (never who asked).
PUBLIC_TRANSITIONS = {"create", "assign", "deliver", "not_available", "escalate",
                      "opd_confirm", "opd_decline", "opd_forward", "forward", "forward_refuse",
                      "split", "split_from", "opd_send", "handover",
                      "close_unavailable", "reject", "ask_clarification", "clarify",
                      "withdraw", "extend"}
# Transitions whose comment the public may read: only a rejection's reason,
# which UU 14/2008 (art. 22(7), art. 17 exemptions) asks a public body to state.
# Clarification questions and answers, notes and delivery messages are between
# the requester and the office.
PUBLIC_COMMENTS = {"reject"}
# Transitions whose comment the requester reads (the answers owed to them).
REQUESTER_COMMENTS = PUBLIC_COMMENTS | {"ask_clarification", "clarify", "extend",
                                        "close_unavailable", "deliver", "withdraw"}


# -- the legal clock of an answer (Statistik Layanan, PPID yearly report) -------------

IN_TIME, IN_EXTENSION, LATE = "tepat_waktu", "dalam_perpanjangan", "terlambat"


def answer_timing(calendar, started_at, closed_at, due_date, extended: bool):
    """(timing, working days taken) of an answered request.

    The clock runs from ``started_at`` (submission, or the clarification's
    arrival); the answer is on time if given by the end of the 10th working
    day after it, within the extension if later but by the extended due date,
    late otherwise. Working days taken are the working days after the start
    day up to and including the day of the answer (an answer on the day of
    submission takes 0). ``calendar`` is a ``clock.WorkCalendar``.
    """
    start, end = wib_date(started_at), wib_date(closed_at)
    days = calendar.working_days_between(start, end)
    if end <= calendar.add_working_days(start, LEGAL_DAYS):
        return IN_TIME, days
    if extended and end <= due_date:
        return IN_EXTENSION, days
    return LATE, days


# What pages, mails and reports call the statuses and transitions (catalogue msgids).
STATUS_LABELS = {
    "baru": N_('New'),
    "diperiksa": N_('Being checked'),
    "perlu_opd": N_('Needs the agency'),
    "di_opd": N_('With the agency'),
    "diteruskan": N_('Forwarded to another agency'),
    "opd_menyiapkan": N_('Agency preparing the data'),
    "tidak_ada_data": N_('Agency has no such data'),
    "data_diterima": N_('Data received from the agency'),
    "siap_dikirim": N_('Ready to deliver'),
    "menunggu_klarifikasi": N_('Waiting for clarification'),
    "selesai": N_('Fulfilled'),
    "ditutup": N_('Closed, data not available'),
    "ditolak": N_('Rejected'),
    "dibatalkan": N_('Withdrawn'),
}
TRANSITION_LABELS = {
    "create": N_('Request submitted'),
    "assign": N_('Assign to staff'),
    "deliver": N_('Deliver to the requester'),
    "not_available": N_('Data not on the portal'),
    "escalate": N_('Send to the agency (OPD)'),
    "opd_confirm": N_('Agency: we have the data'),
    "opd_decline": N_('Agency: we do not have the data'),
    "opd_send": N_('Agency: send the data'),
    "opd_forward": N_('Agency: forward to another agency'),
    "forward": N_('Forwarded to another agency'),
    "forward_refuse": N_('Forward refused, stays with the agency'),
    "split": N_('Part split off to another agency'),
    "split_from": N_('Split off from another request'),
    "handover": N_('Hand the data to staff'),
    "close_unavailable": N_('Close: data not available'),
    "reject": N_('Reject the request'),
    "ask_clarification": N_('Ask the requester to clarify'),
    "clarify": N_('Send the clarification'),
    "withdraw": N_('Withdraw the request'),
    "extend": N_('Extend the deadline (7 working days)'),
    # the keberatan's steps in the request's history (objection.py)
    "keberatan_diajukan": N_('Objection filed'),
    "keberatan_diterima": N_('Objection upheld'),
    "keberatan_ditolak": N_('Objection dismissed'),
}


# -- the delivered-data link -----------------------------------------------------------

_LOCALE_PREFIX = re.compile(r"^/[a-z]{2}(?:_[A-Z]{2})?(?=/)")
_PORTAL_RESOURCE_PATH = re.compile(
    r"^/dataset/(?P<dataset>[A-Za-z0-9_-]{1,100})/resource/"
    r"(?P<resource>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
    r"(?:/download(?:/[A-Za-z0-9._~%+-]{1,255})?)?/?$")
# what a browser reads differently from urllib (``https://portal\@evil``),
# or treats as invisible
_AMBIGUOUS = re.compile(r"[\\\s\x00-\x1f\x7f]")


def _origin(parts) -> tuple[str, str, int]:
    scheme = parts.scheme.lower()
    return (scheme, (parts.hostname or "").lower(),
            parts.port or {"http": 80, "https": 443}.get(scheme, 0))


def portal_resource_link(url: str, site_url: str) -> Optional[tuple[str, str]]:
    """(dataset, resource id) when `url` is a link to a resource page (or its
    download) on the portal at `site_url`: http(s), the portal's own host
    and port, no user name, the path ``/dataset/<dataset>/resource/<id>``
    (after the site's own path and an optional locale such as ``/id`` or
    ``/en``), optionally ``/download[/<file>]``. Anything else is None: a
    link is parsed, never searched for an id."""
    if not isinstance(url, str) or not url or len(url) > 2000 or _AMBIGUOUS.search(url):
        return None
    try:
        parts, site = urlsplit(url), urlsplit(site_url or "")
        origin, site_origin = _origin(parts), _origin(site)
    except ValueError:  # a port out of range, an unclosed IPv6 bracket
        return None
    if origin[0] not in ("http", "https") or not origin[1] or origin != site_origin \
            or parts.username is not None or parts.password is not None:
        return None
    path, root = parts.path, site.path.rstrip("/")
    if root:
        if not path.startswith(root + "/"):
            return None
        path = path[len(root):]
    path = _LOCALE_PREFIX.sub("", path, count=1)
    match = _PORTAL_RESOURCE_PATH.match(path)
    return (match.group("dataset"), match.group("resource")) if match else None

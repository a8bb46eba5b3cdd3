"""Diseminasi Data Sektoral: the rules of the dataset publication workflow.

SOP 188/6593/429.116/2022, "Diseminasi Data Sektoral ke Portal Satu Data"
(SPEC "Workflow 1"). Pure: no database, no CKAN. Actions, auth, views and the
CLI ask `decide()` and nothing else decides who may move what where.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ckanext.satudata.workflow.machine import Invalid, NotAllowed, Refused, Step, forbid as _forbid
from ckanext.satudata.workflow.machine import invalid as _refuse

KONSEP = "konsep"
PENYUSUNAN = "penyusunan"
DIAJUKAN = "diajukan"
DISETUJUI_SUBKOORD = "disetujui_subkoord"
DISETUJUI_KABID = "disetujui_kabid"
TERBIT = "terbit"
DIKEMBALIKAN = "dikembalikan"
STATES = (KONSEP, PENYUSUNAN, DIAJUKAN, DISETUJUI_SUBKOORD, DISETUJUI_KABID, TERBIT,
          DIKEMBALIKAN)

STAF, SUBKOORD, KABID = "staf", "subkoord", "kabid"


# SOP "Mutu Baku — Waktu" of the step that is under way in each state.
STEPS = {
    KONSEP: Step("1", "Konsep diseminasi & disposisi", "Concept & assignment", SUBKOORD, 120),
    PENYUSUNAN: Step("2–3", "Penyusunan data, narasi, infografis & pengajuan",
                     "Preparing data, narrative, infographic & submitting", STAF, 240 + 20),
    DIAJUKAN: Step("4", "Koreksi & paraf Subkoord", "Sub-coordinator review", SUBKOORD, 30),
    DISETUJUI_SUBKOORD: Step("5", "Koreksi & paraf Kabid", "Head of division review", KABID, 30),
    DISETUJUI_KABID: Step("6", "Unggah ke portal", "Publishing on the portal", STAF, 15),
    DIKEMBALIKAN: Step("2", "Perbaikan sesuai catatan", "Revising after review notes", STAF, 240),
    TERBIT: Step("—", "Terbit", "Published", STAF, None),
}

# transition -> {from_state: to_state}
TRANSITIONS = {
    "assign": {KONSEP: PENYUSUNAN},
    "submit": {PENYUSUNAN: DIAJUKAN},
    "approve": {DIAJUKAN: DISETUJUI_SUBKOORD, DISETUJUI_SUBKOORD: DISETUJUI_KABID},
    "return": {DIAJUKAN: DIKEMBALIKAN, DISETUJUI_SUBKOORD: DIKEMBALIKAN},
    "resume": {DIKEMBALIKAN: PENYUSUNAN},
    "publish": {DISETUJUI_KABID: TERBIT},
    # taking a published dataset offline: from any state while it is live
    # (a pending revision is discarded with it); it starts again as a concept
    "withdraw": {state: KONSEP for state in STATES},
    # dropping a pending revision: the live version stays as it is
    "discard": {state: TERBIT for state in STATES if state != TERBIT},
}
# The reviewer of each review state.
REVIEWER = {DIAJUKAN: SUBKOORD, DISETUJUI_SUBKOORD: KABID}


@dataclass(frozen=True)
class Actor:
    user_id: Optional[str]
    roles: frozenset = frozenset()
    sysadmin: bool = False


@dataclass(frozen=True)
class Item:
    state: str
    assignee_id: Optional[str] = None
    # everyone who prepared or submitted this content: never its approver
    preparer_ids: frozenset = frozenset()
    # (level, user_id, content_hash) of the approvals given to this content
    approvals: tuple = ()
    content_hash: Optional[str] = None
    classification: Optional[str] = None
    # a version of it is live (state is `terbit`, or a revision is under way)
    published: bool = False
    # who wrote the pending revision, if one is pending
    revision_by: Optional[str] = None


@dataclass(frozen=True)
class Request:
    transition: str
    comment: str = ""
    assignee_id: Optional[str] = None
    assignee_roles: frozenset = field(default_factory=frozenset)


__all__ = ["Invalid", "NotAllowed", "Refused", "Step", "decide", "allowed_transitions"]


def _has(actor: Actor, role: str, sysadmin_acts_as_any_role: bool) -> bool:
    return role in actor.roles or (actor.sysadmin and sysadmin_acts_as_any_role)


def valid_approvals(item: Item) -> dict:
    """Approvals that still hold for the current content, by level."""
    return {level: user for level, user, content_hash in item.approvals
            if content_hash == item.content_hash}


def decide(item: Item, actor: Actor, request: Request,
           sysadmin_acts_as_any_role: bool = False) -> str:
    """The state `request` moves `item` to, or `Refused` saying why."""
    moves = TRANSITIONS.get(request.transition)
    if moves is None:
        raise _refuse("Transisi tidak dikenal: %s" % request.transition,
                      "Unknown transition: %s" % request.transition)
    if item.state not in moves:
        raise _refuse(
            "Transisi '%s' tidak dapat dilakukan dari status '%s'" % (request.transition, item.state),
            "Transition '%s' is not possible from state '%s'" % (request.transition, item.state))
    to_state = moves[item.state]
    has = lambda role: _has(actor, role, sysadmin_acts_as_any_role)  # noqa: E731
    t = request.transition

    if t == "assign":
        if not has(SUBKOORD):
            raise _forbid("Hanya Subkoord yang dapat mendisposisi", "Only the Subkoord can assign")
        if not request.assignee_id or STAF not in request.assignee_roles:
            raise _refuse("Disposisi harus kepada pengguna berperan Staf",
                          "The assignee must hold the staf role")
    elif t in ("submit", "resume"):
        if not has(STAF) or actor.user_id != item.assignee_id:
            raise _forbid("Hanya Staf yang didisposisi yang dapat melakukannya",
                          "Only the assigned staff member can do this")
    elif t in ("approve", "return"):
        reviewer = REVIEWER[item.state]
        if not has(reviewer):
            raise _forbid("Hanya %s yang dapat mereview tahap ini" % reviewer.capitalize(),
                          "Only the %s can review this step" % reviewer)
        if actor.user_id in item.preparer_ids or actor.user_id == item.assignee_id:
            raise _forbid("Penyusun tidak boleh menyetujui atau mengembalikan hasilnya sendiri",
                          "Whoever prepared the dataset cannot review it")
        if t == "approve" and actor.user_id in valid_approvals(item).values():
            raise _forbid("Satu orang tidak boleh memaraf dua kali konten yang sama",
                          "One person cannot sign off twice on the same content")
        if t == "return" and not request.comment.strip():
            raise _refuse("Catatan wajib diisi saat mengembalikan",
                          "A comment is required when returning")
    elif t == "discard":
        if not item.published:
            raise _refuse("Tidak ada revisi yang menunggu", "No revision is pending")
        if not (has(SUBKOORD) or (actor.user_id and actor.user_id == item.revision_by)):
            raise _forbid("Hanya penulis revisi atau Subkoord yang dapat membatalkannya",
                          "Only the revision's author or the Subkoord can discard it")
    elif t == "withdraw":
        if not item.published:
            raise _refuse("Hanya dataset yang sudah terbit yang dapat ditarik",
                          "Only a published dataset can be withdrawn")
        if not (has(SUBKOORD) or has(KABID)):
            raise _forbid("Hanya Subkoord atau Kabid yang dapat menarik dataset terbit",
                          "Only the Subkoord or the Kabid can withdraw a published dataset")
        if not request.comment.strip():
            raise _refuse("Alasan wajib diisi saat menarik dataset",
                          "A reason is required to withdraw a dataset")
    elif t == "publish":
        if not has(STAF):
            raise _forbid("Hanya Staf yang dapat menerbitkan", "Only staff can publish")
        approvals = valid_approvals(item)
        if SUBKOORD not in approvals or KABID not in approvals:
            raise _refuse("Penerbitan memerlukan paraf Subkoord dan Kabid atas konten ini",
                          "Publishing needs Subkoord and Kabid approval of this content")
        if approvals[SUBKOORD] == approvals[KABID]:
            raise _refuse("Paraf Subkoord dan Kabid harus dari dua orang berbeda",
                          "Subkoord and Kabid approvals must come from two people")
        if item.classification != "terbuka":
            raise _refuse("Hanya data berklasifikasi Terbuka yang dapat diterbitkan",
                          "Only data classified Terbuka (open) can be published")
    return to_state


def allowed_transitions(item: Item, actor: Actor, sysadmin_acts_as_any_role: bool = False,
                        ) -> list[str]:
    """The transitions `actor` may take now (for buttons and review queues).
    `assign` is offered when the actor may assign; its assignee is checked later."""
    allowed = []
    for transition in TRANSITIONS:
        request = Request(transition, comment="-", assignee_id="-",
                          assignee_roles=frozenset({STAF}))
        try:
            decide(item, actor, request, sysadmin_acts_as_any_role)
        except Refused:
            continue
        allowed.append(transition)
    return allowed


def approval_level(state: str) -> Optional[str]:
    """Which sign-off an `approve` in `state` records."""
    return REVIEWER.get(state)


# States after which a content change voids the sign-offs given so far.
SIGNED_OFF_STATES = (DIAJUKAN, DISETUJUI_SUBKOORD, DISETUJUI_KABID)

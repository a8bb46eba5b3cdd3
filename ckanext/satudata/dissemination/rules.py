"""Diseminasi Data Sektoral: the rules of the dataset publication workflow.

SOP 188/6593/429.116/2022, "Diseminasi Data Sektoral ke Portal Satu Data"
(SPEC "Workflow 1"). Pure: no database, no CKAN. Actions, auth, views and the
CLI ask `decide()` and nothing else decides who may move what where.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ckanext.satudata.i18n import N_
from ckanext.satudata.workflow.machine import (KABID, STAF, SUBKOORD, Actor, Invalid, NotAllowed,
                                               Refused, Step, destination, permitted)
from ckanext.satudata.workflow.machine import forbid as _forbid
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



# SOP "Mutu Baku — Waktu" of the step that is under way in each state.
STEPS = {
    KONSEP: Step("1", N_('Concept & assignment'), SUBKOORD, 120),
    PENYUSUNAN: Step("2–3", N_('Preparing data, narrative, infographic & submitting'), STAF, 240 + 20),
    DIAJUKAN: Step("4", N_('Sub-coordinator review'), SUBKOORD, 30),
    DISETUJUI_SUBKOORD: Step("5", N_('Head of division review'), KABID, 30),
    DISETUJUI_KABID: Step("6", N_('Publishing on the portal'), STAF, 15),
    DIKEMBALIKAN: Step("2", N_('Revising after review notes'), STAF, 240),
    TERBIT: Step("—", N_('Published'), STAF, None),
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
    to_state = destination(TRANSITIONS, request.transition, item.state)
    has = lambda role: _has(actor, role, sysadmin_acts_as_any_role)  # noqa: E731
    t = request.transition

    if t == "assign":
        if not has(SUBKOORD):
            raise _forbid('Only the Subkoord can assign')
        if not request.assignee_id or STAF not in request.assignee_roles:
            raise _refuse('The assignee must hold the staf role')
    elif t in ("submit", "resume"):
        if not has(STAF) or actor.user_id != item.assignee_id:
            raise _forbid('Only the assigned staff member can do this')
    elif t in ("approve", "return"):
        reviewer = REVIEWER[item.state]
        if not has(reviewer):
            raise _forbid("Only the %s can review this step", reviewer.capitalize())
        if actor.user_id in item.preparer_ids or actor.user_id == item.assignee_id:
            raise _forbid('Whoever prepared the dataset cannot review it')
        if t == "approve" and actor.user_id in valid_approvals(item).values():
            raise _forbid('One person cannot sign off twice on the same content')
        if t == "return" and not request.comment.strip():
            raise _refuse('A comment is required when returning')
    elif t == "discard":
        if not item.published:
            raise _refuse('No revision is pending')
        if not (has(SUBKOORD) or (actor.user_id and actor.user_id == item.revision_by)):
            raise _forbid("Only the revision's author or the Subkoord can discard it")
        # the author's work is lost: they are told why (the note is mailed)
        if not request.comment.strip():
            raise _refuse('A note is required to discard a revision')
    elif t == "withdraw":
        if not item.published:
            raise _refuse('Only a published dataset can be withdrawn')
        if not (has(SUBKOORD) or has(KABID)):
            raise _forbid('Only the Subkoord or the Kabid can withdraw a published dataset')
        if not request.comment.strip():
            raise _refuse('A reason is required to withdraw a dataset')
    elif t == "publish":
        if not has(STAF):
            raise _forbid('Only staff can publish')
        approvals = valid_approvals(item)
        if SUBKOORD not in approvals or KABID not in approvals:
            raise _refuse('Publishing needs Subkoord and Kabid approval of this content')
        if approvals[SUBKOORD] == approvals[KABID]:
            raise _refuse('Subkoord and Kabid approvals must come from two people')
        if item.classification != "terbuka":
            raise _refuse('Only data classified Terbuka (open) can be published')
    return to_state


def allowed_transitions(item: Item, actor: Actor, sysadmin_acts_as_any_role: bool = False,
                        ) -> list[str]:
    """The transitions `actor` may take now (for buttons and review queues).
    `assign` is offered when the actor may assign; its assignee is checked later."""
    return _permitted_of(TRANSITIONS, item, actor, sysadmin_acts_as_any_role)


def _permitted_of(transitions, item: Item, actor: Actor, sysadmin_acts_as_any_role: bool):
    probe = dict(comment="-", assignee_id="-", assignee_roles=frozenset({STAF}))
    return permitted(transitions, lambda transition: decide(
        item, actor, Request(transition, **probe), sysadmin_acts_as_any_role))


# The SOP step's own work in each state: what a work list counts. Withdrawing
# and discarding are possible on every live dataset, so they are never "work
# waiting" for anyone (a Kabid's list filled with every published dataset).
TASKS = {
    KONSEP: ("assign",),
    PENYUSUNAN: ("submit",),
    DIKEMBALIKAN: ("resume",),
    DIAJUKAN: ("approve", "return"),
    DISETUJUI_SUBKOORD: ("approve", "return"),
    DISETUJUI_KABID: ("publish",),
}


def waiting_on(item: Item, actor: Actor, sysadmin_acts_as_any_role: bool = False,
               ) -> list[str]:
    """The step's transitions that wait for `actor` now (their work list).
    Publishing is any Staf's right, but it waits on the assigned Staf; on any
    Staf only while none is assigned."""
    tasks = TASKS.get(item.state, ())
    if not tasks:
        return []
    if (item.state == DISETUJUI_KABID and item.assignee_id
            and actor.user_id != item.assignee_id):
        return []
    # only the step's own transitions are tried (a work list asks this of
    # every dataset in a review state: hundreds per page in a large catalogue)
    return _permitted_of(tasks, item, actor, sysadmin_acts_as_any_role)


def approval_level(state: str) -> Optional[str]:
    """Which sign-off an `approve` in `state` records."""
    return REVIEWER.get(state)


# States after which a content change voids the sign-offs given so far.
SIGNED_OFF_STATES = (DIAJUKAN, DISETUJUI_SUBKOORD, DISETUJUI_KABID)


# What pages, mails and reports call the states and transitions (catalogue msgids).
STATE_LABELS = {
    KONSEP: N_('Concept'),
    PENYUSUNAN: N_('In preparation'),
    DIAJUKAN: N_('Submitted'),
    DISETUJUI_SUBKOORD: N_('Approved by Subkoord'),
    DISETUJUI_KABID: N_('Approved by Kabid'),
    TERBIT: N_('Published'),
    DIKEMBALIKAN: N_('Returned'),
}
TRANSITION_LABELS = {
    "create": N_('Created'),
    "assign": N_('Assign to staff'),
    "submit": N_('Submit for review'),
    "approve": N_('Approve (sign off)'),
    "return": N_('Return with notes'),
    "resume": N_('Resume preparation'),
    "publish": N_('Publish'),
    "void": N_('Sign-offs voided (content changed)'),
    "revise": N_('Revision started'),
    "revision_withdrawn": N_('Revision withdrawn'),
    "withdraw": N_('Withdraw from publication'),
    "discard": N_('Discard revision'),
    "delete": N_('Deleted'),
    "purge": N_('Purged'),
}

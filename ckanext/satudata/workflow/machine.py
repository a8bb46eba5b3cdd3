"""What the two workflow rule modules share: who acts, an SOP step, the
refusals, and the opening of every decision. Pure, like them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Optional

from ckanext.satudata.i18n import bilingual, translate


# The portal roles of the Walidata team (SPEC "People"), as the SOPs name them.
STAF, SUBKOORD, KABID = "staf", "subkoord", "kabid"
ROLES = (STAF, SUBKOORD, KABID)


@dataclass(frozen=True)
class Actor:
    """Whoever asks for a transition, as the rules need to know them."""
    user_id: Optional[str] = None
    roles: frozenset = frozenset()
    sysadmin: bool = False
    # OPDs the user is a member of (the OPD steps of Workflow 2)
    organization_ids: frozenset = frozenset()
    # holds a request's access token, or is the account that filed it
    is_requester: bool = False


@dataclass(frozen=True)
class Step:
    """What the SOP expects while an item sits in a state."""
    number: str
    label: str          # an English msgid of the catalogue
    actor: str
    standard_minutes: Optional[int]

    @property
    def label_id(self) -> str:
        return translate(self.label, "id")

    @property
    def label_en(self) -> str:
        return self.label


class Refused(Exception):
    """A transition the rules do not allow; the message is bilingual."""


class NotAllowed(Refused):
    """Refused because of who asks (role, separation of duties)."""


class Invalid(Refused):
    """Refused because of the item or the request (state, comment, content)."""


def invalid(message: str, *args) -> Invalid:
    return Invalid(bilingual(message, *args))


def forbid(message: str, *args) -> NotAllowed:
    return NotAllowed(bilingual(message, *args))


def destination(moves: dict[str, dict], transition: str, state: str):
    """Where `transition` leads from `state` ({transition: {from: to}}), or
    Invalid when the transition is unknown or not possible from there."""
    from_to = moves.get(transition)
    if from_to is None:
        raise invalid('Unknown transition: %s', transition)
    if state not in from_to:
        raise invalid("Transition '%s' is not possible from state '%s'", transition, state)
    return from_to[state]


def permitted(transitions: Iterable[str], attempt: Callable[[str], object]) -> list[str]:
    """The transitions that `attempt` (a decide() with a probe request) does not
    refuse: the buttons a person is offered."""
    allowed = []
    for transition in transitions:
        try:
            attempt(transition)
        except Refused:
            continue
        allowed.append(transition)
    return allowed

"""What the two workflow rule modules share: an SOP step and the refusals.
Pure, like them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Step:
    """What the SOP expects while an item sits in a state."""
    number: str
    label_id: str
    label_en: str
    actor: str
    standard_minutes: Optional[int]


class Refused(Exception):
    """A transition the rules do not allow; the message is bilingual."""


class NotAllowed(Refused):
    """Refused because of who asks (role, separation of duties)."""


class Invalid(Refused):
    """Refused because of the item or the request (state, comment, content)."""


def invalid(id_text: str, en_text: str) -> Invalid:
    return Invalid("%s / %s" % (id_text, en_text))


def forbid(id_text: str, en_text: str) -> NotAllowed:
    return NotAllowed("%s / %s" % (id_text, en_text))

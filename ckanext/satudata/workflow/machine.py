"""What the two workflow rule modules share: an SOP step and the refusals.
Pure, like them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ckanext.satudata.i18n import bilingual, translate


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

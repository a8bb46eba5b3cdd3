"""Who gets a mail, in which language: portal users (their
plugin_extras satudata.locale, default ``ckanext.satudata.mail_locale``),
the holders of a role, an OPD's acting members and contact address."""
from __future__ import annotations

from typing import Iterable, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.workflow import roles

LOCALES = ("id", "en")


class Person:
    def __init__(self, email: str, name: str = "", locale: Optional[str] = None,
                 user_id: Optional[str] = None):
        self.email, self.name, self.user_id = email, name or email, user_id
        self.locale = locale if locale in LOCALES else default_locale()


def default_locale() -> str:
    value = tk.config.get("ckanext.satudata.mail_locale") or "id"
    return value if value in LOCALES else "id"


def person(user_id: Optional[str]) -> Optional[Person]:
    user = model.User.get(user_id) if user_id else None
    if user is None or not user.email or user.state != "active":
        return None
    extras = (user.plugin_extras or {}).get("satudata") or {}
    return Person(user.email, user.fullname or user.name, extras.get("locale"), user.id)


def people(user_ids: Iterable[Optional[str]]) -> list[Person]:
    found = {}
    for user_id in user_ids:
        who = person(user_id)
        if who is not None:
            found.setdefault(who.email, who)
    return list(found.values())


def role_holders(role: str) -> list[Person]:
    return people(r["user_id"] for r in roles.assignments() if r["role"] == role)


def org_people(org_id: Optional[str]) -> list[Person]:
    """The OPD's editors and admins (who act for it) and its contact address."""
    if not org_id:
        return []
    members = model.Session.query(model.Member.table_id).filter(
        model.Member.group_id == org_id, model.Member.table_name == "user",
        model.Member.state == "active", model.Member.capacity.in_(("admin", "editor")))
    found = people(m[0] for m in members)
    org = model.Group.get(org_id)
    contact = org.extras.get("contact_email") if org is not None else None
    if contact and contact not in {x.email for x in found}:
        found.append(Person(contact, org.title))
    return found


def site_url(path: str) -> str:
    return tk.config.get("ckan.site_url", "").rstrip("/") + path

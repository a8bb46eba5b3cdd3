"""Portal roles of the Walidata team (SPEC "People and how they map onto CKAN").

Kept in the extension's own table because CKAN's org capacities are too coarse:
one person may hold several roles; separation of duties is enforced by the
workflows, not by withholding roles.
"""
from __future__ import annotations

import uuid
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

import ckan.model as model

from ckanext.satudata.i18n import N_
from ckanext.satudata.model import portal_role

STAF = "staf"
SUBKOORD = "subkoord"
KABID = "kabid"
ROLES = (STAF, SUBKOORD, KABID)
ROLE_LABELS = {
    STAF: N_('Statistics staff'),
    SUBKOORD: N_('Statistics sub-coordinator'),
    KABID: N_('Head of the statistics division'),
}


def roles_of(user_id: str) -> list[str]:
    rows = model.Session.execute(
        sa.select(portal_role.c.role).where(portal_role.c.user_id == user_id))
    return sorted(r[0] for r in rows)


def is_walidata_team(user_id: Optional[str]) -> bool:
    return bool(user_id) and bool(roles_of(user_id))


def grant(user_id: str, role: str, granted_by: Optional[str]) -> bool:
    """True when newly granted, False when the user already held the role."""
    result = model.Session.execute(
        insert(portal_role).values(id=str(uuid.uuid4()), user_id=user_id, role=role,
                                   granted_by=granted_by)
        .on_conflict_do_nothing(constraint="satudata_portal_role_user_role_key"))
    return result.rowcount == 1


def revoke(user_id: str, role: str) -> bool:
    result = model.Session.execute(
        sa.delete(portal_role).where(portal_role.c.user_id == user_id,
                                     portal_role.c.role == role))
    return result.rowcount == 1


def assignments(user_id: Optional[str] = None) -> list[dict]:
    query = (sa.select(portal_role, model.User.name.label("user_name"),
                       model.User.fullname.label("fullname"))
             .join(model.User, model.User.id == portal_role.c.user_id)
             .order_by(model.User.name, portal_role.c.role))
    if user_id:
        query = query.where(portal_role.c.user_id == user_id)
    return [dict(r._mapping) for r in model.Session.execute(query)]

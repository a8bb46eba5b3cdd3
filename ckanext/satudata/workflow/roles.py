"""Portal roles of the Walidata team (SPEC "People and how they map onto CKAN").

Kept in the extension's own table because CKAN's org capacities are too coarse:
one person may hold several roles; separation of duties is enforced by the
workflows, not by withholding roles.
"""
from __future__ import annotations

import uuid
from typing import Optional

import flask
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

import ckan.model as model

from ckanext.satudata.i18n import N_
from ckanext.satudata.workflow.machine import KABID, ROLES, STAF, SUBKOORD  # noqa: F401
from ckanext.satudata.model import portal_role
from ckanext.satudata.privacy.access import DPO

# The roles a sysadmin grants: the Walidata team's (the workflows') and the
# data protection officer, who is not part of the team's workflows.
GRANTABLE_ROLES = ROLES + (DPO,)

ROLE_LABELS = {
    STAF: N_('Statistics staff'),
    SUBKOORD: N_('Statistics sub-coordinator'),
    KABID: N_('Head of the statistics division'),
    DPO: N_('Personal data protection officer'),
}


# Roles are asked on every auth check, helper and action of a page: inside a
# web request they are read once per user and kept in the request's WSGI
# environ (one dict per request, gone with it; a request context pushed for
# rendering a mail from a CLI command gets its own). grant() and revoke()
# drop the user's entry, so a change shows at once. Outside a request (CLI,
# background jobs, tests calling actions) nothing is kept.
_CACHE_KEY = "ckanext.satudata.roles"


def _request_cache() -> Optional[dict[str, tuple[str, ...]]]:
    if not flask.has_request_context():
        return None
    return flask.request.environ.setdefault(_CACHE_KEY, {})


def _forget(user_id: str) -> None:
    cache = _request_cache()
    if cache is not None:
        cache.pop(user_id, None)


def roles_of(user_id: str) -> list[str]:
    cache = _request_cache()
    if cache is not None and user_id in cache:
        return list(cache[user_id])
    rows = model.Session.execute(
        sa.select(portal_role.c.role).where(portal_role.c.user_id == user_id))
    found = sorted(r[0] for r in rows)
    if cache is not None:
        cache[user_id] = tuple(found)
    return found


def is_walidata_team(user_id: Optional[str]) -> bool:
    """A role of the workflows (staf, subkoord, kabid); the DPO alone is not."""
    return bool(user_id) and any(r in ROLES for r in roles_of(user_id))


def grant(user_id: str, role: str, granted_by: Optional[str]) -> bool:
    """True when newly granted, False when the user already held the role."""
    _forget(user_id)
    result = model.Session.execute(
        insert(portal_role).values(id=str(uuid.uuid4()), user_id=user_id, role=role,
                                   granted_by=granted_by)
        .on_conflict_do_nothing(constraint="satudata_portal_role_user_role_key"))
    return result.rowcount == 1


def revoke(user_id: str, role: str) -> bool:
    _forget(user_id)
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

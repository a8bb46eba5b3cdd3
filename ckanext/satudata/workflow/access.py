"""Who is asking: the caller, the Walidata team, membership of an OPD. Shared by
the auth functions of both workflows and of the portal roles."""
from __future__ import annotations

from typing import Optional

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.workflow import roles


def caller(context) -> Optional[model.User]:
    """The account behind `context`; None for a visitor without one. The
    account CKAN's check_access already looked up is reused (a dataset page
    asks once per resource)."""
    name = context.get("user") or ""
    if not name:
        return None
    known = context.get("auth_user_obj")
    if isinstance(known, model.User) and name in (known.name, known.id):
        return known
    return model.User.get(name)


def is_walidata(user) -> bool:
    return user is not None and roles.is_walidata_team(user.id)


def member_of(user, org_id) -> bool:
    return user is not None and bool(org_id) and authz.has_user_permission_for_group_or_org(
        org_id, user.name, "read")


def walidata_only(name: str, refusal: str):
    """An auth function that lets the Walidata team through and refuses others."""
    def auth(context, data_dict):
        if is_walidata(caller(context)):
            return {"success": True}
        return {"success": False, "msg": refusal}
    auth.__name__ = auth.__qualname__ = name
    return auth


def walidata_first(name: str, anonymous: bool = False):
    """A chained auth function: the Walidata team passes, others ask core."""
    def auth(next_auth, context, data_dict):
        if is_walidata(caller(context)):
            return {"success": True}
        return next_auth(context, data_dict)
    auth.__name__ = auth.__qualname__ = name
    auth = tk.chained_auth_function(auth)
    return tk.auth_allow_anonymous_access(auth) if anonymous else auth


def open_to_everyone(name: str, anonymous: bool = True):
    """Anyone may call it; the action and the rules decide what they get."""
    def auth(context, data_dict):
        return {"success": True}
    auth.__name__ = auth.__qualname__ = name
    return tk.auth_allow_anonymous_access(auth) if anonymous else auth


def page_context() -> dict:
    """The action context of the person viewing the page (anonymous: no user)."""
    user = tk.current_user
    return {"user": user.name if user and user.is_authenticated else ""}

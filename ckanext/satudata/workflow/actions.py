"""Actions of the portal roles (SPEC "People"): grant, revoke, list."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.workflow import roles, schema
from ckanext.satudata.workflow.clock import iso_wib


def _assignment_dict(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "user": row["user_name"],
        "user_id": row["user_id"],
        "fullname": row["fullname"],
        "role": row["role"],
        "granted_by": row["granted_by"],
        "granted_at": iso_wib(row["granted_at"]),
    }


@schema.guarded
def satudata_role_grant(context, data_dict):
    """Grant a portal role (``staf``, ``subkoord``, ``kabid``) to a user.
    Sysadmin only. Granting a role the user holds already changes nothing.

    :param user: user name or id
    :param role: ``staf``, ``subkoord`` or ``kabid``
    """
    tk.check_access("satudata_role_grant", context, data_dict)
    data = schema.validate(data_dict, schema.role_change_schema(), context)
    granted_by = model.User.get(context.get("user") or "")
    created = roles.grant(data["user"], data["role"], granted_by.id if granted_by else None)
    model.repo.commit()
    row = next(r for r in roles.assignments(data["user"]) if r["role"] == data["role"])
    return dict(_assignment_dict(row), created=created)


@schema.guarded
def satudata_role_revoke(context, data_dict):
    """Take a portal role away from a user. Sysadmin only.

    :param user: user name or id
    :param role: ``staf``, ``subkoord`` or ``kabid``
    :returns: ``{user, role, revoked}``; ``revoked`` is false when the user
        did not hold the role
    """
    tk.check_access("satudata_role_revoke", context, data_dict)
    data = schema.validate(data_dict, schema.role_change_schema(), context)
    # who revoked, for the role log's trigger (migration 0013: the audit chain)
    revoker = model.User.get(context.get("user") or "")
    model.Session.execute(sa.text("SELECT set_config('satudata.actor', :actor, true)"),
                          {"actor": revoker.id if revoker else ""})
    revoked = roles.revoke(data["user"], data["role"])
    model.repo.commit()
    return {"user": model.User.get(data["user"]).name, "role": data["role"], "revoked": revoked}


@schema.guarded
@tk.side_effect_free
def satudata_role_list(context, data_dict):
    """Portal role assignments: everyone's (sysadmin) or one user's (that
    user themself or a sysadmin).

    :param user: user name or id (optional)
    """
    tk.check_access("satudata_role_list", context, data_dict)
    data = schema.validate(data_dict, schema.role_list_schema(), context)
    user_id = data.get("user")
    caller = model.User.get(context.get("user") or "")
    if not user_id and not context.get("ignore_auth") and caller and not caller.sysadmin:
        user_id = caller.id
    return [_assignment_dict(r) for r in roles.assignments(user_id)]

"""Actions of ckanext-satudata (SPEC "API contract")."""
from __future__ import annotations

import functools
from typing import Any

import ckan.logic as logic
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.workflow import roles
from ckanext.satudata.workflow.clock import iso_wib
from ckanext.satudata.workflow import schema



def _assignment_dict(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "user": row["user_name"],
        "user_id": row["user_id"],
        "fullname": row["fullname"],
        "role": row["role"],
        "granted_by": row["granted_by"],
        "granted_at": iso_wib(row["granted_at"]),
    }


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


def satudata_role_revoke(context, data_dict):
    """Take a portal role away from a user. Sysadmin only.

    :param user: user name or id
    :param role: ``staf``, ``subkoord`` or ``kabid``
    :returns: ``{user, role, revoked}``; ``revoked`` is false when the user
        did not hold the role
    """
    tk.check_access("satudata_role_revoke", context, data_dict)
    data = schema.validate(data_dict, schema.role_change_schema(), context)
    revoked = roles.revoke(data["user"], data["role"])
    model.repo.commit()
    return {"user": model.User.get(data["user"]).name, "role": data["role"], "revoked": revoked}


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


def _visible_dataset_counts(context, facet_field):
    """Dataset counts per organization/group as the caller may see them.
    Core counts every dataset, private ones included, whoever asks."""
    search_context = {k: context[k] for k in ("user", "ignore_auth", "auth_user_obj")
                      if k in context}
    result = tk.get_action("package_search")(search_context, {
        "rows": 0, "include_private": True, "fq": "+dataset_type:dataset",
        "facet.field": [facet_field], "facet.limit": -1})
    return result["facets"].get(facet_field, {})


def _recount(up_func, context, data_dict, facet_field, key):
    groups = up_func(context, data_dict)
    if groups and isinstance(groups[0], dict) and "package_count" in groups[0]:
        counts = _visible_dataset_counts(context, facet_field)
        for group in groups:
            group["package_count"] = counts.get(group[key], 0)
    return groups


@tk.chained_action
@tk.side_effect_free
def organization_list(up_func, context, data_dict):
    return _recount(up_func, context, data_dict, "owner_org", "id")


@tk.chained_action
@tk.side_effect_free
def group_list(up_func, context, data_dict):
    return _recount(up_func, context, data_dict, "groups", "name")


# Core 2.12 changes these without touching the search index (Solr too kept
# stale org, group and collaborator data); reindex right after their commit.
def _reindex(package_ref):
    if package_ref:
        logic.index_update_package({"ignore_auth": True}, package_ref)
        model.repo.commit()


@tk.chained_action
def package_owner_org_update(up_func, context, data_dict):
    """Moving a published dataset to another OPD changes its publisher: that
    goes through a revision (package_update), not this direct call. Internal
    calls (core's package_update, applying a revision) run with ignore_auth."""
    from ckanext.satudata.dissemination import service as wf
    pkg = model.Package.get((data_dict or {}).get("id") or "")
    user = model.User.get(context.get("user") or "")
    if (pkg is not None and not context.get("ignore_auth") and not (user and user.sysadmin)
            and wf.ensure_row(pkg.id).published):
        raise tk.NotAuthorized(wf.PUBLISHED_MOVE_REFUSED)
    result = up_func(context, data_dict)
    if not context.get("defer_commit"):
        _reindex(data_dict.get("id"))
    return result


@tk.chained_action
def member_create(up_func, context, data_dict):
    result = up_func(context, data_dict)
    if data_dict.get("object_type") == "package" and not context.get("defer_commit"):
        _reindex(data_dict.get("object"))
    return result


@tk.chained_action
def member_delete(up_func, context, data_dict):
    result = up_func(context, data_dict)
    if data_dict.get("object_type") == "package":
        _reindex(data_dict.get("object"))
    return result


@tk.chained_action
def package_collaborator_create(up_func, context, data_dict):
    result = up_func(context, data_dict)
    _reindex(data_dict.get("id"))
    return result


@tk.chained_action
def package_collaborator_delete(up_func, context, data_dict):
    result = up_func(context, data_dict)
    _reindex(data_dict.get("id"))
    return result


def _wrap(outer, inner, chained):
    """`outer` (a chained action) around `inner`; chained again if `inner` is."""
    if chained:
        def composed(up_func, context, data_dict):
            return outer(functools.partial(inner, up_func), context, data_dict)
        composed.chained_action = True
    else:
        def composed(context, data_dict):
            return outer(inner, context, data_dict)
    # a defined action keeps its own flags (GET allowed, ...); wrappers add none
    sources = (outer, inner) if chained else (inner,)
    for flag in ("side_effect_free", "auth_audit_exempt", "auth_allow_anonymous_access"):
        if any(getattr(f, flag, False) for f in sources):
            setattr(composed, flag, True)
    composed.__name__ = composed.__qualname__ = getattr(inner, "__name__", "action")
    composed.__doc__ = inner.__doc__ or outer.__doc__
    return composed


def _merged(*tables):
    """One action table from the capability modules. An action defined by one
    module and chained by another (or a core action chained by several) runs
    through each wrapper, the first listed outermost."""
    merged = {}
    for table in tables:
        for name, func in table.items():
            if name not in merged:
                merged[name] = func
            elif getattr(func, "chained_action", False):
                merged[name] = _wrap(merged[name], func, True) \
                    if getattr(merged[name], "chained_action", False) \
                    else _wrap(func, merged[name], False)
            elif getattr(merged[name], "chained_action", False):
                # the defining action arrives after its wrappers
                merged[name] = _wrap(merged[name], func, False)
            # else: both define it; the first listed has wrapped the other itself
    return merged


def get_actions():
    from ckanext.satudata.dissemination import read_guard, revision_edits, actions as workflow_actions
    from ckanext.satudata.requests import actions as request_actions
    return _merged(read_guard.get_actions(), revision_edits.get_actions(),
                   workflow_actions.get_actions(), request_actions.get_actions(), {
        "organization_list": organization_list,
        "group_list": group_list,
        "package_owner_org_update": package_owner_org_update,
        "member_create": member_create,
        "member_delete": member_delete,
        "package_collaborator_create": package_collaborator_create,
        "package_collaborator_delete": package_collaborator_delete,
        "satudata_role_grant": satudata_role_grant,
        "satudata_role_revoke": satudata_role_revoke,
        "satudata_role_list": satudata_role_list,
    })

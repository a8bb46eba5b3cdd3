"""Auth functions. Sysadmins pass every CKAN auth check before these run."""
from __future__ import annotations

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.workflow import roles

from ckanext.satudata.i18n import bilingual


def satudata_role_grant(context, data_dict):
    return {"success": False, "msg": bilingual('Only sysadmins can manage portal roles')}


def satudata_role_revoke(context, data_dict):
    return satudata_role_grant(context, data_dict)


def satudata_role_list(context, data_dict):
    """Sysadmins see everyone's roles; a user may ask about themself."""
    user = model.User.get(context.get("user") or "")
    asked = (data_dict or {}).get("user")
    if user and not asked:
        return {"success": True}  # the action answers with the caller's own roles
    if user and asked:
        target = model.User.get(asked)
        if target is not None and target.id == user.id:
            return {"success": True}
    return {"success": False, "msg": bilingual('You can only see your own roles')}


def _user(context):
    return model.User.get(context.get("user") or "")


def _walidata(user) -> bool:
    return user is not None and roles.is_walidata_team(user.id)


def _member_of(user, org_id) -> bool:
    return user is not None and bool(org_id) and authz.has_user_permission_for_group_or_org(
        org_id, user.name, "read")


_REFUSED_WORKFLOW = {"success": False, "msg": bilingual('Only the Walidata team and the owning agency can see this workflow')}


def satudata_dataset_transition(context, data_dict):
    """Portal role holders, and the author of a pending revision discarding
    it; the rules module decides the rest."""
    user = _user(context)
    if _walidata(user):
        return {"success": True}
    if (data_dict or {}).get("transition") == "discard" and user is not None:
        from ckanext.satudata.dissemination import service as wf
        pkg = model.Package.get((data_dict or {}).get("id") or "")
        row = wf.get_row(pkg.id) if pkg is not None else None
        if row is not None and row.pending_revision_by == user.id:
            return {"success": True}
    return {"success": False, "msg": bilingual('Only staff, Subkoord and Kabid can move datasets along the chain')}


@tk.auth_allow_anonymous_access
def satudata_dataset_workflow_show(context, data_dict):
    user = _user(context)
    pkg = model.Package.get((data_dict or {}).get("id") or "")
    if _walidata(user) or (pkg is not None and _member_of(user, pkg.owner_org)):
        return {"success": True}
    return _REFUSED_WORKFLOW


@tk.auth_allow_anonymous_access
def satudata_dataset_history(context, data_dict):
    """Also after deletion: the owner recorded in the log decides."""
    from ckanext.satudata.dissemination.service import log_owner_org
    user = _user(context)
    if _walidata(user):
        return {"success": True}
    ref = (data_dict or {}).get("id") or ""
    pkg = model.Package.get(ref)
    owner = pkg.owner_org if pkg is not None else (log_owner_org(ref) or (None, None))[1]
    if _member_of(user, owner):
        return {"success": True}
    return _REFUSED_WORKFLOW


def satudata_review_queue(context, data_dict):
    return {"success": _user(context) is not None}


# The Walidata team reads, prepares and creates datasets of every OPD.
@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def package_show(next_auth, context, data_dict):
    if _walidata(_user(context)):
        return {"success": True}
    return next_auth(context, data_dict)


@tk.chained_auth_function
def package_update(next_auth, context, data_dict):
    if _walidata(_user(context)):
        return {"success": True}
    return next_auth(context, data_dict)


@tk.chained_auth_function
def package_create(next_auth, context, data_dict):
    if _walidata(_user(context)):
        return {"success": True}
    return next_auth(context, data_dict)


@tk.chained_auth_function
def package_delete(next_auth, context, data_dict):
    """Sysadmins never reach here; everyone else withdraws instead."""
    from ckanext.satudata.dissemination import service as wf
    pkg = model.Package.get((data_dict or {}).get("id") or "")
    if pkg is not None:
        row = wf.get_row(pkg.id)
        if row is not None and row.published:
            return {"success": False, "msg": wf.PUBLISHED_DELETE_REFUSED}
    return next_auth(context, data_dict)


def _published_resource(resource_id) -> bool:
    from ckanext.satudata.dissemination import service as wf
    resource = model.Resource.get(resource_id) if isinstance(resource_id, str) else None
    row = wf.get_row(resource.package_id) if resource is not None else None
    return bool(row is not None and row.published)


_VIEW_REFUSED = {"success": False, "msg": bilingual("Only sysadmins change the views of a published dataset's resources: a view is part of what the public sees")}


def _view_guard(resource_of):
    """Views (an image URL, a chart's columns) are public presentation of a
    live dataset; they do not change outside the chain. Sysadmins and internal
    calls (default views, ignore_auth) skip auth functions."""
    @tk.chained_auth_function
    def auth(next_auth, context, data_dict):
        if _published_resource(resource_of(data_dict or {})):
            return _VIEW_REFUSED
        return next_auth(context, data_dict)
    return auth


def _view_resource(data_dict):
    view = model.ResourceView.get(data_dict.get("id") or "") \
        if isinstance(data_dict.get("id"), str) else None
    return view.resource_id if view is not None else None


def _relationships_refused(context, data_dict):
    """A relationship is public metadata of both datasets that would change
    outside the chain; only sysadmins (who skip this check) manage them."""
    return {"success": False, "msg": bilingual('Only sysadmins can manage dataset relationships')}


# Workflow 2: anyone may file, follow and (with the token) act on a request;
# the actions decide how much each caller sees and the rules who may move it.
@tk.auth_allow_anonymous_access
def satudata_request_create(context, data_dict):
    return {"success": True}


@tk.auth_allow_anonymous_access
def satudata_request_show(context, data_dict):
    return {"success": True}


@tk.auth_allow_anonymous_access
def satudata_request_list(context, data_dict):
    return {"success": True}


@tk.auth_allow_anonymous_access
def satudata_request_transition(context, data_dict):
    return {"success": True}


# Keberatan: the rules (keberatan.py) decide who, inside the action.
@tk.auth_allow_anonymous_access
def satudata_objection_file(context, data_dict):
    return {"success": True}


def satudata_objection_decide(context, data_dict):
    return {"success": True}


def satudata_sla_report(context, data_dict):
    if _walidata(_user(context)):
        return {"success": True}
    return {"success": False, "msg": bilingual('Only the Walidata team can see SOP reports')}


def satudata_request_dataset_create(context, data_dict):
    if _walidata(_user(context)):
        return {"success": True}
    return {"success": False, "msg": bilingual('Only the Walidata team can make a dataset from a request')}


def get_auth_functions():
    from ckanext.satudata.dissemination import revision_edits
    return dict(revision_edits.get_auth_functions(), **{
        "satudata_request_dataset_create": satudata_request_dataset_create,
        "satudata_sla_report": satudata_sla_report,
        "satudata_request_create": satudata_request_create,
        "satudata_request_show": satudata_request_show,
        "satudata_request_list": satudata_request_list,
        "satudata_request_transition": satudata_request_transition,
        "satudata_objection_file": satudata_objection_file,
        "satudata_objection_decide": satudata_objection_decide,
        "satudata_dataset_transition": satudata_dataset_transition,
        "satudata_dataset_workflow_show": satudata_dataset_workflow_show,
        "satudata_dataset_history": satudata_dataset_history,
        "satudata_review_queue": satudata_review_queue,
        "package_show": package_show,
        "package_update": package_update,
        "package_create": package_create,
        "package_delete": package_delete,
        "resource_view_create": _view_guard(lambda d: d.get("resource_id")),
        "resource_view_update": _view_guard(lambda d: d.get("resource_id")),
        "resource_view_reorder": _view_guard(lambda d: d.get("resource_id")),
        "resource_view_delete": _view_guard(_view_resource),
        "package_relationship_create": _relationships_refused,
        "package_relationship_update": _relationships_refused,
        "package_relationship_delete": _relationships_refused,
        "satudata_role_grant": satudata_role_grant,
        "satudata_role_revoke": satudata_role_revoke,
        "satudata_role_list": satudata_role_list,
    })

"""Auth of Workflow 1 (Diseminasi Data Sektoral). Sysadmins pass every CKAN auth
check before these run; the rules module decides who may take which step."""
from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.i18n import bilingual
from ckanext.satudata.workflow import access


_REFUSED_WORKFLOW = {"success": False, "msg": bilingual('Only the Walidata team and the owning agency can see this workflow')}


def satudata_dataset_transition(context, data_dict):
    """Portal role holders, and the author of a pending revision discarding
    it; the rules module decides the rest."""
    user = access.caller(context)
    if access.is_walidata(user):
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
    user = access.caller(context)
    pkg = model.Package.get((data_dict or {}).get("id") or "")
    if access.is_walidata(user) or (pkg is not None and access.member_of(user, pkg.owner_org)):
        return {"success": True}
    return _REFUSED_WORKFLOW


@tk.auth_allow_anonymous_access
def satudata_dataset_history(context, data_dict):
    """Also after deletion: the owner recorded in the log decides."""
    from ckanext.satudata.dissemination.service import log_owner_org
    user = access.caller(context)
    if access.is_walidata(user):
        return {"success": True}
    ref = (data_dict or {}).get("id") or ""
    pkg = model.Package.get(ref)
    owner = pkg.owner_org if pkg is not None else (log_owner_org(ref) or (None, None))[1]
    if access.member_of(user, owner):
        return {"success": True}
    return _REFUSED_WORKFLOW


def satudata_review_queue(context, data_dict):
    return {"success": access.caller(context) is not None}


# The Walidata team reads, prepares and creates datasets of every OPD.
package_show = access.walidata_first("package_show", anonymous=True)
package_update = access.walidata_first("package_update")
package_create = access.walidata_first("package_create")


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


def _view_guard(name, resource_of):
    """Views (an image URL, a chart's columns) are public presentation of a
    live dataset; they do not change outside the chain. Sysadmins and internal
    calls (default views, ignore_auth) skip auth functions."""
    @tk.chained_auth_function
    def auth(next_auth, context, data_dict):
        if _published_resource(resource_of(data_dict or {})):
            return _VIEW_REFUSED
        return next_auth(context, data_dict)
    auth.__name__ = auth.__qualname__ = name
    return auth


def _view_resource(data_dict):
    view = model.ResourceView.get(data_dict.get("id") or "") \
        if isinstance(data_dict.get("id"), str) else None
    return view.resource_id if view is not None else None


def _relationships_refused(name):
    """A relationship is public metadata of both datasets that would change
    outside the chain; only sysadmins (who skip this check) manage them."""
    def auth(context, data_dict):
        return {"success": False, "msg": bilingual('Only sysadmins can manage dataset relationships')}
    auth.__name__ = auth.__qualname__ = name
    return auth


package_relationship_create = _relationships_refused("package_relationship_create")
package_relationship_update = _relationships_refused("package_relationship_update")
package_relationship_delete = _relationships_refused("package_relationship_delete")
resource_view_create = _view_guard("resource_view_create", lambda d: d.get("resource_id"))
resource_view_reorder = _view_guard("resource_view_reorder", lambda d: d.get("resource_id"))
resource_view_delete = _view_guard("resource_view_delete", _view_resource)


@tk.chained_auth_function
def resource_view_update(next_auth, context, data_dict):
    """Against the view's own resource, not the ``resource_id`` the caller
    sends (core's check: an editor of one OPD naming their own resource could
    change another OPD's views). A view moved to another resource needs the
    right to both."""
    data_dict = data_dict or {}
    stored = _view_resource(data_dict)
    if stored is None:
        raise tk.ObjectNotFound(bilingual('View not found'))
    sent = data_dict.get("resource_id")
    resources = [stored] + ([sent] if sent not in (None, "", stored) else [])
    for resource_id in resources:
        if _published_resource(resource_id):
            return _VIEW_REFUSED
        result = next_auth(context, dict(data_dict, resource_id=resource_id))
        if not result.get("success"):
            return result
    return {"success": True}



# What makes an OPD an OPD: its datasets' pages, permission labels and the
# chain all hang on it. Only sysadmins (who skip auth functions) change them.
_OPD_IDENTITY = ("state", "is_organization", "type", "approval_status")
_OPD_IDENTITY_REFUSED = bilingual("Only sysadmins can delete an organization, turn it into a group or change its type or approval")


def _same(field, stored, sent) -> bool:
    if field == "is_organization":
        try:
            return tk.asbool(sent) == bool(stored)
        except ValueError:
            return False
    return sent == stored


def _identity_guard(name):
    """``organization_update``/``group_update`` (and their ``_patch``, which
    sends the stored values back unchanged): an admin edits the title, the
    description, the image, never the fields in ``_OPD_IDENTITY``."""
    @tk.chained_auth_function
    def auth(next_auth, context, data_dict):
        data_dict = data_dict or {}
        ref = data_dict.get("id") or data_dict.get("name")
        group = model.Group.get(ref) if isinstance(ref, str) else None
        if group is not None:
            for field in _OPD_IDENTITY:
                if field in data_dict and not _same(field, getattr(group, field),
                                                    data_dict[field]):
                    return {"success": False, "msg": _OPD_IDENTITY_REFUSED}
        return next_auth(context, data_dict)
    auth.__name__ = auth.__qualname__ = name
    return auth


organization_update = _identity_guard("organization_update")
group_update = _identity_guard("group_update")


satudata_sla_report = access.walidata_only(
    "satudata_sla_report", bilingual('Only the Walidata team can see SOP reports'))

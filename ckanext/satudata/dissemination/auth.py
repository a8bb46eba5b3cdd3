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
resource_view_update = _view_guard("resource_view_update", lambda d: d.get("resource_id"))
resource_view_reorder = _view_guard("resource_view_reorder", lambda d: d.get("resource_id"))
resource_view_delete = _view_guard("resource_view_delete", _view_resource)




satudata_sla_report = access.walidata_only(
    "satudata_sla_report", bilingual('Only the Walidata team can see SOP reports'))

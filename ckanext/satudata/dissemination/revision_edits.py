"""Editing a published dataset whose revision is pending edits that revision.

Core reads a dataset before writing it with ``package_show`` marked
``for_update`` (resource_create/update/patch/delete, package_patch,
package_revise, reorder) or ``for_edit`` (the edit forms). For those reads the
pending revision is the dataset being edited, so a second edit builds on the
first instead of replacing it with live-plus-one-change. Resources that exist
only in the revision are found there too.
"""
from __future__ import annotations

import copy
from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.dissemination import service as wf
from ckanext.satudata.model import dataset_workflow as wf_table

_INTERNAL = (wf.APPLYING, wf.DRY_RUN, wf.LIVE)


def _reads_for_writing(context) -> bool:
    return bool(context.get("for_update") or context.get("for_edit")) and not any(
        context.get(flag) for flag in _INTERNAL)


def pending_revision(package_id: str) -> Optional[dict[str, Any]]:
    row = wf.get_row(package_id)
    if row is None or row.pending_revision is None:
        return None
    return copy.deepcopy(row.pending_revision)


def _revision_holding(resource_id: str) -> Optional[tuple[str, dict[str, Any]]]:
    """(package_id, revision) of the pending revision that has this resource."""
    found = model.Session.execute(
        sa.select(wf_table.c.package_id, wf_table.c.pending_revision).where(
            wf_table.c.pending_revision["resources"].contains([{"id": resource_id}]))
    ).first()
    return (found.package_id, copy.deepcopy(found.pending_revision)) if found else None


def _resource_and_revision(resource_id: str):
    """(package_id, revision or None) for a resource live or only in a revision."""
    resource = model.Resource.get(resource_id)
    if resource is not None:
        return resource.package_id, pending_revision(resource.package_id)
    return _revision_holding(resource_id) or (None, None)


def _index(revision: dict[str, Any], resource_id: str) -> int:
    for i, resource in enumerate(revision.get("resources") or []):
        if resource.get("id") == resource_id:
            return i
    raise tk.ObjectNotFound("Sumber data tidak ditemukan / Resource not found")


@tk.chained_action
@tk.side_effect_free
def package_show(up_func, context, data_dict):
    shown = up_func(context, data_dict)
    if _reads_for_writing(context):
        revision = pending_revision(shown["id"])
        if revision is not None:
            return dict(revision, private=shown.get("private"), state=shown.get("state"))
    return shown


@tk.chained_action
@tk.side_effect_free
def resource_show(up_func, context, data_dict):
    resource_id = (data_dict or {}).get("id")
    if (isinstance(resource_id, str) and _reads_for_writing(context)
            and model.Resource.get(resource_id) is None):
        found = _revision_holding(resource_id)
        if found is not None:
            tk.check_access("resource_show", context, data_dict)
            return found[1]["resources"][_index(found[1], resource_id)]
    return up_func(context, data_dict)


def _update_revision(context, package_id, revision, position=None):
    revision.pop("metadata_modified", None)
    context = dict(context)
    context.pop("original_package", None)
    try:
        return tk.get_action("package_update")(context, revision)
    except tk.ValidationError as e:
        errors = e.error_dict
        if position is not None and isinstance(errors.get("resources"), list):
            try:
                errors = errors["resources"][position] or errors
            except IndexError:
                pass
        raise tk.ValidationError(errors)


def _held(context, data_dict):
    """(resource id, package id, revision) when the resource's dataset has a
    pending revision that this write must edit, else None (core's way)."""
    resource_id = (data_dict or {}).get("id")
    if not isinstance(resource_id, str) or context.get(wf.APPLYING):
        return None
    package_id, revision = _resource_and_revision(resource_id)
    return (resource_id, package_id, revision) if revision is not None else None


@tk.chained_action
def resource_update(up_func, context, data_dict):
    held = _held(context, data_dict)
    if held is None:
        return up_func(context, data_dict)
    resource_id, package_id, revision = held
    tk.check_access("resource_update", context, data_dict)
    position = _index(revision, resource_id)
    data_dict = dict(data_dict, package_id=package_id)
    data_dict.setdefault("url", "")
    revision["resources"][position] = data_dict
    updated = _update_revision(context, package_id, revision, position)
    return updated["resources"][position]


@tk.chained_action
def resource_patch(up_func, context, data_dict):
    """Core refuses a resource it cannot find in its table; one that exists
    only in the pending revision is patched there."""
    resource_id = (data_dict or {}).get("id")
    if (not isinstance(resource_id, str) or model.Resource.get(resource_id) is not None
            or context.get(wf.APPLYING)):
        return up_func(context, data_dict)
    tk.check_access("resource_patch", context, data_dict)
    current = tk.get_action("resource_show")(
        {"user": context.get("user"), "for_update": True}, {"id": resource_id})
    return tk.get_action("resource_update")(context, dict(current, **data_dict))


@tk.chained_action
def resource_delete(up_func, context, data_dict):
    held = _held(context, data_dict)
    if held is None:
        return up_func(context, data_dict)
    resource_id, package_id, revision = held
    tk.check_access("resource_delete", context, data_dict)
    del revision["resources"][_index(revision, resource_id)]
    _update_revision(context, package_id, revision)


def resource_auth(next_auth, context, data_dict):
    """Auth of a resource that exists only in a pending revision: whoever may
    edit the dataset may read and change it; everyone else gets core's check."""
    import ckan.authz as authz
    resource_id = (data_dict or {}).get("id")
    if isinstance(resource_id, str) and model.Resource.get(resource_id) is None:
        found = _revision_holding(resource_id)
        if found is not None:
            return authz.is_authorized("package_update", context, {"id": found[0]})
    return next_auth(context, data_dict)


def _resource_auth(name: str, anonymous: bool = False):
    def auth(next_auth, context, data_dict):
        return resource_auth(next_auth, context, data_dict)
    auth.__name__ = auth.__qualname__ = name
    auth = tk.chained_auth_function(auth)
    # reading stays open to anonymous visitors, as in core (published data)
    return tk.auth_allow_anonymous_access(auth) if anonymous else auth


auth_resource_show = _resource_auth("resource_show", anonymous=True)
auth_resource_update = _resource_auth("resource_update")
auth_resource_patch = _resource_auth("resource_patch")
auth_resource_delete = _resource_auth("resource_delete")

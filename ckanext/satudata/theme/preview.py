"""Data preview: only resources of published datasets reach the DataStore.

A dataset is private until its workflow `publish`; a pending revision's files
are held apart (logic/revision_files.py) and are not resources of the live
dataset, so they never reach here. On `publish` every resource of the now
public dataset is (re)submitted to ckanext-xloader, after the approved bytes
are in place. A withdrawn dataset is private again, so CKAN's datastore auth
(resource_show) refuses its tables to everyone outside the team and the OPD.

What the loader and the DataStore keep on a resource (hash, last_modified,
flags) is written onto the live resource directly, never as a revision; direct
DataStore writes, hidden tables and the loader's token are guarded in
dissemination/live_data.py."""
from __future__ import annotations

import logging

import ckan.model as model
import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)


def published(resource_id: str) -> bool:
    res = model.Resource.get(resource_id)
    if res is None or res.state != "active":
        return False
    pkg = res.package
    if pkg is None or pkg.state != "active" or pkg.private:
        return False
    from ckanext.satudata.dissemination import service as wf
    row = wf.get_row(pkg.id)
    return row is None or bool(row.published)


def can_upload(resource_id: str) -> bool:
    import os
    if os.environ.get("SATUDATA_XLOADER_DEFER"):
        # scripts/portal loads the demo before the web server answers; it
        # queues the published resources with `ckan preview load` afterwards
        return False
    ok = published(resource_id)
    if not ok:
        log.info("xloader: resource %s is not part of a published dataset; not loaded",
                 resource_id)
    return ok


def submit_dataset(package_id: str) -> int:
    """Queue every loadable resource of a published dataset; the count queued."""
    import ckan.plugins as plugins
    pkg = model.Package.get(package_id)
    if pkg is None or not plugins.plugin_loaded("xloader"):
        return 0
    queued = 0
    for res in pkg.resources:
        if not published(res.id):
            continue
        try:
            if tk.get_action("xloader_submit")(
                    {"ignore_auth": True, "user": _site_user()},
                    {"resource_id": res.id, "ignore_hash": True}):
                queued += 1
        except Exception as e:  # noqa: BLE001 - a preview never fails a publish
            # (xloader 2.5's duplicate check can raise on foreign queue entries)
            log.warning("xloader: resource %s not submitted: %r", res.id, e)
    return queued


def _site_user() -> str:
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


@tk.chained_action
def satudata_dataset_transition(next_action, context, data_dict):
    result = next_action(context, data_dict)
    transition = (data_dict or {}).get("transition")
    package_id = result.get("id") or (data_dict or {}).get("id")
    pkg = model.Package.get(package_id) if package_id else None
    if pkg is not None and transition == "publish":
        submit_dataset(pkg.id)
    return result


@tk.chained_action
def xloader_submit(next_action, context, data_dict):
    """ckanext-xloader 2.5's duplicate check reads a resource id out of the
    queued jobs' descriptions, which CKAN 2.12 replaces by the job's title: with
    a task already pending it raises AttributeError, failing the resource save
    that triggered it. A pending task is already a queued load: skip."""
    try:
        return next_action(context, data_dict)
    except AttributeError:
        log.info("xloader: resource %s already pending; not queued twice",
                 (data_dict or {}).get("resource_id"))
        return False


@tk.chained_action
def resource_create_default_resource_views(next_action, context, data_dict):
    """A resource that exists only in a held revision gets its views when the
    revision is published (and loaded), not now: core would look its views up
    on a resource the live dataset does not have."""
    resource = (data_dict or {}).get("resource") or {}
    if resource.get("id") and model.Resource.get(resource["id"]) is None:
        tk.check_access("resource_create_default_resource_views", context, data_dict)
        return []
    from ckanext.satudata.dissemination import live_data
    if live_data.is_loader(context):
        # the loader reports a load of a published resource (live_data's auth):
        # its default views are the portal's configured ones, made internally
        tk.check_access("resource_create_default_resource_views", context, data_dict)
        context = dict(context, ignore_auth=True)
    return next_action(context, data_dict)


def before_resource_show(resource: dict) -> dict:
    """ckanext-xloader adds `datastore_contains_all_records_of_source_file:
    False` to every resource it shows; a key that only some processes add
    would change the content hash the sign-offs carry (a CLI or a process
    without xloader computes another one). Dropped while it says nothing:
    this runs after xloader's hook (satudata_preview after xloader in
    ckan.plugins)."""
    key = "datastore_contains_all_records_of_source_file"
    if key in resource and not resource[key]:
        resource.pop(key)
    return resource


def get_actions():
    import ckan.plugins as plugins
    actions = {"satudata_dataset_transition": satudata_dataset_transition,
               "resource_create_default_resource_views": resource_create_default_resource_views}
    if plugins.plugin_loaded("xloader"):
        actions["xloader_submit"] = xloader_submit
    return actions

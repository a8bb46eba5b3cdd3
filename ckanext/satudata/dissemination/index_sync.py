"""Core actions that change what a dataset's index entry says, or count datasets,
without asking the search index: counts as the caller may see them, and a
reindex after core changes organisation, group or collaborator data."""
from __future__ import annotations

import ckan.logic as logic
import ckan.model as model
import ckan.plugins.toolkit as tk


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
def reindex(package_ref):
    if package_ref:
        logic.index_update_package({"ignore_auth": True}, package_ref)
        model.repo.commit()


@tk.chained_action
def member_create(up_func, context, data_dict):
    result = up_func(context, data_dict)
    if data_dict.get("object_type") == "package" and not context.get("defer_commit"):
        reindex(data_dict.get("object"))
    return result


@tk.chained_action
def member_delete(up_func, context, data_dict):
    result = up_func(context, data_dict)
    if data_dict.get("object_type") == "package":
        reindex(data_dict.get("object"))
    return result


@tk.chained_action
def package_collaborator_create(up_func, context, data_dict):
    result = up_func(context, data_dict)
    reindex(data_dict.get("id"))
    return result


@tk.chained_action
def package_collaborator_delete(up_func, context, data_dict):
    result = up_func(context, data_dict)
    reindex(data_dict.get("id"))
    return result

"""Read paths that must not reveal unpublished work (SPEC "Rules that must
never break"): chained core actions that filter what CKAN reads straight from
its tables, and answer "not found" for what the caller may not read.

What a caller may see is what their own ``package_search`` (private and
draft datasets included, the caller's context) returns, or what
``check_access('package_show')`` lets them read: the Walidata team and the
owning OPD keep seeing their own work, everyone else sees only what is
published. A dataset the caller cannot read answers exactly as a dataset
that does not exist: ``ObjectNotFound`` with one fixed message, never the
id, never ``NotAuthorized``.
"""
from __future__ import annotations

import functools
import re
from typing import Any, Callable, Iterable, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.search import SearchQueryError

from ckanext.satudata.search.bounds import SearchBoundError

from ckanext.satudata.workflow import roles
from ckanext.satudata.workflow import schema
from ckanext.satudata.i18n import bilingual

DATASET_NOT_FOUND = bilingual('Dataset not found')
RESOURCE_NOT_FOUND = bilingual('Resource not found')
VIEW_NOT_FOUND = bilingual('View not found')
ACTIVITY_NOT_FOUND = bilingual('Activity not found')
TASK_NOT_FOUND = bilingual('Task status not found')
INTERNAL_FIELD = bilingual('Internal search index fields cannot be used')


# -- who sees what ------------------------------------------------------

def _search_context(context) -> dict[str, Any]:
    return {k: context[k] for k in ("user", "ignore_auth", "auth_user_obj") if k in context}


def _caller(context) -> Optional[model.User]:
    """The user the context names: the one the request already identified
    (views pass it as ``auth_user_obj``; core's auth reads ``current_user``)
    before a query by name."""
    name = context.get("user")
    if not name:
        return None
    for known in (context.get("auth_user_obj"), tk.current_user):
        try:
            if known is not None and known.is_authenticated and name in (known.name, known.id):
                return known
        except (AttributeError, RuntimeError):  # anonymous, or no request
            continue
    return model.User.get(name)


def _sees_everything(context) -> bool:
    """Internal calls, sysadmins and the Walidata team (their permission
    label opens every dataset)."""
    if context.get("ignore_auth"):
        return True
    user = _caller(context)
    return user is not None and (user.sysadmin or roles.is_walidata_team(user.id))


def _visible_facet(context, field: str) -> dict[str, int]:
    """The caller's own search: counts per value over every dataset they may read."""
    result = tk.get_action("package_search")(_search_context(context), {
        "q": "*:*", "rows": 0, "include_private": True, "include_drafts": True,
        "facet.field": [field], "facet.limit": -1, "facet.mincount": 1})
    return result["facets"].get(field, {})


def _can_read(context, package_ref: Optional[str]) -> bool:
    if not package_ref:
        return False
    pkg = model.Package.get(package_ref)
    if pkg is None:
        return False
    check_context = _search_context(context)
    try:
        tk.check_access("package_show", check_context, {"id": pkg.id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    return True


def _resource_package(resource_id: Optional[str]) -> Optional[str]:
    resource = model.Resource.get(resource_id) if resource_id else None
    return resource.package_id if resource is not None else None


def _view_package(view_id: Optional[str]) -> Optional[str]:
    view = model.ResourceView.get(view_id) if view_id else None
    return _resource_package(view.resource_id) if view is not None else None


def _hidden_as_missing(up_func, context, data_dict, packages: Callable[[], Iterable],
                       message: str):
    """Run ``up_func``; if it refuses or misses and the caller cannot read
    every dataset it concerns, answer as for a missing dataset."""
    try:
        return up_func(context, data_dict)
    except (tk.NotAuthorized, tk.ObjectNotFound):
        refs = list(packages())
        if refs and all(_can_read(context, ref) for ref in refs):
            raise
        raise tk.ObjectNotFound(message)


def _ref(data_dict, key="id"):
    value = (data_dict or {}).get(key)
    return value if isinstance(value, str) else None


# -- 2. hidden and missing datasets answer the same ------------------------

def _guard(name: str, packages_of: Callable[[dict], list], not_found: str):
    """A chained read action that answers `not_found` when the caller cannot
    read a dataset it touches, as when the dataset does not exist."""
    @tk.side_effect_free
    def guard(up_func, context, data_dict):
        return _hidden_as_missing(up_func, context, data_dict,
                                  lambda: packages_of(data_dict), not_found)
    guard.__name__ = guard.__qualname__ = name
    return tk.chained_action(guard)


package_show = _guard("package_show", lambda d: [_ref(d)], DATASET_NOT_FOUND)
resource_show = _guard("resource_show", lambda d: [_resource_package(_ref(d))],
                       RESOURCE_NOT_FOUND)
resource_view_list = _guard("resource_view_list", lambda d: [_resource_package(_ref(d))],
                            RESOURCE_NOT_FOUND)
resource_view_show = _guard("resource_view_show", lambda d: [_view_package(_ref(d))],
                            VIEW_NOT_FOUND)
package_activity_list = _guard("package_activity_list", lambda d: [_ref(d)], DATASET_NOT_FOUND)


@tk.chained_action
@tk.side_effect_free
def package_relationships_list(up_func, context, data_dict):
    def packages():
        refs = [_ref(data_dict)]
        if (data_dict or {}).get("id2"):
            refs.append(_ref(data_dict, "id2"))
        return refs
    return _hidden_as_missing(up_func, context, data_dict, packages, DATASET_NOT_FOUND)


@tk.chained_action
@tk.side_effect_free
def package_collaborator_list(up_func, context, data_dict):
    if not context.get("ignore_auth") and not context.get("user"):
        # core's auth function asserts a user: a 500 for anonymous callers
        # on existing datasets, a 404 on missing ones
        if _can_read(context, _ref(data_dict)):
            raise tk.NotAuthorized(bilingual('Log in first'))
        raise tk.ObjectNotFound(DATASET_NOT_FOUND)
    return _hidden_as_missing(up_func, context, data_dict,
                              lambda: [_ref(data_dict)], DATASET_NOT_FOUND)


def _activity(activity_id: Optional[str]):
    from ckanext.activity.model import Activity
    return model.Session.get(Activity, activity_id) if activity_id else None


def _about_a_dataset(activity_type: Optional[str]) -> bool:
    """Activities whose object is a dataset: its own ("new package", ...)
    and its resources' views ("new resource view", ...: core gives those no
    permission labels, so its label filter lets them through)."""
    kind = activity_type or ""
    return kind.endswith("package") or kind.endswith("resource view")


def _activity_guard(up_func, context, data_dict):
    """An activity of a dataset the caller cannot read is as missing as an
    activity that never was; activities of groups, organizations and users
    stay with core."""
    try:
        return up_func(context, data_dict)
    except (tk.NotAuthorized, tk.ObjectNotFound):
        activity = _activity(_ref(data_dict))
        if activity is not None and not _about_a_dataset(activity.activity_type):
            raise
        if activity is not None and _can_read(context, activity.object_id):
            raise
        raise tk.ObjectNotFound(ACTIVITY_NOT_FOUND)


def _named_activity_guard(name: str):
    @tk.side_effect_free
    def guard(up_func, context, data_dict):
        return _activity_guard(up_func, context, data_dict)
    guard.__name__ = guard.__qualname__ = name
    return tk.chained_action(guard)


def _activity_limit(data_dict) -> int:
    """The number of activities core answers for ``data_dict``: its own
    default and maximum (the schema of core's activity lists)."""
    default = tk.asint(tk.config.get("ckan.activity_list_limit") or 31)
    maximum = tk.asint(tk.config.get("ckan.activity_list_limit_max") or 100)
    try:
        asked = int(data_dict.get("limit")) if data_dict.get("limit") not in (None, "") \
            else default
    except (TypeError, ValueError):
        asked = default   # core has already refused it
    return min(max(asked, 0), maximum)


# batches asked for beyond the first when filling a page of activities
_MORE_BATCHES = 10


def _readable_activities(up_func, context, data_dict):
    """Core's activity list without the activities of datasets the caller
    cannot read (core filters a dataset's own activities by the labels they
    had when written; not its views', nor a dataset withdrawn since). A page
    keeps its length: what is left out is made up from the following ones,
    so core's "older" link (a page of ``limit + 1``) stays right."""
    result = up_func(context, data_dict)
    if _sees_everything(context) or not isinstance(result, list):
        return result
    readable: dict[str, bool] = {}

    def shown(activity) -> bool:
        if not _about_a_dataset(activity.get("activity_type")):
            return True
        ref = activity.get("object_id")
        if ref not in readable:
            readable[ref] = _can_read(context, ref)
        return readable[ref]

    kept = [a for a in result if shown(a)]
    if len(kept) == len(result):
        return result
    data_dict = dict(data_dict or {})
    limit = _activity_limit(data_dict)
    # "after" without "before": core counts from the oldest, answers newest first
    oldest_first = bool(data_dict.get("after")) and not data_dict.get("before")
    offset = tk.asint(data_dict.get("offset") or 0)
    batch = result
    for _ in range(_MORE_BATCHES):
        if len(kept) >= limit or not limit or len(batch) < limit:
            break
        offset += len(batch)
        batch = up_func(context, dict(data_dict, offset=offset, limit=limit))
        more = [a for a in batch if shown(a)]
        kept = more + kept if oldest_first else kept + more
    return kept[-limit:] if oldest_first else kept[:limit]


def _activity_list_guard(name: str):
    @tk.side_effect_free
    def guard(up_func, context, data_dict):
        return _readable_activities(up_func, context, data_dict)
    guard.__name__ = guard.__qualname__ = name
    return tk.chained_action(guard)


user_activity_list = _activity_list_guard("user_activity_list")
dashboard_activity_list = _activity_list_guard("dashboard_activity_list")
organization_activity_list = _activity_list_guard("organization_activity_list")
group_activity_list = _activity_list_guard("group_activity_list")
recently_changed_packages_activity_list = _activity_list_guard(
    "recently_changed_packages_activity_list")
activity_show = _named_activity_guard("activity_show")
activity_data_show = _named_activity_guard("activity_data_show")
activity_diff = _named_activity_guard("activity_diff")
dcat_dataset_show = _guard("dcat_dataset_show", lambda d: [_ref(d)], DATASET_NOT_FOUND)


def _require_readable(context, data_dict):
    """For actions that answer for any dataset id they are given
    (followers): ids the caller cannot read are missing ones."""
    if not _sees_everything(context) and not _can_read(context, _ref(data_dict)):
        raise tk.ObjectNotFound(DATASET_NOT_FOUND)


@tk.chained_action
@tk.side_effect_free
def dataset_follower_count(up_func, context, data_dict):
    _require_readable(context, data_dict)
    return up_func(context, data_dict)


@tk.chained_action
@tk.side_effect_free
def am_following_dataset(up_func, context, data_dict):
    _require_readable(context, data_dict)
    return up_func(context, data_dict)


@tk.chained_action
def follow_dataset(up_func, context, data_dict):
    _require_readable(context, data_dict)
    return up_func(context, data_dict)


@tk.chained_action
@tk.side_effect_free
def task_status_show(up_func, context, data_dict):
    """Anyone may read a task status; not one of a dataset they cannot read."""
    try:
        status = up_func(context, data_dict)
    except tk.ObjectNotFound:
        raise tk.ObjectNotFound(TASK_NOT_FOUND)
    if context.get("ignore_auth"):
        return status
    entity = status.get("entity_id")
    kind = status.get("entity_type")
    package = entity if kind == "package" else _resource_package(entity) \
        if kind == "resource" else None
    if kind in ("package", "resource") and not _can_read(context, package):
        raise tk.ObjectNotFound(TASK_NOT_FOUND)
    return status


def unreadable_as_missing(func):
    """The extension's own workflow reads: outsiders get "not found" for
    datasets they cannot read (as for missing ones), not a refusal."""
    @functools.wraps(func)
    def wrapper(context, data_dict):
        schema.check_input(data_dict)  # before the auth function reads `id`
        return _hidden_as_missing(func, context, data_dict,
                                  lambda: [_ref(data_dict)], DATASET_NOT_FOUND)
    return wrapper


# -- 1. names, tags, formats and counts ------------------------------------

def _free_tags_only(data_dict) -> bool:
    return not (data_dict or {}).get("vocabulary_id")


def _visible_tags(context) -> set[str]:
    return set(_visible_facet(context, "tags"))


def _int_or_none(value, key: str) -> Optional[int]:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise tk.ValidationError({key: [bilingual('Must be an integer')]})


@tk.chained_action
@tk.side_effect_free
def tag_list(up_func, context, data_dict):
    tags = up_func(context, data_dict)
    if context.get("ignore_auth") or not _free_tags_only(data_dict) or not tags:
        return tags
    visible = _visible_tags(context)
    return [t for t in tags if (t["name"] if isinstance(t, dict) else t) in visible]


def _filtered_tag_search(up_func, context, data_dict):
    """Core's tag search over all matches, the caller's invisible tags removed,
    then offset and limit applied: counts and pages know nothing hidden."""
    if context.get("ignore_auth") or not _free_tags_only(data_dict):
        return None
    offset = _int_or_none((data_dict or {}).get("offset"), "offset") or 0
    limit = _int_or_none((data_dict or {}).get("limit"), "limit")
    unpaged = {k: v for k, v in (data_dict or {}).items() if k not in ("offset", "limit")}
    return up_func(context, unpaged), offset, limit


@tk.chained_action
@tk.side_effect_free
def tag_search(up_func, context, data_dict):
    filtered = _filtered_tag_search(up_func, context, data_dict)
    if filtered is None:
        return up_func(context, data_dict)
    result, offset, limit = filtered
    visible = _visible_tags(context) if result["results"] else set()
    tags = [t for t in result["results"] if t["name"] in visible]
    end = None if limit is None else offset + limit
    return {"count": len(tags), "results": tags[offset:end]}


@tk.chained_action
@tk.side_effect_free
def tag_autocomplete(up_func, context, data_dict):
    filtered = _filtered_tag_search(up_func, context, data_dict)
    if filtered is None:
        return up_func(context, data_dict)
    names, offset, limit = filtered
    visible = _visible_tags(context) if names else set()
    names = [n for n in names if n in visible]
    end = None if limit is None else offset + limit
    return names[offset:end]


@tk.chained_action
@tk.side_effect_free
def tag_show(up_func, context, data_dict):
    if not context.get("ignore_auth") and _free_tags_only(data_dict):
        tag = model.Tag.get(_ref(data_dict) or "")
        if tag is not None and tag.vocabulary_id is None \
                and tag.name not in _visible_tags(context):
            used = model.Session.query(model.PackageTag).filter(
                model.PackageTag.tag_id == tag.id).first() is not None
            if used:  # an unused tag is no trace of anyone's work
                raise tk.ObjectNotFound()  # as core answers a missing tag
    return up_func(context, data_dict)


@tk.chained_action
@tk.side_effect_free
def format_autocomplete(up_func, context, data_dict):
    """Formats of the resources the caller can read, most used first."""
    core = up_func(context, data_dict)  # core validates and checks access
    if context.get("ignore_auth"):
        return core
    query = str((data_dict or {}).get("q") or "").lower()
    try:
        limit = int((data_dict or {}).get("limit") or 5)
    except (TypeError, ValueError):
        limit = 5
    counts: dict[str, int] = {}
    for name, count in _visible_facet(context, "res_format").items():
        if query in name.lower():
            counts[name.lower()] = counts.get(name.lower(), 0) + count
    return [name for name, _ in sorted(counts.items(), key=lambda i: (-i[1], i[0]))][:limit]


@tk.chained_action
@tk.side_effect_free
def member_list(up_func, context, data_dict):
    members = up_func(context, data_dict)
    if context.get("ignore_auth"):
        return members
    readable: dict[str, bool] = {}

    def shown(member):
        table_id, table_name = member[0], member[1]
        if table_name != "package":
            return True
        if table_id not in readable:
            readable[table_id] = _can_read(context, table_id)
        return readable[table_id]
    return [m for m in members if shown(m)]


# -- 3. internal index fields stay with the Walidata team ------------------

_INTERNAL = re.compile(r"^(satudata_.*|permission_labels)$", re.IGNORECASE)
_INTERNAL_IN_QUERY = re.compile(r"(?<![\w.])(satudata_\w*|permission_labels)\s*:",
                                re.IGNORECASE)
_INTERNAL_IN_SORT = re.compile(r"(?<![\w.])(satudata_\w*|permission_labels)(?!\w)",
                               re.IGNORECASE)


def _query_strings(data_dict, key) -> list[str]:
    value = (data_dict or {}).get(key)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]


def _strip(value):
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if not _INTERNAL.match(str(k))}
    return value


_SEARCH_FLAGS = ("include_private", "include_drafts", "include_deleted",
                 "use_default_schema", "facet")
_SEARCH_INTEGERS = ("rows", "start", "facet.limit", "facet.mincount")


def _integer_like(value) -> bool:
    """What core's int validators take without raising something else than
    Invalid (a list, or an empty `start`, is a TypeError there)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, str) and value.strip().lstrip("+-").isdigit()


_TRUE_FALSE = {"true", "yes", "on", "y", "t", "1", "false", "no", "off", "n", "f", "0"}


def _check_search_params(data_dict) -> None:
    """What core's package_search uses without validating it (a 500 there):
    its true/false flags and ``fl``."""
    errors = {}
    for key in _SEARCH_FLAGS:
        value = data_dict.get(key)
        if isinstance(value, str) and value.strip().lower() not in _TRUE_FALSE:
            errors[key] = [bilingual('Must be true or false')]
    for key in _SEARCH_INTEGERS:
        value = data_dict.get(key)
        if isinstance(value, str) and not value.strip():
            # blank (core's own pages send rows=''): the default, as core's
            # `default` validator gives for rows (core fails on a blank start)
            data_dict.pop(key)
        elif value is not None and not _integer_like(value):
            errors[key] = [bilingual('Must be an integer')]
    fl = data_dict.get("fl")
    if fl is not None and not isinstance(fl, str) and not (
            isinstance(fl, list) and all(isinstance(f, str) for f in fl)):
        errors["fl"] = [bilingual('Must be a list of field names')]
    if errors:
        raise tk.ValidationError(errors)


def _show_bound_on_page(context, error) -> None:
    """A page's search over a bound (/dataset, an OPD's page): core shows only
    "There was an error while searching"; the reason goes in a flash message."""
    import flask
    if context.get("for_view") and flask.has_request_context():
        try:
            tk.h.flash_error(str(error))
        except Exception:  # no session to flash into: core's message stays
            pass


@tk.chained_action
@tk.side_effect_free
def package_search(up_func, context, data_dict):
    """Outside the Walidata team: no internal field in results or facets, and
    none to filter or sort on (an invalid query, as core answers those).
    A search over a bound (``search.bounds``) is a ``SearchError``: HTTP 409."""
    _check_search_params(data_dict or {})
    try:
        return _guarded_search(up_func, context, data_dict)
    except SearchBoundError as e:
        _show_bound_on_page(context, e)
        raise


def _guarded_search(up_func, context, data_dict):
    if _sees_everything(context):
        return up_func(context, data_dict)
    for key in ("q", "fq", "fq_list"):
        for text in _query_strings(data_dict, key):
            if _INTERNAL_IN_QUERY.search(text.replace("\\", "")):
                raise SearchQueryError("%s: %s" % (key, INTERNAL_FIELD))
    for text in _query_strings(data_dict, "sort"):
        if _INTERNAL_IN_SORT.search(text.replace("\\", "")):
            raise SearchQueryError("sort: %s" % INTERNAL_FIELD)
    result = up_func(context, data_dict)
    result["results"] = [_strip(r) for r in result.get("results") or []]
    for key in ("facets", "search_facets"):
        if isinstance(result.get(key), dict):
            result[key] = {k: v for k, v in result[key].items() if not _INTERNAL.match(k)}
    return result

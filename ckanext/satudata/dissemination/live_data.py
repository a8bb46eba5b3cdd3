"""The DataStore table of a published resource is part of the live version.

Where the portal meets the DataStore and ckanext-xloader, the chain's promises
hold as they do for metadata:

- **Writes.** The table changes only through the loader, which loads the file
  of a published resource inside ``publish`` (theme/preview.py). Direct
  ``datastore_create/upsert/delete`` calls are refused below sysadmin; the
  loader calls them in-process with ``ignore_auth``.
- **What the loader maintains is not content.** The loader and the DataStore
  patch a resource's ``hash``, ``last_modified`` and DataStore flags as the site
  user. Through ``package_update`` each such patch would be taken as an edit of
  a published dataset (a revision nobody made, sign-offs asked again), so it is
  written onto the live resource directly, with no revision and no activity.
- **Reads.** A table of a dataset the caller may not read answers as a missing
  one (404, one message), never 403 with the id.
- **Credentials.** ``xloader_status`` carries the loader's API token in its job
  record (``task_info.api_key``): no answer holds a credential.
- **The loader's own account.** The token the worker calls back with belongs to
  a dedicated user who is neither sysadmin nor member of any OPD; it may report
  a load of a published resource and create its default views, nothing more.
"""
from __future__ import annotations

import datetime
import re
from typing import Any

import ckan.logic as logic
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.dissemination import read_guard
from ckanext.satudata.i18n import bilingual

LOADER_USER = "satudata-loader"

# Resource fields the loader and the DataStore keep, never a person.
LOADER_MAINTAINED = frozenset(("hash", "last_modified", "datastore_active",
                               "datastore_contains_all_records_of_source_file"))
_FLAGS = ("datastore_active", "datastore_contains_all_records_of_source_file")
# xloader 2.5 patches the resource with its whole job metadata around the flags
# (utils.set_resource_metadata): bookkeeping of the job, never resource fields
_LOADER_JOB_KEYS = frozenset(("resource_id", "ignore_hash", "ckan_url", "set_url_type",
                              "task_created", "original_url", "queue_name", "tries"))

DIRECT_WRITE_REFUSED = bilingual(
    "The DataStore table of a dataset changes only through its reviewed file; "
    "direct DataStore writes are for sysadmins")

# -- credentials ---------------------------------------------------------------

_SECRET_KEYS = frozenset(("api_key", "apikey", "api_token", "token", "authorization",
                          "password", "secret"))
# a CKAN API token is a JWT (three base64url parts, header starting "eyJ")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
REDACTED = "[disembunyikan / redacted]"


def without_credentials(value: Any) -> Any:
    """A copy of an answer with every credential-named key dropped and every
    token-shaped string redacted, at any depth."""
    if isinstance(value, dict):
        return {k: without_credentials(v) for k, v in value.items()
                if str(k).lower() not in _SECRET_KEYS}
    if isinstance(value, (list, tuple)):
        return [without_credentials(v) for v in value]
    if isinstance(value, str) and "eyJ" in value:
        return _JWT.sub(REDACTED, value)
    return value


# -- reads: hidden answers as missing ------------------------------------------

def _resource_of(data_dict, *keys) -> list:
    for key in keys:
        ref = read_guard._ref(data_dict, key)
        if ref:
            return [read_guard._resource_package(ref)]
    return [None]


def _hidden_as_missing(name: str, *keys: str, side_effect_free: bool = True):
    def guard(up_func, context, data_dict):
        return read_guard._hidden_as_missing(
            up_func, context, data_dict, lambda: _resource_of(data_dict, *keys),
            read_guard.RESOURCE_NOT_FOUND)
    guard.__name__ = guard.__qualname__ = name
    if side_effect_free:
        guard = tk.side_effect_free(guard)
    return tk.chained_action(guard)


datastore_search = _hidden_as_missing("datastore_search", "resource_id", "id")
datastore_info = _hidden_as_missing("datastore_info", "id", "resource_id")
datastore_create = _hidden_as_missing("datastore_create", "resource_id",
                                      side_effect_free=False)
datastore_upsert = _hidden_as_missing("datastore_upsert", "resource_id",
                                      side_effect_free=False)
datastore_delete = _hidden_as_missing("datastore_delete", "resource_id",
                                      side_effect_free=False)
datastore_records_delete = _hidden_as_missing("datastore_records_delete", "resource_id",
                                              side_effect_free=False)


@tk.side_effect_free
@tk.chained_action
def xloader_status(up_func, context, data_dict):
    status = read_guard._hidden_as_missing(
        up_func, context, data_dict, lambda: _resource_of(data_dict, "resource_id", "id"),
        read_guard.RESOURCE_NOT_FOUND)
    return without_credentials(status)


@tk.side_effect_free
@tk.chained_action
def task_status_show(up_func, context, data_dict):
    return without_credentials(up_func(context, data_dict))


# -- writes: only the loader, or a sysadmin --------------------------------------

def _refused(name: str):
    def auth(next_auth, context, data_dict):
        # sysadmins never reach an auth function; ignore_auth skips it too
        return {"success": False, "msg": DIRECT_WRITE_REFUSED}
    auth.__name__ = auth.__qualname__ = name
    return tk.chained_auth_function(auth)


auth_datastore_create = _refused("datastore_create")
auth_datastore_upsert = _refused("datastore_upsert")
auth_datastore_delete = _refused("datastore_delete")
auth_datastore_records_delete = _refused("datastore_records_delete")


# -- the loader's own account ----------------------------------------------------

def is_loader(context) -> bool:
    user = read_guard._caller(context)
    return user is not None and user.name == LOADER_USER and not user.sysadmin


def _published_resource(resource_id) -> bool:
    from ckanext.satudata.theme import preview
    return isinstance(resource_id, str) and preview.published(resource_id)


@tk.chained_auth_function
def auth_xloader_submit(next_auth, context, data_dict):
    """xloader's callback (``xloader_hook``) reports a load with the loader's
    token and is checked as ``xloader_submit``."""
    resource_id = (data_dict or {}).get("resource_id") or (data_dict or {}).get("id")
    if is_loader(context) and _published_resource(resource_id) \
            and not (data_dict or {}).get("queue"):
        return {"success": True}
    return next_auth(context, data_dict)


@tk.chained_auth_function
def auth_resource_create_default_resource_views(next_auth, context, data_dict):
    resource = (data_dict or {}).get("resource") or {}
    if is_loader(context) and _published_resource(resource.get("id")):
        return {"success": True}
    return next_auth(context, data_dict)


LOADER_NAME_TAKEN = bilingual(
    "The name of the loader's account is taken by an account the portal did not make; "
    "rename that account first")


def ensure_loader_user() -> model.User:
    """The loader's account: created once, never sysadmin, member of nothing.
    An account of that name that the portal did not make (a citizen who
    registered it first) is never adopted: its owner would share the token's
    rights."""
    import secrets
    user = model.User.get(LOADER_USER)
    if user is None:
        user = model.User(name=LOADER_USER, email="noreply+%s@localhost" % LOADER_USER,
                          fullname="Pemuat DataStore / DataStore loader",
                          plugin_extras={"satudata": {"loader_account": True}})
        model.Session.add(user)
    elif not ((user.plugin_extras or {}).get("satudata") or {}).get("loader_account"):
        raise tk.ValidationError({"name": [LOADER_NAME_TAKEN]})
    # nobody logs in as the loader: a fresh unknown password each time
    user.password = secrets.token_urlsafe(32)
    user.sysadmin = False
    user.state = "active"
    model.Session.commit()
    return user


# -- what the loader maintains reaches the live resource directly ---------------

def _site_user_name() -> str:
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


def _maintained_write(context, data_dict) -> bool:
    """A patch of loader-kept fields only, by the loader or the DataStore
    (in-process, as the site user or with ``ignore_auth``) or by a sysadmin."""
    if not isinstance(data_dict, dict) or not isinstance(data_dict.get("id"), str):
        return False
    keys = set(data_dict) - {"id"}
    if not keys & LOADER_MAINTAINED or not keys <= LOADER_MAINTAINED | _LOADER_JOB_KEYS:
        return False
    res = model.Resource.get(data_dict["id"])
    if res is None or res.state != "active":
        return False
    if context.get("ignore_auth") or context.get("user") == _site_user_name():
        return True
    caller = read_guard._caller(context)
    return caller is not None and bool(caller.sysadmin)


def _as_utc_naive(value: Any):
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return value


@tk.chained_action
def resource_patch(next_action, context, data_dict):
    if not _maintained_write(context, data_dict):
        return next_action(context, data_dict)
    from ckanext.satudata.dissemination import rules, service as wf
    tk.check_access("resource_patch", context, data_dict)
    res = model.Resource.get(data_dict["id"])
    if "hash" in data_dict:
        res.hash = str(data_dict["hash"] or "")
    if "last_modified" in data_dict:
        try:
            res.last_modified = _as_utc_naive(data_dict["last_modified"])
        except (TypeError, ValueError):
            raise tk.ValidationError({"last_modified": [bilingual("Invalid date")]})
    extras = dict(res.extras or {})
    for key in _FLAGS:
        if key in data_dict:
            extras[key] = tk.asbool(data_dict[key])
    res.extras = extras
    model.Session.add(res)
    model.Session.flush()
    row = wf.get_row(res.package_id, lock=True)
    if row is not None and row.state == rules.TERBIT and row.pending_revision is None:
        # the live version's hash follows, so a later sign-off compares like with like
        wf.update_row(res.package_id,
                      content_hash=wf.content_hash(wf.show_fresh(res.package_id)))
    logic.index_update_package({"ignore_auth": True}, res.package_id)
    model.repo.commit()
    return tk.get_action("resource_show")({"ignore_auth": True}, {"id": res.id})


def get_actions() -> dict:
    import ckan.plugins as plugins
    actions = {}
    if plugins.plugin_loaded("datastore"):
        actions.update(datastore_search=datastore_search, datastore_info=datastore_info,
                       datastore_create=datastore_create, datastore_upsert=datastore_upsert,
                       datastore_delete=datastore_delete,
                       datastore_records_delete=datastore_records_delete)
    if plugins.plugin_loaded("xloader"):
        actions["xloader_status"] = xloader_status
    actions["task_status_show"] = task_status_show
    actions["resource_patch"] = resource_patch
    return actions


def get_auth_functions() -> dict:
    import ckan.plugins as plugins
    auth = {}
    if plugins.plugin_loaded("datastore"):
        auth.update(datastore_create=auth_datastore_create,
                    datastore_upsert=auth_datastore_upsert,
                    datastore_delete=auth_datastore_delete,
                    datastore_records_delete=auth_datastore_records_delete)
    if plugins.plugin_loaded("xloader"):
        auth["xloader_submit"] = auth_xloader_submit
        auth["resource_create_default_resource_views"] = \
            auth_resource_create_default_resource_views
    return auth

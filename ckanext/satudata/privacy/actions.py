"""Actions of the personal-data capability (SPEC "Personal data")."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.satudata.i18n import bilingual
from ckanext.satudata.privacy import access
from ckanext.satudata.workflow import roles


def _is_dpo(context) -> bool:
    import ckan.model as model
    user = model.User.get(context.get("user") or "")
    return bool(user is not None and (user.sysadmin or access.DPO in roles.roles_of(user.id)))


def satudata_personal_access_log_auth(context, data_dict):
    if _is_dpo(context):
        return {"success": True}
    return {"success": False, "msg": bilingual(
        "Only the personal data protection officer can read the access log")}


@tk.side_effect_free
def satudata_personal_access_log(context, data_dict):
    """Who looked at requesters' personal data, newest first (DPO, sysadmin).

    :param request: a request's number or id (optional)
    :param actor: a user name (optional)
    :param limit: default 100, at most 1000; :param offset:
    """
    tk.check_access("satudata_personal_access_log", context, data_dict)
    from ckanext.satudata.privacy import log
    from ckanext.satudata.requests import service
    try:
        limit = min(int(data_dict.get("limit", 100)), 1000)
        offset = max(int(data_dict.get("offset", 0)), 0)
    except (TypeError, ValueError):
        raise tk.ValidationError({"limit": [bilingual("Must be a whole number")]})
    request_ids = None
    if data_dict.get("request"):
        row = service.get(str(data_dict["request"]))
        request_ids = [row.id] if row is not None else []
    count, entries = log.entries_for(request_ids=request_ids, actor=data_dict.get("actor"),
                                     limit=limit, offset=offset)
    return {"count": count, "results": entries}


satudata_personal_access_log_auth.__name__ = "satudata_personal_access_log"


def actions() -> dict:
    return {"satudata_personal_access_log": satudata_personal_access_log}


def auth_functions() -> dict:
    return {"satudata_personal_access_log": satudata_personal_access_log_auth}

"""Auth of the portal roles. Sysadmins pass every CKAN auth check before these run."""
from __future__ import annotations

import ckan.model as model

from ckanext.satudata.i18n import bilingual
from ckanext.satudata.workflow import access


def satudata_role_grant(context, data_dict):
    return {"success": False, "msg": bilingual('Only sysadmins can manage portal roles')}


def satudata_role_revoke(context, data_dict):
    return satudata_role_grant(context, data_dict)


def satudata_role_list(context, data_dict):
    """Sysadmins see everyone's roles; a user may ask about themself."""
    user = access.caller(context)
    asked = (data_dict or {}).get("user")
    if user and not asked:
        return {"success": True}  # the action answers with the caller's own roles
    if user and asked:
        target = model.User.get(asked)
        if target is not None and target.id == user.id:
            return {"success": True}
    return {"success": False, "msg": bilingual('You can only see your own roles')}

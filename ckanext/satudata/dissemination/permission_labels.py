"""Permission labels: the Walidata team sees every dataset in every search
backend, on top of CKAN's defaults (public / member of the owning OPD / creator /
collaborator)."""
from __future__ import annotations

import ckan.authz as authz
import ckan.logic as logic
from ckan.common import current_user
from ckan.lib.plugins import DefaultPermissionLabels

from ckanext.satudata.workflow import roles

WALIDATA_LABEL = "satudata-walidata"


class SatudataPermissionLabels(DefaultPermissionLabels):

    def get_dataset_labels(self, dataset_obj):
        return super().get_dataset_labels(dataset_obj) + [WALIDATA_LABEL]

    def get_user_dataset_labels(self, user_obj):
        if _is_logged_in(user_obj):
            labels = _logged_in_user_labels(user_obj)
        else:
            labels = super().get_user_dataset_labels(user_obj)
        if user_obj is not None and getattr(user_obj, "id", None) \
                and roles.is_walidata_team(user_obj.id):
            labels.append(WALIDATA_LABEL)
        return labels


def _is_logged_in(user_obj) -> bool:
    """The user the request identified (a session cookie or an API token)."""
    if not user_obj or user_obj.is_anonymous:
        return False
    try:
        return current_user.is_authenticated and current_user.id == user_obj.id \
            and current_user.name == user_obj.name
    except (RuntimeError, AttributeError):  # outside a request
        return False


def _logged_in_user_labels(user_obj) -> list[str]:
    """CKAN 2.12's ``DefaultPermissionLabels.get_user_dataset_labels``, with
    the organizations asked for by the user's name and object. Core asks by
    id, and authz recognises the logged-in user by name only, so every search
    and page of a logged-in user read the user from the database four more
    times. Only for the logged-in user, whom authz then never looks up: a
    lookup by name is `name = X OR id = X`, and a user may be named after
    another's id (tests/dissemination/test_permission_labels.py)."""
    labels = ["public", "creator-%s" % user_obj.id]
    orgs = logic.get_action("organization_list_for_user")(
        {"user": user_obj.name, "auth_user_obj": user_obj}, {"permission": "read"})
    labels.extend("member-%s" % o["id"] for o in orgs)
    if authz.check_config_permission("allow_dataset_collaborators"):
        datasets = logic.get_action("package_collaborator_list_for_user")(
            {"ignore_auth": True}, {"id": user_obj.id})
        labels.extend("collaborator-%s" % d["package_id"] for d in datasets)
    return labels

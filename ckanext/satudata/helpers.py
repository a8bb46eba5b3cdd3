"""Template helpers."""
from __future__ import annotations

from ckanext.satudata import roles


def satudata_roles_of(user_id):
    return roles.roles_of(user_id) if user_id else []


def satudata_role_label(role, lang="id"):
    id_label, en_label = roles.ROLE_LABELS.get(role, (role, role))
    return en_label if lang == "en" else id_label


def get_helpers():
    return {
        "satudata_roles_of": satudata_roles_of,
        "satudata_role_label": satudata_role_label,
    }

"""Template helpers."""
from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata import dissemination, roles

STATE_LABELS = {
    dissemination.KONSEP: ("Konsep", "Concept"),
    dissemination.PENYUSUNAN: ("Penyusunan", "In preparation"),
    dissemination.DIAJUKAN: ("Diajukan", "Submitted"),
    dissemination.DISETUJUI_SUBKOORD: ("Disetujui Subkoord", "Approved by Subkoord"),
    dissemination.DISETUJUI_KABID: ("Disetujui Kabid", "Approved by Kabid"),
    dissemination.TERBIT: ("Terbit", "Published"),
    dissemination.DIKEMBALIKAN: ("Dikembalikan", "Returned"),
}
TRANSITION_LABELS = {
    "create": ("Dibuat", "Created"),
    "assign": ("Disposisi ke Staf", "Assign to staff"),
    "submit": ("Ajukan untuk koreksi", "Submit for review"),
    "approve": ("Setujui (paraf)", "Approve (sign off)"),
    "return": ("Kembalikan dengan catatan", "Return with notes"),
    "resume": ("Lanjutkan penyusunan", "Resume preparation"),
    "publish": ("Terbitkan", "Publish"),
    "void": ("Paraf batal (konten berubah)", "Sign-offs voided (content changed)"),
    "revise": ("Revisi dibuat", "Revision started"),
    "revision_withdrawn": ("Revisi ditarik", "Revision withdrawn"),
}


def _pick(labels, key):
    id_label, en_label = labels.get(key, (key, key))
    return en_label if tk.h.lang() == "en" else id_label


def satudata_roles_of(user_id):
    return roles.roles_of(user_id) if user_id else []


def satudata_is_walidata():
    user = tk.current_user
    return bool(user and user.is_authenticated and roles.is_walidata_team(user.id))


def satudata_role_label(role, lang=None):
    return _pick(roles.ROLE_LABELS, role)


def satudata_state_label(state):
    return _pick(STATE_LABELS, state)


def satudata_transition_label(transition):
    return _pick(TRANSITION_LABELS, transition)


def satudata_step_label(sla):
    return sla["step_label_en"] if tk.h.lang() == "en" else sla["step_label"]


def _context():
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def satudata_dataset_workflow(package_id):
    """The workflow panel's data, or None for who may not see it."""
    try:
        return tk.get_action("satudata_dataset_workflow_show")(_context(), {"id": package_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None


def satudata_dataset_history(package_id):
    try:
        return tk.get_action("satudata_dataset_history")(_context(), {"id": package_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return []


def satudata_role_holders(role):
    return [model.User.get(r["user_id"]) for r in roles.assignments()
            if r["role"] == role]


def get_helpers():
    return {name: fn for name, fn in globals().items()
            if name.startswith("satudata_") and callable(fn)}

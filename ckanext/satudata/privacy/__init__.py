"""Personal data of the request desk under UU 27/2022 (Pelindungan Data
Pribadi): who sees which field (access.py), NIK encrypted at rest
(crypto.py), the append-only access log (log.py), the DPO role and the
``ckan satudata privacy`` commands (cli.py). SPEC "Personal data"."""
from __future__ import annotations


def get_blueprints() -> list:
    from ckanext.satudata.privacy import views
    return [views.satudata_privacy]


def satudata_retention_label() -> str:
    """"2 tahun": how long the request desk keeps personal data."""
    from ckanext.satudata.privacy import retention
    return retention.label()


def satudata_rights_kind_label(kind: str) -> str:
    from ckanext.satudata.privacy import rights
    return rights.KINDS.get(kind, kind)


def get_helpers() -> dict:
    return {"satudata_retention_label": satudata_retention_label,
            "satudata_rights_kind_label": satudata_rights_kind_label}


def add_commands(group) -> None:
    from ckanext.satudata.privacy.cli import privacy
    if "privacy" not in group.commands:
        group.add_command(privacy)


def get_actions() -> dict:
    from ckanext.satudata.privacy import actions as a
    return a.actions()


def get_auth_functions() -> dict:
    from ckanext.satudata.privacy import actions as a
    return a.auth_functions()

"""Minimal by role (UU 27/2022 Pasal 16(2)): the requester's personal data
is for the PPID desk only. An OPD answers a request from its text, number and
deadline; it never needs the requester's contacts or NIK."""
from __future__ import annotations

from typing import Any, Optional

from ckanext.satudata.workflow.machine import KABID, STAF, SUBKOORD

# Petugas Pelindungan Data Pribadi (Pasal 53): a portal role like the others,
# granted by a sysadmin; reads the access log and answers rights requests.
DPO = "dpo"

# The personal fields of satudata_data_request, in the order pages show them.
PERSONAL_FIELDS = ("name", "email", "phone", "institution", "identity_number")

# The PPID desk: the roles that handle the requester themself.
DESK_ROLES = frozenset({STAF, SUBKOORD, KABID, DPO})
# Those who check the NIK against the identity card see it whole.
NIK_VERIFIERS = frozenset({STAF})


def is_desk(roles, sysadmin: bool = False) -> bool:
    return bool(sysadmin or set(roles) & DESK_ROLES)


def is_private_event(transition: str) -> bool:
    return transition.startswith("hak_") or transition == "pemusnahan"


def roles_for_log(roles, sysadmin: bool) -> set:
    return set(roles) | ({"sysadmin"} if sysadmin else set())


def mask_nik(nik: Optional[str]) -> Optional[str]:
    """3510012345678901 -> 3510********8901: the regency code and the last
    digits tell the desk which NIK it is, not the birth date inside it."""
    if not nik:
        return nik
    if len(nik) <= 8:
        return "*" * len(nik)
    return nik[:4] + "*" * (len(nik) - 8) + nik[-4:]


def sees_restricted(roles, sysadmin: bool = False) -> bool:
    """Who still sees a restricted requester's data (Pasal 11): the DPO, who
    answers for the restriction, and sysadmins."""
    return bool(sysadmin or DPO in set(roles))


def fields_for(row, roles, who: str, sysadmin: bool = False,
               restricted: Optional[bool] = None) -> dict[str, Any]:
    """The personal fields of `row` the caller may read: all for the desk
    (NIK whole only for its verifiers), the requester's own (NIK masked) for
    the requester, none for an OPD or the public. While the requester's data
    is restricted (a granted restriction, privacy/rights.py) the PPID staff
    roles see none either; the DPO does. `who` is the audience decided by
    requests.service.audience; `restricted` if the caller knows it already."""
    from ckanext.satudata.privacy import crypto
    if who == "internal" and is_desk(roles, sysadmin):
        if not sees_restricted(roles, sysadmin):
            if restricted is None:
                from ckanext.satudata.privacy import rights
                restricted = rights.is_restricted(row)
            if restricted:
                return {}
        nik = crypto.reveal(row.identity_number)
        if not set(roles) & NIK_VERIFIERS:
            nik = mask_nik(nik)
    elif who == "requester":
        nik = mask_nik(crypto.reveal(row.identity_number))
    else:
        return {}
    result = {k: getattr(row, k) for k in PERSONAL_FIELDS if k != "identity_number"}
    result["identity_number"] = nik
    return result

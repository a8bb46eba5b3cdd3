"""Validators of the SDI schema. Messages carry Bahasa Indonesia and English
together, so an API client gets a usable message whatever its locale."""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import StopOnError, missing
from ckanext.scheming.validation import scheming_validator

from ckanext.satudata.i18n import bilingual

Invalid = tk.Invalid


MSG_REQUIRED = bilingual('Missing value')


def _empty(value: Any) -> bool:
    return value is missing or value is None or value == [] or \
        (isinstance(value, str) and not value.strip())


def satudata_required(key, data, errors, context):
    """`not_empty` with a bilingual message."""
    if _empty(data.get(key)):
        errors[key].append(MSG_REQUIRED)
        raise StopOnError


@scheming_validator
def satudata_choice(field, schema):
    """One of the field's `choices`; names the allowed values when refusing."""
    allowed = [c["value"] for c in field["choices"]]

    def validator(value):
        if _empty(value):
            return value
        if value not in allowed:
            raise Invalid(bilingual('Invalid choice "%s"; allowed values: %s', value, ", ".join(allowed)))
        return value
    return validator


def satudata_config_default(option: str):
    """Fill an empty value from a config option (region codes, coverage)."""
    def validator(value):
        return tk.config.get(option) if _empty(value) else value
    return validator


def satudata_year(value):
    if _empty(value):
        return value
    try:
        year = int(str(value).strip())
    except ValueError:
        year = None
    if year is None or not 1900 <= year <= 2100:
        raise Invalid(bilingual('Invalid year (1900–2100): %s', value))
    return str(year)


def satudata_period_end(key, data, errors, context):
    """Period end year must not precede the start year."""
    end = data.get(key)
    start = data.get(key[:-1] + ("period_start",))
    if _empty(end) or _empty(start) or errors.get(key):
        return
    try:
        if int(end) < int(start):
            errors[key].append(bilingual("The period's end year cannot precede its start year"))
    except (TypeError, ValueError):
        pass


_KEMENDAGRI = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
_BPS = re.compile(r"^\d{2}(\d{2}(\d{3}(\d{3})?)?)?$")


def satudata_region_code_kemendagri(value):
    if not _empty(value) and not _KEMENDAGRI.match(str(value).strip()):
        raise Invalid(bilingual('Invalid Kemendagri region code (e.g. 35.10 or 35.10.01): %s', value))
    return value.strip() if isinstance(value, str) else value


def satudata_region_code_bps(value):
    if not _empty(value) and not _BPS.match(str(value).strip()):
        raise Invalid(bilingual('Invalid BPS region code (e.g. 3510 or 3510010): %s', value))
    return value.strip() if isinstance(value, str) else value


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9 ()\-]{6,20}")


def satudata_email(value):
    if _empty(value):
        return value
    value = str(value).strip()
    if not _EMAIL.fullmatch(value):
        raise Invalid(bilingual('Invalid email address: %s', value))
    return value


def satudata_phone(value):
    if not _empty(value) and not _PHONE.fullmatch(str(value).strip()):
        raise Invalid(bilingual('Invalid phone number: %s', value))
    return value


def satudata_user(value, context):
    """A user name or id; converted to the user's id."""
    import ckan.model as model
    user = model.User.get(value) if not _empty(value) else None
    if user is None or user.state == "deleted":
        raise Invalid(bilingual('User not found: %s', value))
    return user.id


def satudata_role(value):
    from ckanext.satudata.workflow.roles import ROLES
    if value not in ROLES:
        raise Invalid(bilingual('Invalid role "%s"; allowed roles: %s', value, ", ".join(ROLES)))
    return value


def satudata_one_of_transitions(value):
    from ckanext.satudata.dissemination.rules import TRANSITIONS
    if value not in TRANSITIONS:
        raise Invalid(bilingual('Invalid transition "%s"; allowed: %s', value, ", ".join(TRANSITIONS)))
    return value


def satudata_one_of_states(value):
    from ckanext.satudata.dissemination.rules import STATES
    if value not in STATES:
        raise Invalid(bilingual('Invalid state "%s"; allowed: %s', value, ", ".join(STATES)))
    return value


def satudata_max_length(length: int):
    def validator(value):
        if isinstance(value, str) and len(value) > length:
            raise Invalid(bilingual('Too long (at most %d characters)', length))
        return value
    return validator


def satudata_organization(value):
    """An active organization name or id; converted to its id."""
    import ckan.model as model
    group = model.Group.get(value) if not _empty(value) else None
    if group is None or not group.is_organization or group.state != "active":
        raise Invalid(bilingual('Organization not found: %s', value))
    return group.id


def satudata_honeypot(value):
    if not _empty(value):
        raise Invalid(bilingual('The request could not be processed'))
    return value


def satudata_identity_number(value):
    if not _empty(value) and not re.match(r"^[0-9]{16}$", str(value).strip()):
        raise Invalid(bilingual('The identity number (NIK) must be 16 digits'))
    return value


def satudata_request_transition(value):
    from ckanext.satudata.requests.rules import TRANSITIONS
    if value not in TRANSITIONS:
        raise Invalid(bilingual('Invalid transition "%s"; allowed: %s', value, ", ".join(TRANSITIONS)))
    return value


def satudata_request_status(value):
    from ckanext.satudata.requests.rules import STATES
    if value not in STATES:
        raise Invalid(bilingual('Invalid status "%s"; allowed: %s', value, ", ".join(STATES)))
    return value


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        raise Invalid(bilingual('Must be an integer'))


def satudata_limit(value):
    number = _as_int(value)
    if number > 1000:
        raise Invalid(bilingual('At most 1000'))
    return number


def satudata_at_most(most: int):
    """An integer no larger than ``most`` (PostgreSQL's OFFSET is a bigint)."""
    def validator(value):
        number = _as_int(value)
        if number > most:
            raise Invalid(bilingual('At most %d', most))
        return number
    return validator


def satudata_one_of(allowed):
    def validator(value):
        if value not in allowed:
            raise Invalid(bilingual('Invalid value "%s"; allowed: %s', value, ", ".join(allowed)))
        return value
    return validator


def satudata_iso_date(value):
    import datetime as dt
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise Invalid(bilingual('Invalid date (YYYY-MM-DD): %s', value))


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
MSG_UNSTORABLE = bilingual('The text contains invalid characters')


def satudata_clean_text(value):
    """Text PostgreSQL can store: no NUL, no lone surrogate (else a 500)."""
    if isinstance(value, str) and _UNSTORABLE.search(value):
        raise Invalid(MSG_UNSTORABLE)
    return value


def has_unstorable(value: Any) -> bool:
    """A NUL or lone surrogate anywhere in a value, its lists and dicts
    (keys too); iterative, so deep nesting cannot exhaust the stack."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return False


def get_validators():
    return {
        "satudata_required": satudata_required,
        "satudata_choice": satudata_choice,
        "satudata_config_default": satudata_config_default,
        "satudata_year": satudata_year,
        "satudata_period_end": satudata_period_end,
        "satudata_region_code_kemendagri": satudata_region_code_kemendagri,
        "satudata_region_code_bps": satudata_region_code_bps,
        "satudata_email": satudata_email,
        "satudata_phone": satudata_phone,
        "satudata_user": satudata_user,
        "satudata_role": satudata_role,
        "satudata_one_of_transitions": satudata_one_of_transitions,
        "satudata_one_of_states": satudata_one_of_states,
        "satudata_max_length": satudata_max_length,
        "satudata_organization": satudata_organization,
        "satudata_honeypot": satudata_honeypot,
        "satudata_identity_number": satudata_identity_number,
        "satudata_request_transition": satudata_request_transition,
        "satudata_request_status": satudata_request_status,
        "satudata_limit": satudata_limit,
        "satudata_at_most": satudata_at_most,
        "satudata_one_of": satudata_one_of,
        "satudata_iso_date": satudata_iso_date,
        "satudata_clean_text": satudata_clean_text,
    }

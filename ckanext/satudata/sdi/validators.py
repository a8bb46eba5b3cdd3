"""Validators of the SDI schema and the extension's actions. Core's and
scheming's validators do the checking wherever they exist; ``refusing_with``
gives their refusal our message in Bahasa Indonesia and English together (one
place), so an API client gets a usable message whatever its locale. What is
left here has no core counterpart (region codes, NIK, roles, users by name)."""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import StopOnError, convert, missing
from ckan.logic.validators import email_validator, one_of
from ckanext.scheming.validation import scheming_choices, scheming_validator

from ckanext.satudata.dissemination import rules as dissemination_rules
from ckanext.satudata.i18n import N_, bilingual
from ckanext.satudata.requests import rules as request_rules
from ckanext.satudata.workflow.roles import GRANTABLE_ROLES

Invalid = tk.Invalid


MSG_REQUIRED = bilingual('Missing value')


def refusing_with(core, message_for):
    """`core` (a validator of CKAN or scheming) refusing with our message:
    ``message_for(value)`` in place of core's one-language message."""
    def validator(key, data, errors, context):
        value = data.get(key)
        before = len(errors[key])
        try:
            convert(core, key, data, errors, context)
        finally:
            if len(errors[key]) > before:
                errors[key][before:] = [message_for(value)]
    return validator


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
    """scheming_choices, naming the allowed values when refusing."""
    allowed = ", ".join(c["value"] for c in field["choices"])
    return refusing_with(scheming_choices(field, schema), lambda value: bilingual(
        'Invalid choice "%s"; allowed values: %s', value, allowed))


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


_PHONE = re.compile(r"\+?[0-9 ()\-]{6,20}")


def _deliverable_email(value, context):
    """Core's email_validator on the trimmed address, and a domain with a dot:
    the portal mails this address (a@b passes core but cannot be delivered)."""
    value = value.strip() if isinstance(value, str) else value
    value = email_validator(value, context)
    if value and "." not in value.rpartition("@")[2]:
        raise Invalid(value)
    return value


satudata_email = refusing_with(
    _deliverable_email, lambda value: bilingual('Invalid email address: %s', value))


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








def satudata_max_length(length: int):
    def validator(value):
        if isinstance(value, str) and len(value) > length:
            # the count the person sees beside the field, and how far over
            raise Invalid(bilingual('Too long: %d characters (at most %d)', len(value), length))
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






def _as_int(value):
    """An integer, or its decimal digits as text; not a bool, a fraction, a
    blank, a list or an object (``int()`` takes some of those, or fails
    with something other than ValueError)."""
    if isinstance(value, bool):
        raise Invalid(bilingual('Must be an integer'))
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit() \
            and value.strip().isascii():
        return int(value)
    raise Invalid(bilingual('Must be an integer'))


def _natural(value) -> int:
    number = _as_int(value)
    if number < 0:
        raise Invalid(bilingual('Must be zero or more'))
    return number


def satudata_limit(value):
    """A page size: 0 to 1000 (a whole number, bilingual refusals)."""
    number = _natural(value)
    if number > 1000:
        raise Invalid(bilingual('At most 1000'))
    return number


def satudata_at_most(most: int):
    """A whole number from 0 to ``most`` (PostgreSQL's OFFSET is a bigint)."""
    def validator(value):
        number = _natural(value)
        if number > most:
            raise Invalid(bilingual('At most %d', most))
        return number
    return validator


def satudata_one_of(allowed, message=N_('Invalid value "%s"; allowed: %s')):
    """Core's one_of (which lets "" through: a required field says "missing")."""
    allowed = list(allowed)
    return refusing_with(one_of(allowed), lambda value: bilingual(
        message, value, ", ".join(allowed)))


def satudata_iso_date(value):
    import datetime as dt
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise Invalid(bilingual('Invalid date (YYYY-MM-DD): %s', value))


# URL types whose URL the portal builds itself (an upload's file name; the
# DataStore's placeholder), never a link a visitor follows as given
_MANAGED_URL_TYPES = ("upload", "datastore")


def satudata_resource_url(key, data, errors, context):
    """A linked resource's URL is http(s): a ``javascript:``/``data:``/``file:``
    link would run or leak in the visitor's browser (and broke downloads)."""
    from urllib.parse import urlsplit
    value = data.get(key)
    if _empty(value) or data.get(key[:-1] + ("url_type",)) in _MANAGED_URL_TYPES:
        return
    try:
        parts = urlsplit(str(value).strip())
        scheme, host = parts.scheme.lower(), parts.hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket
        scheme, host = "", None
    if scheme not in ("http", "https") or not host:
        errors[key].append(bilingual('The link must be an http:// or https:// address'))
        raise StopOnError


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


# The allowed values of the workflows' own fields (states, transitions, roles).
satudata_role = satudata_one_of(GRANTABLE_ROLES, N_('Invalid role "%s"; allowed roles: %s'))
satudata_one_of_transitions = satudata_one_of(dissemination_rules.TRANSITIONS,
                                              N_('Invalid transition "%s"; allowed: %s'))
satudata_one_of_states = satudata_one_of(dissemination_rules.STATES, N_('Invalid state "%s"; allowed: %s'))
satudata_request_transition = satudata_one_of(request_rules.TRANSITIONS,
                                              N_('Invalid transition "%s"; allowed: %s'))
satudata_request_status = satudata_one_of(request_rules.STATES, N_('Invalid status "%s"; allowed: %s'))
for _name in ("satudata_role", "satudata_one_of_transitions", "satudata_one_of_states",
              "satudata_request_transition", "satudata_request_status", "satudata_email"):
    globals()[_name].__name__ = _name   # the name CKAN registers it by

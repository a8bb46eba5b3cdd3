"""Input schemas of the satudata actions."""
from __future__ import annotations

from contextlib import contextmanager

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.logic.schema import validator_args

from ckanext.satudata.i18n import bilingual
from ckanext.satudata.sdi.validators import MSG_UNSTORABLE, has_unstorable
from ckanext.satudata.workflow.machine import Invalid, NotAllowed

# Parameters the actions and their auth functions look up as they come
# (before any schema): they must be text.
REFERENCE_KEYS = ("id", "number", "user", "request", "access_token", "actor")
MSG_TEXT = bilingual('Must be text')
MSG_REFERENCE_LENGTH = bilingual('Too long (at most 200 characters)')


def check_input(data_dict, reference_keys=REFERENCE_KEYS):
    """Before an action or its auth function reads anything: no NUL or lone
    surrogate anywhere (PostgreSQL cannot take them as text), and the
    references it looks up are text, not numbers, lists or objects."""
    if not isinstance(data_dict, dict):
        return
    errors = {}
    for key, value in data_dict.items():
        if has_unstorable(key) or (not hasattr(value, "read") and has_unstorable(value)):
            errors[str(key).replace("\x00", "")] = [MSG_UNSTORABLE]
        elif key in reference_keys and value is not None and not isinstance(value, str):
            errors[key] = [MSG_TEXT]
        elif key in reference_keys and isinstance(value, str) and len(value) > 200:
            errors[key] = [MSG_REFERENCE_LENGTH]
    if errors:
        raise tk.ValidationError(errors)


def guarded(func):
    """An action (or chained action) whose input passes ``check_input`` first."""
    import functools
    if getattr(func, "chained_action", False):
        @functools.wraps(func)
        def chained(up_func, context, data_dict):
            check_input(data_dict)
            return func(up_func, context, data_dict)
        return chained

    @functools.wraps(func)
    def wrapper(context, data_dict):
        check_input(data_dict)
        return func(context, data_dict)
    return wrapper


def validate(data_dict, schema, context):
    """navl validation raising CKAN's ValidationError."""
    data, errors = tk.navl_validate(data_dict, schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


@contextmanager
def refusals_as_ckan_errors():
    """A rule module's refusal, as CKAN's API reports it: who may not →
    NotAuthorized, what may not → ValidationError; nothing half-written."""
    try:
        yield
    except NotAllowed as e:
        model.Session.rollback()
        raise tk.NotAuthorized(_message(e))
    except Invalid as e:
        model.Session.rollback()
        raise tk.ValidationError({"transition": [_message(e)]})


def _message(refusal) -> str:
    """The refusal's message as given (``bilingual`` keeps its msgid, so a
    page can show it in its one language)."""
    return refusal.args[0] if refusal.args and isinstance(refusal.args[0], str) \
        else str(refusal)


@validator_args
def role_change_schema(unicode_safe, satudata_required, satudata_user, satudata_role):
    return {
        "user": [satudata_required, unicode_safe, satudata_user],
        "role": [satudata_required, unicode_safe, satudata_role],
    }


@validator_args
def role_list_schema(ignore_missing, unicode_safe, satudata_user):
    return {"user": [ignore_missing, unicode_safe, satudata_user]}


@validator_args
def dataset_transition_schema(unicode_safe, satudata_required, ignore_missing,
                              satudata_user, satudata_one_of_transitions,
                              satudata_one_of_states, satudata_clean_text,
                              satudata_max_length):
    return {
        "id": [satudata_required, unicode_safe],
        "transition": [satudata_required, unicode_safe, satudata_one_of_transitions],
        "comment": [ignore_missing, unicode_safe],
        "assignee": [ignore_missing, unicode_safe, satudata_user],
        "expected_state": [ignore_missing, unicode_safe, satudata_one_of_states],
        "waiver": [ignore_missing, unicode_safe, satudata_clean_text, satudata_max_length(5000)],
    }


@validator_args
def request_create_schema(unicode_safe, satudata_required, ignore_missing, strip_value,
                          satudata_max_length, satudata_email, satudata_phone,
                          satudata_organization, satudata_honeypot, satudata_identity_number,
                          satudata_clean_text):
    return {
        "name": [satudata_required, unicode_safe, satudata_clean_text, strip_value, satudata_max_length(200)],
        "email": [satudata_required, unicode_safe, satudata_clean_text, strip_value, satudata_max_length(254),
                  satudata_email],
        "phone": [ignore_missing, unicode_safe, satudata_clean_text, strip_value, satudata_phone],
        "institution": [ignore_missing, unicode_safe, satudata_clean_text, strip_value, satudata_max_length(200)],
        "identity_number": [ignore_missing, unicode_safe, satudata_clean_text, strip_value,
                            satudata_identity_number],
        "title": [satudata_required, unicode_safe, satudata_clean_text, strip_value, satudata_max_length(200)],
        "description": [satudata_required, unicode_safe, satudata_clean_text, satudata_max_length(5000)],
        "purpose": [satudata_required, unicode_safe, satudata_clean_text, satudata_max_length(2000)],
        "format": [ignore_missing, unicode_safe, satudata_clean_text, strip_value, satudata_max_length(100)],
        "organization": [ignore_missing, unicode_safe, satudata_organization],
        # a field people never see; bots fill it in
        "website": [ignore_missing, satudata_honeypot],
    }


@validator_args
def request_transition_schema(unicode_safe, satudata_required, ignore_missing, satudata_user,
                              satudata_organization, satudata_max_length,
                              satudata_request_transition, satudata_clean_text,
                              satudata_one_of, boolean_validator):
    from ckanext.satudata.requests.rules import REJECT_REASONS
    return {
        "id": [satudata_required, unicode_safe],
        "transition": [satudata_required, unicode_safe, satudata_request_transition],
        "comment": [ignore_missing, unicode_safe, satudata_clean_text, satudata_max_length(5000)],
        "assignee": [ignore_missing, unicode_safe, satudata_user],
        "organization": [ignore_missing, unicode_safe, satudata_organization],
        "split_organization": [ignore_missing, unicode_safe, satudata_organization],
        "dataset": [ignore_missing, unicode_safe],
        "resource_url": [ignore_missing, unicode_safe, satudata_max_length(2000)],
        "access_token": [ignore_missing, unicode_safe],
        "reason": [ignore_missing, unicode_safe, satudata_one_of(list(REJECT_REASONS))],
        "partial": [ignore_missing, boolean_validator],
    }


@validator_args
def objection_file_schema(unicode_safe, satudata_required, ignore_missing, satudata_one_of,
                          satudata_clean_text, satudata_max_length):
    from ckanext.satudata.requests.objection_rules import GROUNDS
    return {
        "id": [satudata_required, unicode_safe],
        "ground": [satudata_required, unicode_safe, satudata_one_of(list(GROUNDS))],
        "reason": [satudata_required, unicode_safe, satudata_clean_text,
                   satudata_max_length(5000)],
        "access_token": [ignore_missing, unicode_safe],
    }


@validator_args
def objection_decide_schema(unicode_safe, satudata_required, satudata_one_of,
                            satudata_clean_text, satudata_max_length):
    from ckanext.satudata.requests.objection_rules import DECISIONS
    return {
        "id": [satudata_required, unicode_safe],
        "decision": [satudata_required, unicode_safe, satudata_one_of(list(DECISIONS))],
        "comment": [satudata_required, unicode_safe, satudata_clean_text,
                    satudata_max_length(5000)],
    }


@validator_args
def request_list_schema(ignore_missing, unicode_safe, satudata_request_status,
                        satudata_organization, natural_number_validator,
                        satudata_max_length, satudata_limit, satudata_clean_text,
                        satudata_at_most, boolean_validator):
    return {
        "mine": [ignore_missing, boolean_validator],
        "status": [ignore_missing, unicode_safe, satudata_request_status],
        "organization": [ignore_missing, unicode_safe, satudata_organization],
        "q": [ignore_missing, unicode_safe, satudata_clean_text, satudata_max_length(200)],
        # ours alone: core's natural_number_validator fails with a 500 on "" and lists
        "limit": [ignore_missing, satudata_limit],
        "offset": [ignore_missing, satudata_at_most(2 ** 62)],
    }


@validator_args
def sla_report_schema(satudata_required, ignore_missing, unicode_safe, satudata_one_of,
                      satudata_iso_date):
    return {
        "workflow": [satudata_required, unicode_safe, satudata_one_of(["dataset", "request"])],
        "group_by": [satudata_required, unicode_safe,
                     satudata_one_of(["step", "person", "month"])],
        "date_from": [ignore_missing, satudata_iso_date],
        "date_to": [ignore_missing, satudata_iso_date],
    }

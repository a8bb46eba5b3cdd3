"""Input schemas of the satudata actions."""
from __future__ import annotations

from ckan.logic.schema import validator_args


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
                              satudata_one_of_states):
    return {
        "id": [satudata_required, unicode_safe],
        "transition": [satudata_required, unicode_safe, satudata_one_of_transitions],
        "comment": [ignore_missing, unicode_safe],
        "assignee": [ignore_missing, unicode_safe, satudata_user],
        "expected_state": [ignore_missing, unicode_safe, satudata_one_of_states],
    }

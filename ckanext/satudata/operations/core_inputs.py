"""Core actions that answer 500 to a missing parameter (CKAN 2.12 reads
``data_dict['q']`` without a check): a clear, bilingual 4xx instead."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.satudata.i18n import bilingual


def _needs_query(name: str):
    @tk.side_effect_free
    def guard(up_func, context, data_dict):
        if not isinstance((data_dict or {}).get("q"), str):
            raise tk.ValidationError({"q": [bilingual("Missing value")]})
        return up_func(context, data_dict)
    guard.__name__ = guard.__qualname__ = name
    return tk.chained_action(guard)


group_autocomplete = _needs_query("group_autocomplete")
organization_autocomplete = _needs_query("organization_autocomplete")

"""Read paths that must not reveal unpublished work (SPEC "Rules that must
never break"): chained core actions that filter what CKAN reads straight from
its tables, and answer "not found" for what the caller may not read."""
from __future__ import annotations


def get_actions():
    return {}

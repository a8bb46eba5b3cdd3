"""A chart of a tabular resource from its DataStore table (Chart.js)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk


def info() -> dict[str, Any]:
    return {"name": "satudata_chart", "title": tk._("Chart"), "icon": "chart-bar",
            "default_title": tk._("Chart"), "iframed": True, "always_available": False,
            "requires_datastore": True, "preview_enabled": True,
            "schema": {"label_field": [tk.get_validator("ignore_missing")],
                       "value_field": [tk.get_validator("ignore_missing")]}}


def can_view(data_dict: dict[str, Any]) -> bool:
    return bool(data_dict["resource"].get("datastore_active"))


def template_variables(data_dict: dict[str, Any]) -> dict[str, Any]:
    return {"resource": data_dict["resource"], "resource_view": data_dict["resource_view"]}

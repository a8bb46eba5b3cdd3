"""SOP performance (Kinerja SOP) and public service statistics: pages, charts
(Chart.js served from our own webassets, never a CDN) and CSV/XLSX exports."""
from __future__ import annotations

import os

import ckan.plugins.toolkit as tk

HERE = os.path.dirname(__file__)


def install(config) -> None:
    """IConfigurer: our templates and assets, apart from the theme's."""
    tk.add_template_directory(config, os.path.join(HERE, "templates"))
    tk.add_resource(os.path.join(HERE, "assets"), "satudata_reports")


def month_label(key) -> str:
    """'2026-01' as its reader says it: 'Januari 2026' (English: 'January 2026')."""
    import datetime as dt
    from babel.dates import format_date
    try:
        year, month = (int(x) for x in str(key).split("-")[:2])
    except ValueError:
        return str(key)
    return format_date(dt.date(year, month, 1), "LLLL y", locale=_locale())


def number(value) -> str:
    """A figure in the page's language: 1.234 and 2,5 (English: 1,234 and 2.5);
    none as a dash."""
    from babel.numbers import format_decimal
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return value
    # a fractional figure keeps its decimal even when round (8,0 days)
    return format_decimal(value, format="#,##0.0##" if isinstance(value, float) else None,
                          locale=_locale())


def _locale() -> str:
    try:
        return tk.h.lang() or "id"
    except (RuntimeError, AttributeError):   # outside a request
        return tk.config.get("ckan.locale_default") or "en"

"""How long the request desk keeps a requester's personal data
(``ckanext.satudata.request_retention``, the archive retention schedule the
Walidata sets; UU 27/2022 Pasal 44): "2 years" after the request closed."""
from __future__ import annotations

import datetime as dt
import re

from dateutil.relativedelta import relativedelta

import ckan.plugins.toolkit as tk

CONFIG_KEY = "ckanext.satudata.request_retention"
DEFAULT = "2 years"
_UNITS = {"day": "days", "days": "days", "hari": "days",
          "month": "months", "months": "months", "bulan": "months",
          "year": "years", "years": "years", "tahun": "years"}


def parse(text: str) -> tuple[int, str]:
    """"2 years" / "24 bulan" / "730 days" -> (2, "years")."""
    match = re.fullmatch(r"\s*(\d+)\s*([A-Za-z]+)\s*", text or "")
    if not match or match.group(2).lower() not in _UNITS or int(match.group(1)) < 1:
        raise ValueError("%s: expected a number and days, months or years, got %r"
                         % (CONFIG_KEY, text))
    return int(match.group(1)), _UNITS[match.group(2).lower()]


def period() -> tuple[int, str]:
    return parse(tk.config.get(CONFIG_KEY) or DEFAULT)


def cutoff(now: dt.datetime) -> dt.datetime:
    """Requests closed before this moment are past the retention period."""
    n, unit = period()
    return now - relativedelta(**{unit: n})


def label() -> str:
    """For pages: a mistyped setting shows the default rather than failing
    the request form (the retention job itself refuses to run on it)."""
    try:
        n, unit = period()
    except ValueError:
        n, unit = parse(DEFAULT)
    if unit == "days":
        return tk._("%d days") % n
    if unit == "months":
        return tk._("%d months") % n
    return tk._("%d years") % n

"""Time as the SOPs count it: WIB (Asia/Jakarta, UTC+07:00)."""
from __future__ import annotations

import datetime as dt
from typing import Optional
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def iso_wib(value: Optional[dt.datetime]) -> Optional[str]:
    """ISO 8601 with the +07:00 offset (SPEC "API contract"); naive means UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(WIB).isoformat(timespec="seconds")

"""Codes stay text in the DataStore.

ckanext-xloader's type guessing (``use_type_guessing``, which the portal keeps
on so figures are numbers the chart and the table sort as numbers) turns a
Kemendagri region code into something else: ``35.10.15`` parses as the date
2035-10-15, ``35.10`` as the number 35.1, ``0101`` as 101. A code is an
identifier, never a date or an amount.

The fix uses xloader's own Data Dictionary mechanism, not a patch of it:
after a load (IXloader.after_upload), each column that holds codes but was
typed otherwise gets ``type_override: text`` in its data dictionary entry, and
the file is loaded again. The second load finds the table and the overrides
(xloader then copies the file as it is, each column with its override, the
other columns with the types the first load guessed), so the codes arrive
exactly as written. A column holds codes when its name says so (kode_*, nik,
npsn…) or when the file's own values look like codes: dotted (35.10.15),
leading zeros (0101), or digit strings of one width sharing a prefix (BPS
3510010): the rule of the chart view (theme/chart_view.py), which never plots
them either."""
from __future__ import annotations

import logging
import os
import re
from typing import Any, Optional

import ckan.plugins.toolkit as tk

# the chart leaves the same columns out of its measures
from ckanext.satudata.theme.chart_view import code_like_values

log = logging.getLogger(__name__)

# words of a column name that make it a code whatever its values
CODE_NAME_WORDS = {"kode", "kd", "code", "nik", "nip", "nib", "npsn", "nisn", "nuptk",
                   "kemendagri", "bps"}
SAMPLE_ROWS = 1000
_ISO_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}([T ]|$)")


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", (name or "").lower()) if w]


def named_as_code(name: str) -> bool:
    words = _words(name)
    return bool(set(words) & CODE_NAME_WORDS) or bool(words and words[0].startswith("kode"))


def code_columns(fields: list[dict], raw: Optional[dict[str, list[str]]]) -> list[str]:
    """The columns of a loaded table that hold codes but are not typed text.
    `raw`: the file's values per column as written (None when unreadable)."""
    found = []
    for field in fields:
        name, kind = field["id"], (field.get("type") or "text").lower()
        if name == "_id" or kind == "text":
            continue
        values = (raw or {}).get(name) or []
        # 2024-01-31 is a date, however code-like its digits and dashes
        dates = values and all(_ISO_DATE.match(v.strip()) for v in values)
        if named_as_code(name) or (values and not dates and code_like_values(values)):
            found.append(name)
    return found


def raw_values(resource: dict) -> Optional[dict[str, list[str]]]:
    """The values of an uploaded file as written, per column (first rows), read
    as xloader reads the file (tabulator) but without its type conversion."""
    if resource.get("url_type") != "upload":
        return None
    from ckan.lib import uploader
    path = uploader.get_resource_uploader(resource).get_path(resource["id"])
    if not os.path.exists(path):
        return None
    fmt = (resource.get("format") or "").lower() or None
    try:
        from tabulator import Stream
        with Stream(path, format=fmt, headers=1, skip_rows=[{"type": "preset",
                                                            "value": "blank"}]) as stream:
            headers = [str(h).strip() if h is not None else "" for h in stream.headers or []]
            columns: dict[str, list[str]] = {h: [] for h in headers if h}
            for i, row in enumerate(stream.iter()):
                if i >= SAMPLE_ROWS:
                    break
                for header, cell in zip(headers, row):
                    if header and cell not in (None, ""):
                        columns[header].append(cell if isinstance(cell, str) else str(cell))
            return columns
    except Exception as e:  # noqa: BLE001 - an unreadable file keeps the name rule only
        log.info("loader types: %s not read (%r); codes found by name only", resource["id"], e)
        return None


def _site_context() -> dict[str, Any]:
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    return {"user": user, "ignore_auth": True}


def keep_codes_as_text(resource: dict) -> list[str]:
    """After a load: mark the code columns text in the data dictionary and
    load the file again. The columns changed (none: nothing to do)."""
    try:
        info = tk.get_action("datastore_info")(_site_context(), {
            "id": resource["id"], "include_meta": False, "include_fields_schema": False})
    except (tk.ObjectNotFound, tk.ValidationError):
        return []
    fields = [f for f in info.get("fields", []) if f["id"] != "_id"]
    changed = code_columns(fields, raw_values(resource))
    if not changed:
        return []
    dictionary = []
    for field in fields:
        entry = {"id": field["id"], "type": field["type"],
                 "info": dict(field.get("info") or {})}
        if field["id"] in changed:
            entry["info"]["type_override"] = "text"
        dictionary.append(entry)
    tk.get_action("datastore_create")(_site_context(), {
        "resource_id": resource["id"], "force": True, "fields": dictionary})
    log.info("loader types: %s: %s are codes, loaded again as text", resource["id"], changed)
    # the table exists now: xloader copies the file with the overrides
    tk.get_action("xloader_submit")(_site_context(), {"resource_id": resource["id"],
                                                      "ignore_hash": True})
    return changed

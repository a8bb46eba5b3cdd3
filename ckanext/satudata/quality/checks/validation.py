"""A table file against its Table Schema, with frictionless v5.

The schema is the resource's data dictionary (its DataStore fields, when the
data is in the DataStore), else the one inferred from its first checked
upload and then kept: a later upload with a text in a number column is a
type error, not a new schema."""
from __future__ import annotations

import logging
import os
from typing import Any, Iterator, Optional

log = logging.getLogger(__name__)

# frictionless error types a reviewer sees (others are reported as they come)
KNOWN = ("blank-label", "duplicate-label", "missing-label", "extra-label", "incorrect-label",
         "missing-cell", "extra-cell", "blank-row", "type-error", "constraint-error",
         "primary-key", "unique-error", "duplicate-row", "source-error", "format-error",
         "encoding-error", "scheme-error", "resource-error")
MAX_ERRORS = 500

# DataStore column types as Table Schema types
_DATASTORE_TYPES = {
    "text": "string", "int": "integer", "int4": "integer", "int8": "integer",
    "integer": "integer", "bigint": "integer", "numeric": "number", "float8": "number",
    "float": "number", "timestamp": "datetime", "date": "date", "time": "time",
    "bool": "boolean", "boolean": "boolean", "json": "object",
}

FORMATS = {"csv": "csv", "xlsx": "xlsx", "xls": "xlsx"}


def file_format(resource: dict[str, Any]) -> Optional[str]:
    """csv or xlsx, from the resource's format or its URL; None otherwise."""
    declared = str(resource.get("format") or "").strip().lower().lstrip(".")
    if declared in FORMATS:
        return FORMATS[declared]
    url = str(resource.get("url") or "").lower().split("?")[0]
    ext = url.rsplit(".", 1)[-1] if "." in url.rsplit("/", 1)[-1] else ""
    return FORMATS.get(ext)


def datastore_schema(fields: list[dict]) -> Optional[dict]:
    """A Table Schema from `datastore_info` fields (the data dictionary)."""
    columns = [f for f in fields if not str(f.get("id", "")).startswith("_")]
    if not columns:
        return None
    schema_fields = []
    for f in columns:
        field = {"name": f["id"], "type": _DATASTORE_TYPES.get(str(f.get("type")), "any")}
        info = f.get("info") or {}
        if info.get("label"):
            field["title"] = info["label"]
        if info.get("notes"):
            field["description"] = info["notes"]
        schema_fields.append(field)
    return {"fields": schema_fields}


def _located(path: str) -> dict[str, str]:
    """frictionless refuses an absolute path as unsafe; a name in its folder
    (CKAN's storage, chosen by the portal, not by the uploader) it reads."""
    return {"path": os.path.basename(path), "basepath": os.path.dirname(os.path.abspath(path))}


def infer_schema(path: str, fmt: str) -> dict:
    from frictionless import Resource
    resource = Resource(**_located(path), format=fmt)
    resource.infer()
    return resource.schema.to_dict()


def validate(path: str, fmt: str, schema: dict, limit_rows: Optional[int] = None) -> dict:
    """{"errors": [{type, row, column, value}], "rows": n} of one file."""
    from frictionless import Checklist, Resource, Schema, checks
    options: dict[str, Any] = {"limit_errors": MAX_ERRORS}
    if limit_rows:
        options["limit_rows"] = limit_rows
    resource = Resource(**_located(path), format=fmt, schema=Schema.from_descriptor(schema))
    report = resource.validate(checklist=Checklist(checks=[checks.duplicate_row()]), **options)
    errors = []
    rows = 0
    for task in report.tasks:
        rows = task.stats.get("rows") or 0
        for e in task.errors:
            if e.type not in KNOWN and getattr(e, "row_number", None) is None:
                kind = "source-error"   # the file as a whole: unreadable, unsafe, bad format
            else:
                kind = e.type
            cell = getattr(e, "cell", None)
            label = getattr(e, "label", None)
            errors.append({
                "type": kind,
                "row": getattr(e, "row_number", None) or (1 if label is not None else None),
                # a header's own text (frictionless renames a duplicate "x" to "x2")
                "column": (label if label is not None and e.type.endswith("-label") else None)
                or getattr(e, "field_name", None) or (label or None),
                "column_number": getattr(e, "field_number", None),
                "value": (str(cell)[:80] if cell not in (None, "") else None),
                "note": getattr(e, "note", None) if e.type not in KNOWN else None,
            })
    for error in report.errors:   # the file as a whole: unreadable, bad format
        errors.append({"type": error.type if error.type in KNOWN else "source-error",
                       "row": None, "column": None, "value": None,
                       "note": str(getattr(error, "note", "") or "")[:300]})
    return {"errors": errors, "rows": rows}


def read_rows(path: str, fmt: str, limit_rows: Optional[int] = None
              ) -> tuple[list, Iterator[tuple[int, list]]]:
    """(header, rows as (row number in the file, raw cells)) for the scans."""
    from frictionless import Resource
    resource = Resource(**_located(path), format=fmt)
    resource.open()
    header = list(resource.header)

    def rows():
        try:
            for count, row in enumerate(resource.row_stream):
                if limit_rows and count >= limit_rows:
                    break
                yield row.row_number, row.cells
        finally:
            resource.close()
    return header, rows()


def file_size(path: str) -> int:
    return os.path.getsize(path)

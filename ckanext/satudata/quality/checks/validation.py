"""A table file against its Table Schema, with frictionless v5.

The schema is the resource's data dictionary (its DataStore fields, when the
data is in the DataStore), else the one inferred from its first checked
upload and then kept: a later upload with a text in a number column is a
type error, not a new schema.

A statistical table seldom declares a primary key, so when its schema has
none the row key is inferred (`inferred_key`: the dimension columns, the
numeric ones being the measures) and two rows with the same key and other
figures are a `duplicate-key`. A file above the size cap is checked on a
sample spread over the whole file (`sample`), each row under its own number."""
from __future__ import annotations

import collections
import logging
import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional

log = logging.getLogger(__name__)

# frictionless error types a reviewer sees (others are reported as they come)
KNOWN = ("blank-label", "duplicate-label", "missing-label", "extra-label", "incorrect-label",
         "missing-cell", "extra-cell", "blank-row", "type-error", "constraint-error",
         "primary-key", "unique-error", "duplicate-row", "duplicate-key", "source-error", "format-error",
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


# -- the row key of a table without a declared primary key -------------------

# headers of period columns beside the year (reference_codes knows the year)
_PERIOD_HEADER = re.compile(r"bulan|month|triwulan|kuartal|quarter|semester|periode|period|"
                            r"minggu|week|tanggal|date", re.I)
# headers of identifying codes (kode_kbli, kode_desa, id_sekolah): a code is
# a dimension even when its column is typed as a number
_CODE_HEADER = re.compile(r"(^|[^a-z])(kode|kd|code|id)([^a-z]|$)", re.I)
_MEASURE_TYPES = ("integer", "number")
_DIMENSION_TYPES = ("string", "any", "date", "datetime", "time", "year", "yearmonth",
                    "boolean")


def inferred_key(schema: dict) -> Optional[list[str]]:
    """The columns that identify a row of a statistical table whose schema
    declares no primary key: region name and code columns (as the
    reference-code check recognises them), year and period columns, code
    columns and the other text columns; the numeric columns are the measures.
    None when the schema declares a key (frictionless checks it) or when there
    is not at least one dimension and one measure (no sensible key)."""
    from ckanext.satudata.quality.checks import reference_codes
    if schema.get("primaryKey"):
        return None
    fields = [f for f in schema.get("fields") or [] if f.get("name")]
    names = [f["name"] for f in fields]
    roles = reference_codes._columns(names)
    region = set(roles["names"].values()) | set(roles["codes"]) | set(roles["years"])
    dimensions, measures = [], []
    for index, f in enumerate(fields):
        kind = f.get("type") or "any"
        if index in region or _PERIOD_HEADER.search(f["name"]) or _CODE_HEADER.search(f["name"]):
            dimensions.append(f["name"])
        elif kind in _MEASURE_TYPES:
            measures.append(f["name"])
        elif kind in _DIMENSION_TYPES:
            dimensions.append(f["name"])
    return dimensions if dimensions and measures else None


def _key_value(value: Any) -> Any:
    """A key cell as compared: text without case or surrounding spaces."""
    return value.strip().casefold() if isinstance(value, str) else value


def _duplicate_key_check(key: list[str]):
    """A frictionless check: a row whose key an earlier row has, unless the
    whole row repeats an earlier one (that is frictionless's duplicate-row).
    Keeps a hash per key and per row, not the rows: bounded by the rows read."""
    import attrs
    from frictionless import errors
    from frictionless.checklist import Check

    @attrs.define(kw_only=True, repr=False)
    class DuplicateKeyError(errors.RowError):
        type = "duplicate-key"
        title = "Duplicate Key"
        description = "Two rows have the same key and other figures."
        template = "Row {rowNumber}: {note}"

    @attrs.define(kw_only=True, repr=False)
    class duplicate_key(Check):
        type = "duplicate-key"
        Errors = [DuplicateKeyError]
        found: dict = attrs.field(factory=dict)

        def connect(self, resource):
            super().connect(resource)
            self.keys: dict[int, int] = {}
            self.whole_rows: set[int] = set()

        def validate_row(self, row):
            values = [row.get(name) for name in key]
            if any(v is None or v == "" for v in values):
                return   # a blank or unreadable key cell: no key to compare
            whole = hash(",".join(map(str, row.values())))
            if whole in self.whole_rows:
                return   # the same row again: reported as duplicate-row
            self.whole_rows.add(whole)
            digest = hash(tuple(_key_value(v) for v in values))
            first = self.keys.setdefault(digest, row.row_number)
            if first != row.row_number:
                self.found[row.row_number] = (first, [str(v) for v in values])
                yield DuplicateKeyError.from_row(
                    row, note="the key repeats the row at position %s" % first)

    return duplicate_key()


# -- validation ----------------------------------------------------------------

def validate(path: str, fmt: str, schema: dict, limit_rows: Optional[int] = None,
             sampled: Optional["Sample"] = None) -> dict:
    """{"errors": [{type, row, column, value}], "rows": n} of one file, or of
    its `sampled` rows (validated as they are, under their own numbers)."""
    from frictionless import Resource, Schema
    options: dict[str, Any] = {"limit_errors": MAX_ERRORS}
    if limit_rows:
        options["limit_rows"] = limit_rows
    if sampled is None:
        resource = Resource(**_located(path), format=fmt, schema=Schema.from_descriptor(schema))
        number_of: Callable[[int], int] = lambda n: n  # noqa: E731
    else:
        resource = Resource(data=[sampled.header] + [cells for _, cells in sampled.rows],
                            format="inline", schema=Schema.from_descriptor(schema))
        numbers = [1] + [n for n, _ in sampled.rows]
        number_of = lambda n: numbers[n - 1] if 0 < n <= len(numbers) else n  # noqa: E731
    return _validated(resource, schema, options, number_of)


def _validated(resource, schema: dict, options: dict, number_of: Callable[[int], int]) -> dict:
    from frictionless import Checklist, checks
    key = inferred_key(schema)
    key_check = _duplicate_key_check(key) if key else None
    report = resource.validate(checklist=Checklist(
        checks=[checks.duplicate_row()] + ([key_check] if key_check else [])), **options)
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
            row = getattr(e, "row_number", None)
            finding = {
                "type": kind,
                "row": number_of(row) if row else (1 if label is not None else None),
                # a header's own text (frictionless renames a duplicate "x" to "x2")
                "column": (label if label is not None and e.type.endswith("-label") else None)
                or getattr(e, "field_name", None) or (label or None),
                "column_number": getattr(e, "field_number", None),
                "value": (str(cell)[:80] if cell not in (None, "") else None),
                "note": getattr(e, "note", None) if e.type not in KNOWN else None,
            }
            if kind == "duplicate-key" and key_check is not None:
                first, values = key_check.found[row]
                finding.update({
                    "column": ", ".join(key), "value": ", ".join(v[:40] for v in values)[:200],
                    "key": key, "key_values": [v[:80] for v in values],
                    "repeats_row": number_of(first)})
            errors.append(finding)
    for error in report.errors:   # the file as a whole: unreadable, bad format
        errors.append({"type": error.type if error.type in KNOWN else "source-error",
                       "row": None, "column": None, "value": None,
                       "note": str(getattr(error, "note", "") or "")[:300]})
    return {"errors": errors, "rows": rows}


# -- the sample of a large file ---------------------------------------------------

@dataclass
class Sample:
    """The rows of a large file that are checked: the first `head` rows,
    every `step`-th row after them, and the last `tail` rows, each with its
    number in the file (the header is row 1). `total`: the file's data rows."""
    header: list
    rows: list = field(default_factory=list)
    total: int = 0
    head: int = 0
    step: int = 1
    tail: int = 0

    @property
    def sampled(self) -> bool:
        return len(self.rows) < self.total

    def describe(self) -> dict[str, int]:
        return {"rows_total": self.total, "rows_sampled": len(self.rows), "head": self.head,
                "step": self.step, "tail": self.tail}


def sample(path: str, fmt: str, size: int) -> Sample:
    """At most `size` rows of the file, read once as a stream: the first
    tenth of them, the last tenth, and between them a systematic sample —
    every row at first, the step doubling whenever the kept rows outgrow
    their share — so the rows checked are spread evenly over the whole file
    whatever its length, the same rows on every run, and memory holds no
    more than `size` rows."""
    from frictionless import Resource
    size = max(3, size)
    head_size = tail_size = max(1, size // 10)
    share = size - head_size - tail_size
    resource = Resource(**_located(path), format=fmt)
    resource.open()
    try:
        stream = iter(resource.cell_stream)
        found = Sample(header=list(next(stream, None) or []), head=head_size, tail=tail_size)
        head: list = []
        middle: list = []    # (position after the head, row number, cells)
        tail: collections.deque = collections.deque(maxlen=tail_size)
        step = 1
        for number, cells in enumerate(stream, start=2):
            found.total += 1
            if found.total <= head_size:
                head.append((number, cells))
                continue
            tail.append((number, cells))
            position = found.total - head_size - 1
            if position % step == 0:
                middle.append((position, number, cells))
                if len(middle) > share:
                    step *= 2
                    middle = [m for m in middle if m[0] % step == 0]
    finally:
        resource.close()
    found.step = step
    kept = dict(head)
    kept.update((number, cells) for _, number, cells in middle)
    kept.update(tail)
    found.rows = sorted(kept.items())
    return found


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

"""CSV and XLSX of a report table ({"title", "columns", "rows"})."""
from __future__ import annotations

import csv
import io
import re
from typing import Any

# A spreadsheet runs a cell that starts with = + - @ (OWASP "CSV injection").
# Which character splits cells is the reader's choice, not ours: Excel with
# the Indonesian locale splits on ';', others on ',' or tab, and a reader that
# splits on another separator than the writer used ignores our quotes. So
# every place where any reader could start a cell (the cell's start, or after
# ; , tab or a line break, past spaces and quote marks) gets a ' before a
# formula character: the cell shows text, whatever the separator.
_CELL_STARTS = re.compile(r"(^|[;,\t\r\n])(?=[\s\"]*[=+\-@])")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell no spreadsheet runs (numbers stay numbers)."""
    if not isinstance(value, str) or _NUMBER.fullmatch(value):
        return value
    if value[:1] in ("\t", "\r"):   # OWASP: a reader may strip them, then see '='
        value = "'" + value
    return _CELL_STARTS.sub(r"\1'", value)


def _xlsx_cell(value: Any) -> Any:
    # in XLSX a cell is a cell: only a leading '=' makes openpyxl write a formula
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not _NUMBER.fullmatch(
            value):
        return "'" + value
    return value


# The list separator and decimal mark of the spreadsheet a reader of each
# page language opens the file in: Excel set to Indonesian splits on ';' and
# reads '1,5' as one and a half (and '0.667' as 667: '.' groups thousands
# there); Excel in English splits on ',' and reads '1.5'.
SEPARATORS = {"id": (";", ","), "en": (",", ".")}


def _decimal(value: Any, mark: str) -> Any:
    # only fractional figures change; whole numbers and text are as they were
    if isinstance(value, float) and mark != ".":
        return repr(value).replace(".", mark)
    return value


def to_csv(table: dict[str, Any], lang: str = "en") -> bytes:
    """The table as CSV for a reader of `lang` (SEPARATORS), UTF-8 with a BOM.
    The XLSX needs no such choice and is the export offered first."""
    delimiter, mark = SEPARATORS.get((lang or "en").split("_")[0], SEPARATORS["en"])
    out = io.StringIO()
    # every text cell quoted, so a reader honouring quotes keeps it one cell
    writer = csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([csv_cell(label) for _key, label in table["columns"]])
    for row in table["rows"]:
        writer.writerow([_decimal(csv_cell("" if row.get(k) is None else row.get(k)), mark)
                         for k, _label in table["columns"]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")   # BOM: Excel reads UTF-8


def to_xlsx(tables: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(str(table.get("sheet") or table["id"])[:31])
        sheet.append([label for _key, label in table["columns"]])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table["rows"]:
            sheet.append([_xlsx_cell(row.get(k)) for k, _label in table["columns"]])
        for i, (_key, label) in enumerate(table["columns"], start=1):
            width = max([len(str(label))] + [len(str(r.get(_key) or "")) for r in table["rows"]])
            sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = min(
                max(width + 2, 8), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

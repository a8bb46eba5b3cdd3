"""CSV and XLSX of a report table ({"title", "columns", "rows"})."""
from __future__ import annotations

import csv
import io
from typing import Any


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not _is_number(value):
        return "'" + value   # no formula injection in a spreadsheet
    return value


def _is_number(value: str) -> bool:
    try:
        float(value)
        return True
    except ValueError:
        return False


def to_csv(table: dict[str, Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([label for _key, label in table["columns"]])
    for row in table["rows"]:
        writer.writerow([_cell("" if row.get(k) is None else row.get(k))
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
            sheet.append([_cell(row.get(k)) for k, _label in table["columns"]])
        for i, (_key, label) in enumerate(table["columns"], start=1):
            width = max([len(str(label))] + [len(str(r.get(_key) or "")) for r in table["rows"]])
            sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = min(
                max(width + 2, 8), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

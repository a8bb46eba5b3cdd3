"""Personal data in a table's cells (UU 27/2022, issue 26): NIK, NIP, phone
numbers, e-mail addresses, and the names next to them. Pure: cells in,
findings out; a finding never carries the value in clear (it is masked), so
the report itself publishes nothing."""
from __future__ import annotations

import datetime
import re
from typing import Iterable, Optional

from ckanext.satudata.quality.checks import reference_codes

NIK, NIP, PHONE, EMAIL, NAME = "nik", "nip", "phone", "email", "name"

_DIGITS = re.compile(r"(?<![0-9])([0-9][0-9 .\-]{14,24}[0-9])(?![0-9])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# +62 8xx / 62 8xx / 08xx, 9 to 12 digits after the 8 (mobile) or an area code
_PHONE = re.compile(r"(?<![0-9+])(?:\+62|62|0)[ \-.]?(8[0-9]{1,3}|[2-7][0-9]{1,3})"
                    r"(?:[ \-.]?[0-9]{2,4}){2,3}(?![0-9])")
# headers naming a person
_NAME_HEADERS = re.compile(r"\b(nama|name|pemilik|pegawai|penerima|pemohon|kepala)\b", re.I)


def _date(year: int, month: int, day: int) -> Optional[datetime.date]:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def is_nik(digits: str, today: Optional[datetime.date] = None) -> bool:
    """A Nomor Induk Kependudukan: 16 digits, PP.KK.CC (a regency that exists,
    a district number; districts split since are numbered anew, so not
    checked further), DDMMYY of birth (+40 on the day for women), then a
    serial that is not 0000."""
    if len(digits) != 16 or not digits.isdigit():
        return False
    if not reference_codes.regency_exists(digits[:4]) or digits[4:6] == "00":
        return False
    day, month, year = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    if day > 40:
        day -= 40
    today = today or datetime.date.today()
    century = 2000 if 2000 + year <= today.year else 1900
    if _date(century + year, month, day) is None:
        return False
    return digits[12:] != "0000"


def is_nip(digits: str, today: Optional[datetime.date] = None) -> bool:
    """A civil servant's NIP: 18 digits, YYYYMMDD of birth, YYYYMM of
    appointment (17 years old at least), sex 1 or 2, a serial."""
    if len(digits) != 18 or not digits.isdigit():
        return False
    born = _date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    appointed = _date(int(digits[8:12]), int(digits[12:14]), 1)
    today = today or datetime.date.today()
    if born is None or appointed is None or born.year < 1930 or appointed > today:
        return False
    if appointed.year - born.year < 17 or digits[14] not in "12":
        return False
    return digits[15:] != "000"


def mask(value: str) -> str:
    """The first four and last two characters: enough to find it in the file."""
    value = str(value)
    if len(value) <= 6:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 6) + value[-2:]


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        # a spreadsheet keeps a long number as a float
        return "%d" % cell
    return str(cell)


def scan_cell(cell) -> list[tuple[str, str]]:
    """[(kind, masked value)] of what one cell holds."""
    text = _text(cell)
    if not text or len(text) > 10000:
        return []
    found = []
    for match in _DIGITS.finditer(text):
        digits = re.sub(r"[^0-9]", "", match.group(1))
        if is_nik(digits):
            found.append((NIK, mask(digits)))
        elif is_nip(digits):
            found.append((NIP, mask(digits)))
    for match in _EMAIL.finditer(text):
        found.append((EMAIL, mask(match.group(0))))
    if not any(kind in (NIK, NIP) for kind, _ in found):
        for match in _PHONE.finditer(text):
            digits = re.sub(r"[^0-9]", "", match.group(0))
            if 10 <= len(digits) <= 14:
                found.append((PHONE, mask(match.group(0))))
    return found


def scan_rows(header: list, rows: Iterable[tuple[int, list]], limit: int = 200) -> list[dict]:
    """Findings in a table: {kind, row, column, value (masked)}; a row with a
    finding also reports the name in a column headed like a person's name.
    `rows` yields (row number as in the file, cells)."""
    header = [str(h) if h is not None else "" for h in header]
    name_columns = [i for i, h in enumerate(header) if _NAME_HEADERS.search(h)]
    findings: list[dict] = []
    for number, cells in rows:
        in_row = []
        for index, cell in enumerate(cells):
            column = header[index] if index < len(header) else str(index + 1)
            for kind, masked in scan_cell(cell):
                in_row.append({"kind": kind, "row": number, "column": column, "value": masked})
        if in_row:
            for index in name_columns:
                if index < len(cells) and _text(cells[index]).strip():
                    in_row.append({"kind": NAME, "row": number, "column": header[index],
                                   "value": mask(_text(cells[index]).strip())})
            findings.extend(in_row)
        if len(findings) >= limit:
            break
    return findings[:limit]


def summary(findings: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for f in findings:
        counts[f["kind"]] = counts.get(f["kind"], 0) + 1
    return counts

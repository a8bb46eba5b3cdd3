"""The checks on fixture files with known defects (issues 25, 26): the exact
report of each, a clean file's clean report, the same findings from XLSX as
from CSV, and the personal-data scanner's NIK/NIP shapes. No database: the
file checks are pure (check_file) but for the worker's storage, tested in
test_review_gate.py."""
import csv
import datetime
import pathlib

import openpyxl
import pytest
from hypothesis import given, settings, strategies as st

from ckanext.satudata.i18n import translate
from ckanext.satudata.quality import checks
from ckanext.satudata.quality.checks import messages, personal_data, reference_codes, validation

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
CACAT = FIXTURES / "penduduk_cacat.csv"
BERSIH = FIXTURES / "penduduk_bersih.csv"
PRIBADI = FIXTURES / "warga_pribadi.csv"
PERIOD = (2025, None)

EXPECTED_VALIDATION = [
    {"type": "type-error", "row": 16, "column": "jumlah_penduduk", "column_number": 4,
     "value": "tiga ribu", "note": None},
    {"type": "blank-row", "row": 17, "column": None, "column_number": None, "value": None,
     "note": None},
]
EXPECTED_REFERENCE = [
    {"kind": "year_outside_period", "row": 9, "column": "tahun", "value": "2019",
     "period": "2025–"},
    {"kind": "spelling_variant", "row": 10, "column": "kecamatan", "value": "Gentengg",
     "level": "kecamatan", "suggestion": "Genteng", "code": "35.10.09"},
    # "Kalibaru" twice, with two codes: the second is Singojuruh's
    {"kind": "code_name_mismatch", "row": 13, "column": "kode_kecamatan", "value": "35.10.12",
     "code_name": "Singojuruh", "suggestion": "35.10.11", "name": "Kalibaru"},
    {"kind": "unknown_code", "row": 14, "column": "kode_kecamatan", "value": "35.10.99"},
]
EXPECTED_PERSONAL = [
    {"kind": "nik", "row": 2, "column": "nik", "value": "3510**********01"},
    {"kind": "phone", "row": 2, "column": "telepon", "value": "0812******90"},
    {"kind": "email", "row": 2, "column": "email", "value": "siti*****************rg"},
    {"kind": "name", "row": 2, "column": "nama", "value": "Siti*****ah"},
    # rows 3-5: 16-digit numbers that are not NIKs (no such regency, month 13,
    # kecamatan 00) are not reported
    {"kind": "nip", "row": 6, "column": "nip", "value": "1985************01"},
    {"kind": "phone", "row": 6, "column": "telepon", "value": "+62 ***********90"},
    {"kind": "name", "row": 6, "column": "nama", "value": "Joko*****lo"},
    # a phone number inside a note; the name beside it
    {"kind": "phone", "row": 7, "column": "catatan", "value": "0333*****72"},
    {"kind": "name", "row": 7, "column": "nama", "value": "****"},
]


@pytest.fixture
def no_cap(monkeypatch):
    monkeypatch.setattr(checks, "max_bytes", lambda: 10 ** 9)


@pytest.fixture
def kept_schema():
    """The schema inferred from the clean first upload (and kept)."""
    return validation.infer_schema(str(BERSIH), "csv")


def test_the_clean_file_infers_the_expected_schema(kept_schema):
    assert kept_schema == {"fields": [
        {"name": "kecamatan", "type": "string"}, {"name": "kode_kecamatan", "type": "string"},
        {"name": "tahun", "type": "integer"}, {"name": "jumlah_penduduk", "type": "integer"}]}


def test_defective_csv_gives_the_exact_report(no_cap, kept_schema):
    report = checks.check_file(str(CACAT), "csv", kept_schema, PERIOD)
    assert report["validation"] == EXPECTED_VALIDATION
    assert report["reference"] == EXPECTED_REFERENCE
    assert report["personal"] == []
    assert report["rows_checked"] == 18 and report["sampled"] is False


def test_clean_csv_gives_a_clean_report(no_cap, kept_schema):
    report = checks.check_file(str(BERSIH), "csv", kept_schema, PERIOD)
    assert (report["validation"], report["reference"], report["personal"]) == ([], [], [])
    assert report["status"] == checks.DONE and report["rows_checked"] == 12


def _as_xlsx(source, target):
    book = openpyxl.Workbook()
    sheet = book.active
    with open(source, encoding="utf-8") as f:
        for row in csv.reader(f):
            sheet.append([int(c) if c.isdigit() and len(c) < 10 else (c or None) for c in row])
    book.save(target)
    return str(target)


def test_defective_xlsx_gives_the_same_report(no_cap, kept_schema, tmp_path):
    report = checks.check_file(_as_xlsx(CACAT, tmp_path / "cacat.xlsx"), "xlsx",
                               kept_schema, PERIOD)
    assert report["validation"] == EXPECTED_VALIDATION
    assert report["reference"] == EXPECTED_REFERENCE


def test_personal_data_file_gives_the_exact_findings(no_cap):
    report = checks.check_file(str(PRIBADI), "csv", None, PERIOD)
    assert report["personal"] == EXPECTED_PERSONAL
    assert report["reference"] == []


def test_personal_data_in_xlsx_numbers(no_cap, tmp_path):
    """A spreadsheet keeps a NIK typed as a number: still found."""
    book = openpyxl.Workbook()
    book.active.append(["nama", "nik"])
    book.active.append(["Siti", 3510014101900001])
    book.save(tmp_path / "w.xlsx")
    report = checks.check_file(str(tmp_path / "w.xlsx"), "xlsx", None, PERIOD)
    assert [(f["kind"], f["row"]) for f in report["personal"]] == [("nik", 2), ("name", 2)]


def test_large_file_is_sampled_and_says_so(monkeypatch, kept_schema):
    monkeypatch.setattr(checks, "max_bytes", lambda: 100)
    monkeypatch.setattr(checks, "sample_rows", lambda: 5)
    report = checks.check_file(str(CACAT), "csv", kept_schema, PERIOD)
    assert report["sampled"] is True and report["rows_checked"] == 5
    # only the first five rows: the errors after them are not seen
    assert report["validation"] == []


def test_unreadable_file_is_a_validation_error(no_cap, kept_schema, tmp_path):
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"bukan xlsx")
    report = checks.check_file(str(bad), "xlsx", kept_schema, PERIOD)
    assert [e["type"] for e in report["validation"]] == ["format-error"]


def test_report_sentences_in_both_languages():
    id_ = lambda m: translate(m, "id")  # noqa: E731
    en = lambda m: m  # noqa: E731
    assert messages.describe("validation", EXPECTED_VALIDATION[0], en) == \
        'Row 16, column "jumlah_penduduk": "tiga ribu" is not of the column\'s type'
    assert messages.describe("validation", EXPECTED_VALIDATION[0], id_) == \
        'Baris 16, kolom "jumlah_penduduk": "tiga ribu" tidak sesuai tipe kolom'
    assert messages.describe("reference", EXPECTED_REFERENCE[1], id_) == \
        'Baris 10, kolom "kecamatan": "Gentengg" — bentuk resmi "Genteng" (35.10.09)'
    assert messages.describe("personal", EXPECTED_PERSONAL[0], id_) == \
        'Baris 2, kolom "nik": NIK (nomor induk kependudukan) 3510**********01'


# -- the scanner's shapes -------------------------------------------------------

TODAY = datetime.date(2026, 12, 7)


def test_reference_ships_banyuwangi_with_its_provenance():
    ref = reference_codes.reference()
    assert len(ref["kecamatan"]) == 25 and len(ref["desa"]) == 217
    assert ref["kecamatan"]["351011"]["nama"] == "Kalibaru"
    head = reference_codes.provenance()
    assert head["source"].startswith("npm idn-area-data 4.0.1")
    assert "300.2.2-2138 Tahun 2025" in head["regulation"]


@pytest.mark.parametrize("nik,valid", [
    ("3510014101900001", True),     # a woman born 1 January 1990 (day + 40)
    ("3510010101900001", True),     # a man born the same day
    ("3171022902000003", True),     # 29 February 2000
    ("1234567890123456", False),    # regency 12.34 does not exist
    ("3510019913900001", False),    # month 13
    ("3510000101900001", False),    # kecamatan 00
    ("3510013202900001", False),    # day 32 (not a woman's 42-71 either)
    ("3510017202900001", False),    # day 72 - 40 = 32
    ("3510010101900000", False),    # serial 0000
    ("351001010190001", False),     # 15 digits
])
def test_nik_shape(nik, valid):
    assert personal_data.is_nik(nik, TODAY) is valid


@pytest.mark.parametrize("nip,valid", [
    ("198503122010011001", True),
    ("198503122010012001", True),   # a woman
    ("198513122010011001", False),  # month 13 of birth
    ("198503122010131001", False),  # appointed in month 13
    ("200003122010011001", False),  # appointed at ten years old
    ("198503122010013001", False),  # sex digit 3
    ("198503122030011001", False),  # appointed in the future
])
def test_nip_shape(nip, valid):
    assert personal_data.is_nip(nip, TODAY) is valid


@pytest.mark.parametrize("text,kinds", [
    ("hubungi 081234567890", ["phone"]),
    ("+62 812 3456 7890", ["phone"]),
    ("(0333) 424172", []),                 # needs the area code's 0 joined
    ("0333-424172", ["phone"]),
    ("kode 3510", []),
    ("jumlah 1234567890123456", []),
    ("a.b@dinas.banyuwangikab.go.id", ["email"]),
    ("NIK 3510 0141 0190 0001", ["nik"]),   # written in groups
])
def test_cell_scan(text, kinds):
    assert [k for k, _ in personal_data.scan_cell(text)] == kinds


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"\A[0-9]{16}\Z"))
def test_16_digit_numbers_of_no_regency_are_never_niks(digits):
    if not reference_codes.regency_exists(digits[:4]):
        assert not personal_data.is_nik(digits)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=datetime.date(1931, 1, 1), max_value=datetime.date(1999, 12, 31)),
       st.booleans(), st.integers(min_value=1, max_value=9999))
def test_every_well_formed_nik_is_found(born, woman, serial):
    nik = "351011%02d%02d%02d%04d" % (born.day + (40 if woman else 0), born.month,
                                       born.year % 100, serial)
    assert personal_data.is_nik(nik, TODAY)
    assert personal_data.scan_cell("NIK: " + nik)[0] == ("nik", personal_data.mask(nik))


def test_headers_duplicates_and_desa_codes(no_cap):
    """Blank and duplicate headers, a duplicate row, and the desa level: a
    code of another desa, a misspelling, an unknown code and name; a desa
    named like its kecamatan (Glagah) with an undotted code is right."""
    path = str(FIXTURES / "header_desa.csv")
    report = checks.check_file(path, "csv", validation.infer_schema(path, "csv"), PERIOD)
    assert report["validation"] == [
        {"type": "blank-label", "row": 1, "column": "field2", "column_number": 2,
         "value": None, "note": None},
        {"type": "duplicate-label", "row": 1, "column": "kecamatan", "column_number": 3,
         "value": None, "note": None},
        {"type": "duplicate-row", "row": 3, "column": None, "column_number": None,
         "value": None, "note": None},
    ]
    assert report["reference"] == [
        {"kind": "code_name_mismatch", "row": 4, "column": "kode_desa", "value": "35.10.15.2005",
         "code_name": "Olehsari", "suggestion": "35.10.15.2004", "name": "Kemiren"},
        {"kind": "spelling_variant", "row": 5, "column": "desa", "value": "Kemirenn",
         "level": "desa", "suggestion": "Kemiren", "code": "35.10.15.2004"},
        {"kind": "unknown_code", "row": 5, "column": "kode_desa", "value": "35.10.15.2099"},
        {"kind": "unknown_name", "row": 6, "column": "desa", "value": "Desa Antah",
         "level": "desa"},
    ]
    id_ = lambda m: translate(m, "id")  # noqa: E731
    assert messages.describe("validation", report["validation"][0], id_) == \
        "Kolom 2 tidak memiliki judul"
    assert messages.describe("reference", report["reference"][3], id_) == \
        'Baris 6, kolom "desa": "Desa Antah" bukan desa/kelurahan di Banyuwangi'


@settings(max_examples=300, deadline=1000)
@given(st.lists(st.lists(st.one_of(st.none(), st.text(max_size=60), st.integers(),
                                   st.floats(allow_nan=True)), min_size=0, max_size=6),
                max_size=8),
       st.lists(st.sampled_from(["kecamatan", "kode_kecamatan", "desa", "kode_desa", "tahun",
                                 "nama", "nik", "", "x"]), min_size=0, max_size=6))
def test_any_table_is_checked_without_failing(rows, header):
    """Whatever an OPD uploads, the scans answer with findings, never an exception."""
    numbered = [(i + 2, cells) for i, cells in enumerate(rows)]
    for finding in reference_codes.check_rows(header, numbered, PERIOD):
        assert finding["row"] >= 2 and finding["kind"]
    for finding in personal_data.scan_rows(header, numbered):
        assert finding["kind"] in ("nik", "nip", "phone", "email", "name")

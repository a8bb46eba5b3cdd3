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


# -- the row key of a table that declares none ------------------------------------

KUNCI = FIXTURES / "kunci_ganda.csv"
EXPECTED_KEY = [
    # "Kalibaru, 2024" twice with two population figures
    {"type": "duplicate-key", "row": 5, "column": "kecamatan, tahun", "column_number": None,
     "value": "Kalibaru, 2024", "note": None, "key": ["kecamatan", "tahun"],
     "key_values": ["Kalibaru", "2024"], "repeats_row": 3},
    # row 6 is row 4 again, cell for cell: a duplicate-row, not also a key
    {"type": "duplicate-row", "row": 6, "column": None, "column_number": None, "value": None,
     "note": None},
    # rows 9 and 10 have no kecamatan: no key to compare
    {"type": "duplicate-key", "row": 11, "column": "kecamatan, tahun", "column_number": None,
     "value": "Genteng, 2024", "note": None, "key": ["kecamatan", "tahun"],
     "key_values": ["Genteng", "2024"], "repeats_row": 7},
]


def test_the_row_key_is_inferred_from_the_dimension_columns():
    fields = lambda *typed: {"fields": [{"name": n, "type": t} for n, t in typed]}  # noqa: E731
    # region name and code, year and month, other text: the key; numbers: the measures
    assert validation.inferred_key(fields(
        ("kecamatan", "string"), ("kode_kecamatan", "integer"), ("tahun", "integer"),
        ("bulan", "integer"), ("jenis_kelamin", "string"), ("jumlah", "integer"),
        ("persen", "number"))) == ["kecamatan", "kode_kecamatan", "tahun", "bulan",
                                   "jenis_kelamin"]
    # a code column typed as a number is still a dimension
    assert validation.inferred_key(fields(("kode_kbli", "integer"), ("jumlah", "integer"))) == \
        ["kode_kbli"]
    # no measure, or no dimension: no sensible key
    assert validation.inferred_key(fields(("kecamatan", "string"), ("catatan", "string"))) is None
    assert validation.inferred_key(fields(("jumlah", "integer"), ("luas", "number"))) is None
    # a declared key is frictionless's to check
    assert validation.inferred_key(dict(fields(("kecamatan", "string"), ("jumlah", "integer")),
                                        primaryKey=["kecamatan"])) is None


def test_duplicate_key_without_a_declared_primary_key_gives_the_exact_report(no_cap):
    schema = validation.infer_schema(str(KUNCI), "csv")
    report = checks.check_file(str(KUNCI), "csv", schema, PERIOD)
    assert report["validation"] == EXPECTED_KEY
    assert report["personal"] == [] and report["rows_checked"] == 10


def test_a_declared_primary_key_keeps_frictionless_own_check(no_cap):
    schema = dict(validation.infer_schema(str(KUNCI), "csv"), primaryKey=["kecamatan", "tahun"])
    report = checks.check_file(str(KUNCI), "csv", schema, PERIOD)
    assert [(e["type"], e["row"]) for e in report["validation"]] == [
        ("primary-key", 5), ("primary-key", 6), ("duplicate-row", 6), ("primary-key", 10),
        ("primary-key", 11)]


def test_the_key_follows_the_data_dictionary_types(no_cap):
    """The DataStore's data dictionary decides what is a measure: with the
    population typed as text it is part of the key, and the two Kalibaru rows
    (63140, 63410) no longer share one."""
    dictionary = [{"id": "_id", "type": "int"}, {"id": "kecamatan", "type": "text"},
                  {"id": "tahun", "type": "text"}, {"id": "jumlah_penduduk", "type": "int4"},
                  {"id": "luas_km2", "type": "numeric"}]
    report = checks.check_file(str(KUNCI), "csv", validation.datastore_schema(dictionary), PERIOD)
    assert report["validation"] == EXPECTED_KEY
    dictionary[3]["type"] = "text"
    report = checks.check_file(str(KUNCI), "csv", validation.datastore_schema(dictionary), PERIOD)
    assert [(e["type"], e["row"]) for e in report["validation"]] == [
        ("duplicate-row", 6), ("duplicate-key", 11)]
    # all text: no measure, no key inferred, only the identical row
    for f in dictionary[1:]:
        f["type"] = "text"
    report = checks.check_file(str(KUNCI), "csv", validation.datastore_schema(dictionary), PERIOD)
    assert [(e["type"], e["row"]) for e in report["validation"]] == [("duplicate-row", 6)]


def test_key_text_is_compared_without_case_or_surrounding_spaces(no_cap, tmp_path):
    path = tmp_path / "sekolah.csv"
    path.write_text("jenjang,sekolah,murid\nSD,SDN 1 Kalibaru,210\nSD, sdn 1 kalibaru ,212\n"
                    "SMP,SDN 1 Kalibaru,210\n")
    report = checks.check_file(str(path), "csv", validation.infer_schema(str(path), "csv"))
    assert [(e["type"], e["row"], e["repeats_row"], e["key_values"])
            for e in report["validation"]] == [
        ("duplicate-key", 3, 2, ["SD", " sdn 1 kalibaru "])]


def test_duplicate_key_sentence_in_both_languages():
    id_ = lambda m: translate(m, "id")  # noqa: E731
    assert messages.describe("validation", EXPECTED_KEY[0], lambda m: m) == \
        'Row 5: the key kecamatan, tahun = "Kalibaru, 2024" repeats row 3 with other figures'
    assert messages.describe("validation", EXPECTED_KEY[0], id_) == \
        'Baris 5: kunci kecamatan, tahun = "Kalibaru, 2024" sama dengan baris 3, ' \
        'tetapi angkanya berbeda'


# -- large files: a sample over the whole file -------------------------------------

SAMPLE_HEADER = ["kecamatan", "kode_kecamatan", "tahun", "bulan", "blok", "jumlah_penduduk"]


def big_rows(count):
    """`count` clean rows: 25 kecamatan x 12 months of 2025 x survey blocks."""
    kecamatan = sorted(reference_codes.reference()["kecamatan"].values(),
                       key=lambda k: k["kode"])
    for i in range(count):
        k = kecamatan[i % 25]
        yield [k["nama"], k["kode"], 2025, 1 + (i // 25) % 12, "B%05d" % (i // 300), 1000 + i]


def big_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(SAMPLE_HEADER)
        writer.writerows(rows)
    return str(path)


SAMPLE_SCHEMA = {"fields": [{"name": "kecamatan", "type": "string"},
                            {"name": "kode_kecamatan", "type": "string"},
                            {"name": "tahun", "type": "integer"},
                            {"name": "bulan", "type": "integer"},
                            {"name": "blok", "type": "string"},
                            {"name": "jumlah_penduduk", "type": "integer"}]}


@pytest.mark.ckan_config("ckanext.satudata.quality.max_bytes", "10000")
@pytest.mark.ckan_config("ckanext.satudata.quality.sample_rows", "1000")
def test_an_error_near_the_end_of_a_large_file_is_found_on_its_row(ckan_config, tmp_path):
    """30,000 rows over a 10 kB cap, sampled to 1,000: the only error, three
    rows before the end, is in the sample under its own row number, and the
    report says it sampled, how many rows of how many, and how."""
    rows = list(big_rows(30000))
    rows[-3][5] = "tiga ribu"            # row 29,999 of the file (the header is row 1)
    path = big_csv(tmp_path / "besar.csv", rows)
    report = checks.check_file(path, "csv", SAMPLE_SCHEMA, (2025, None))
    assert report["validation"] == [
        {"type": "type-error", "row": 29999, "column": "jumlah_penduduk", "column_number": 6,
         "value": "tiga ribu", "note": None}]
    assert report["sampled"] is True
    assert report["sampling"] == {"rows_total": 30000, "rows_sampled": report["rows_checked"],
                                  "head": 100, "step": 64, "tail": 100}
    # the first 100; from the 29,900 after them every 64th (468 rows: the step
    # doubles while more than 800 would be kept); the last 100, two of which
    # the step reached already
    assert report["rows_checked"] == 100 + 468 + 100 - 2
    assert report["reference"] == [] and report["personal"] == []


@pytest.mark.ckan_config("ckanext.satudata.quality.max_bytes", "10000")
@pytest.mark.ckan_config("ckanext.satudata.quality.sample_rows", "1000")
def test_the_sample_spans_the_whole_file_under_real_row_numbers(ckan_config, tmp_path):
    rows = list(big_rows(30000))
    on_step = 100 + 64 * 200             # a data row the systematic sample reaches
    rows[on_step][1] = "35.10.99"        # an unknown code (file row on_step + 2)
    rows[on_step + 1][5] = "x"           # beside it, off the step: not in the sample
    rows[-1][:5] = rows[0][:5]           # the last row has the first row's key
    path = big_csv(tmp_path / "besar.csv", rows)
    found = validation.sample(path, "csv", 1000)
    numbers = [n for n, _ in found.rows]
    assert numbers[:100] == list(range(2, 102)) and numbers[-100:] == list(range(29902, 30002))
    assert max(b - a for a, b in zip(numbers, numbers[1:])) <= 64
    assert all(cells == [str(c) for c in rows[n - 2]] for n, cells in found.rows)
    report = checks.check_file(path, "csv", SAMPLE_SCHEMA, (2025, None))
    assert [(e["type"], e["row"], e.get("repeats_row")) for e in report["validation"]] == [
        ("duplicate-key", 30001, 2)]
    assert [(f["kind"], f["row"]) for f in report["reference"]] == [
        ("unknown_code", on_step + 2)]


@pytest.mark.ckan_config("ckanext.satudata.quality.max_bytes", "10000")
@pytest.mark.ckan_config("ckanext.satudata.quality.sample_rows", "500")
def test_a_large_xlsx_is_sampled_the_same_way(ckan_config, tmp_path):
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(SAMPLE_HEADER)
    rows = list(big_rows(6000))
    rows[-2][5] = "tiga ribu"            # row 6,000 of the sheet
    for row in rows:
        sheet.append(row)
    book.save(tmp_path / "besar.xlsx")
    report = checks.check_file(str(tmp_path / "besar.xlsx"), "xlsx", SAMPLE_SCHEMA,
                               (2025, None))
    assert [(e["type"], e["row"]) for e in report["validation"]] == [("type-error", 6000)]
    assert report["sampled"] is True
    assert report["sampling"]["rows_total"] == 6000 and report["sampling"]["tail"] == 50
    assert report["rows_checked"] == report["sampling"]["rows_sampled"] <= 500


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


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["Kalibaru", "kalibaru ", "Glenmore", "", "x,y"]),
                          st.sampled_from(["2024", "2025", "", "dua"]),
                          st.sampled_from(["1", "2", "", "tiga"])), max_size=12))
def test_each_duplicate_key_repeats_a_differing_earlier_row_with_its_key(rows):
    """Any table: a duplicate-key names an earlier row with the same key
    (without case or spaces) whose cells differ; every repeated key whose
    row is not an exact repeat is reported once."""
    import io
    import tempfile
    text = io.StringIO()
    csv.writer(text).writerows([["kecamatan", "tahun", "jumlah"], *rows])
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
        f.write(text.getvalue())
    schema = {"fields": [{"name": "kecamatan", "type": "string"},
                         {"name": "tahun", "type": "integer"},
                         {"name": "jumlah", "type": "integer"}]}
    try:
        found = [e for e in validation.validate(f.name, "csv", schema)["errors"]
                 if e["type"] == "duplicate-key"]
    finally:
        pathlib.Path(f.name).unlink()
    by_row = {n: r for n, r in enumerate(rows, start=2)}
    key = lambda r: (r[0].strip().casefold(), int(r[1]))  # noqa: E731
    # rows are compared as read: "tiga" in a number column reads as no value
    typed = lambda r: (r[0] or None, *(int(c) if c.isdigit() else None for c in r[1:]))  # noqa: E731
    expected, first, seen = [], {}, set()
    for n, r in by_row.items():
        if not r[0].strip() or not r[1].isdigit() or typed(r) in seen:
            continue   # no key (blank or unreadable), or an exact repeat (duplicate-row)
        seen.add(typed(r))
        if key(r) in first:
            expected.append((n, first[key(r)]))
        first.setdefault(key(r), n)
    assert [(e["row"], e["repeats_row"]) for e in found] == expected

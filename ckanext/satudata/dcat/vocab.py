"""Controlled vocabularies of the SDI ↔ DCAT-AP 3 mapping (docs/interoperability.md).

Pure data and small lookups: no CKAN imports, so the parser side also runs in
scripts/harvest-check outside a CKAN application.
"""
from __future__ import annotations

import os
import re

import yaml
from rdflib import Namespace

EU = "http://publications.europa.eu/resource/authority/"
FREQ = Namespace(EU + "frequency/")
ACCESS = Namespace(EU + "access-right/")
FILETYPE = Namespace(EU + "file-type/")
LANG = Namespace(EU + "language/")
DATA_THEME = Namespace(EU + "data-theme/")
IANA = "https://www.iana.org/assignments/media-types/"
PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
SDMX_ATTR = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
DQV = Namespace("http://www.w3.org/ns/dqv#")
# Properties with no DCAT-AP/SDMX equivalent. A fixed namespace (not the
# serving portal's site_url) so any harvester parses them the same way.
SDI = Namespace("https://satudata.banyuwangikab.go.id/ns/sdi#")

# A region by its Kemendagri code (Permendagri on kode wilayah), the IRI of
# dct:spatial. Kemendagri publishes no linked-data IRIs, so the portal mints
# stable ones in its fixed namespace: <WILAYAH/35.10> is Kabupaten Banyuwangi.
WILAYAH = Namespace("https://satudata.banyuwangikab.go.id/ns/wilayah/kemendagri/")


def region_iri(code):
    """The dct:spatial IRI of a Kemendagri region code ("35.10"), None without one."""
    code = (code or "").strip()
    return WILAYAH[code] if code else None


# spdx:checksum: the algorithm of a resource's `hash`. ckanext-xloader writes the
# MD5 of the file it loaded (jobs._download_resource_data); another algorithm
# only when the resource names it (`hash_algorithm`, as ckanext-dcat parses it).
SPDX = Namespace("http://spdx.org/rdf/terms#")
HASH_HEX_LENGTH = {"md5": 32, "sha1": 40, "sha224": 56, "sha256": 64, "sha384": 96,
                   "sha512": 128, "sha3_256": 64, "sha3_384": 96, "sha3_512": 128,
                   "blake2b256": 64, "blake2b384": 96, "blake2b512": 128}


def checksum(resource_dict):
    """(lower-case hex digest, SPDX algorithm IRI) of a resource, or None when
    the hash is not a digest of the file whose algorithm is known: a DCAT-AP 3
    spdx:Checksum must name its algorithm, and a wrong one is worse than none."""
    value = str(resource_dict.get("hash") or "").strip().lower()
    if not value or any(c not in "0123456789abcdef" for c in value):
        return None
    if str(resource_dict.get("datastore_contains_all_records_of_source_file")).lower() \
            == "false":
        return None  # the loader hashed only the excerpt it loaded, not the file
    named = str(resource_dict.get("hash_algorithm") or "").strip()
    if named:
        algorithm = named.rsplit("checksumAlgorithm_", 1)[-1].lower().replace("-", "")
        algorithm = {"sha3256": "sha3_256", "sha3384": "sha3_384",
                     "sha3512": "sha3_512"}.get(algorithm, algorithm)
    else:
        algorithm = "md5"  # the loader's
    if HASH_HEX_LENGTH.get(algorithm) != len(value):
        return None
    return value, SPDX["checksumAlgorithm_" + algorithm]


# Paths under the portal's site_url where the topic concept scheme is served.
TOPIC_SCHEME_PATH = "/dcat/topik"

FREQUENCY = {
    "harian": "DAILY", "mingguan": "WEEKLY", "bulanan": "MONTHLY",
    "triwulanan": "QUARTERLY", "semesteran": "ANNUAL_2", "tahunan": "ANNUAL",
    "ad_hoc": "IRREG",
}
CLASSIFICATION = {"terbuka": "PUBLIC", "terbatas": "RESTRICTED", "tertutup": "NON_PUBLIC"}

# English preferred labels of the EU authority-table concepts the profile uses
# (DCAT-AP 3 asks every skos:Concept in the graph for a skos:prefLabel).
EU_LABELS = {
    "DAILY": "daily", "WEEKLY": "weekly", "MONTHLY": "monthly", "QUARTERLY": "quarterly",
    "ANNUAL_2": "semiannual", "ANNUAL": "annual", "IRREG": "irregular",
    "PUBLIC": "public", "RESTRICTED": "restricted", "NON_PUBLIC": "non-public",
    "LocalAuthority": "Local Authority", "STABLE": "stable",
    "Attribution": "Attribution", "ShareAlike": "Share Alike",
    "PublicDomain": "Public domain", "NonCommercialUseOnly": "Non-Commercial Use Only",
}
AVAILABILITY = Namespace(EU + "planned-availability/")
LICENCE_TYPE = Namespace("http://purl.org/adms/licencetype/")
LICENSE_TYPES = {
    "cc-by": ("Attribution",), "odc-by": ("Attribution",),
    "cc-by-sa": ("Attribution", "ShareAlike"), "odc-odbl": ("Attribution", "ShareAlike"),
    "cc-zero": ("PublicDomain",), "odc-pddl": ("PublicDomain",),
    "cc-nc": ("Attribution", "NonCommercialUseOnly"),
}

# SDI topic → closest EU data theme (skos:closeMatch in the concept scheme).
TOPIC_EU_THEME = {
    "pertahanan_luar_negeri": "INTR", "ekonomi_industri": "ECON",
    "pembangunan_daerah": "REGI", "perlindungan_sosial_kesehatan": "HEAL",
    "ketertiban_umum_keselamatan": "JUST", "pendidikan_tenaga_kerja": "EDUC",
    "lingkungan_sda": "ENVI", "budaya_agama": "EDUC",
    "pemerintahan_umum": "GOVE", "pendukung_umum": "TECH",
}

# CKAN licence id ↔ canonical licence document IRI (others use CKAN's license_url).
LICENSE_IRI = {
    "cc-by": "https://creativecommons.org/licenses/by/4.0/",
    "cc-by-sa": "https://creativecommons.org/licenses/by-sa/4.0/",
    "cc-zero": "https://creativecommons.org/publicdomain/zero/1.0/",
    "cc-nc": "https://creativecommons.org/licenses/by-nc/4.0/",
    "odc-by": "https://opendatacommons.org/licenses/by/1-0/",
    "odc-odbl": "https://opendatacommons.org/licenses/odbl/1-0/",
    "odc-pddl": "https://opendatacommons.org/licenses/pddl/1-0/",
}
# The licence's title as CKAN's default licence register spells it (English msgid):
# a harvester with ckanext-dcat's stock profiles maps a dct:license to its own
# licence id by register URL or by this dct:title, and our IRIs are not in the register.
LICENSE_TITLE = {
    "cc-by": "Creative Commons Attribution",
    "cc-by-sa": "Creative Commons Attribution Share-Alike",
    "cc-zero": "Creative Commons CCZero",
    "cc-nc": "Creative Commons Non-Commercial (Any)",
    "odc-by": "Open Data Commons Attribution License",
    "odc-odbl": "Open Data Commons Open Database License (ODbL)",
    "odc-pddl": "Open Data Commons Public Domain Dedication and License (PDDL)",
}
LICENSE_ID = {iri: lid for lid, iri in LICENSE_IRI.items()}
LICENSE_ID.update({"http://www.opendefinition.org/licenses/" + lid: lid for lid in
                   ("cc-by", "cc-by-sa", "cc-zero", "odc-by", "odc-odbl", "odc-pddl", "gfdl")})

# CKAN format label → (EU file type, IANA media type)
FORMATS = {
    "CSV": ("CSV", "text/csv"),
    "XLSX": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "XLS": ("XLS", "application/vnd.ms-excel"),
    "ODS": ("ODS", "application/vnd.oasis.opendocument.spreadsheet"),
    "JSON": ("JSON", "application/json"),
    "GEOJSON": ("GEOJSON", "application/geo+json"),
    "XML": ("XML", "application/xml"),
    "PDF": ("PDF", "application/pdf"),
    "PNG": ("PNG", "image/png"),
    "JPEG": ("JPEG", "image/jpeg"),
    "JPG": ("JPEG", "image/jpeg"),
    "SVG": ("SVG", "image/svg+xml"),
    "ZIP": ("ZIP", "application/zip"),
    "DOCX": ("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "DOC": ("DOC", "application/msword"),
    "PPTX": ("PPTX", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "PPT": ("PPT", "application/vnd.ms-powerpoint"),
    "HTML": ("HTML", "text/html"),
    "TXT": ("TXT", "text/plain"),
    "SHP": ("SHP", "application/vnd.shp"),
    "KML": ("KML", "application/vnd.google-earth.kml+xml"),
    "API": ("JSON", "application/json"),
}
MEDIA_TYPE_FORMAT = {mt: label for label, (_ft, mt) in FORMATS.items() if label not in ("JPG", "API")}
FILETYPE_FORMAT = {ft: label for label, (ft, _mt) in FORMATS.items() if label not in ("JPG", "API")}

# The SDI fields every published dataset must carry through a harvest
# (period_end and measurement/concept/definition/narrative are optional in the
# schema); the producer OPD is checked apart (owner_org / dct:publisher).
SDI_REQUIRED = ("topic", "update_frequency", "period_start", "geographic_coverage",
                "presentation_level", "region_code_kemendagri", "region_code_bps",
                "unit", "classification", "license_id")
SDI_OPTIONAL = ("period_end", "measurement", "concept", "definition", "narrative")
SDI_FIELDS = SDI_REQUIRED + SDI_OPTIONAL

_SCHEMA = None


def schema():
    global _SCHEMA
    if _SCHEMA is None:
        path = os.path.join(os.path.dirname(__file__), "..", "sdi", "schemas", "dataset.yaml")
        with open(path, encoding="utf-8") as f:
            _SCHEMA = yaml.safe_load(f)
    return _SCHEMA


def choices(field_name):
    """{value: {"id": label, "en": label}} of a select field of the dataset schema."""
    for field in schema()["dataset_fields"]:
        if field["field_name"] == field_name:
            return {c["value"]: c["label"] for c in field.get("choices", [])}
    return {}


def topic_keyword(code):
    """The topic's label as a dcat:keyword a CKAN harvester can keep as a tag
    (CKAN tags allow letters, digits, space, - _ .: "&" becomes "dan")."""
    label = choices("topic").get(code, {}).get("id", "")
    return re.sub(r"[^\w .-]+", " ", label.replace("&", "dan"), flags=re.UNICODE).strip()


def field_label(field_name, lang="id"):
    for field in schema()["dataset_fields"]:
        if field["field_name"] == field_name:
            label = field.get("label")
            return label.get(lang) if isinstance(label, dict) else label
    return field_name


def format_iris(fmt, mimetype=None):
    """(EU file-type IRI or None, IANA media type IRI or None) of a CKAN resource."""
    label = (fmt or "").strip().upper().lstrip(".")
    filetype, media = FORMATS.get(label, (None, None))
    if mimetype and "/" in mimetype and not mimetype.startswith("http"):
        media = mimetype
    return (FILETYPE[filetype] if filetype else None,
            IANA + media if media else None)

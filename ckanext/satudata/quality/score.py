"""The metadata quality score of one dataset (issue 25), read from the DCAT-AP 3
graph the portal serves for it.

Five dimensions are data.europa.eu MQA's, with its points (405 in all) and
its ratings; the sixth, *Satu Data*, scores what Perpres 39/2019 and BPS's
EPSS ask of the same dataset (standar data, kode referensi, data dictionary,
update schedule). Every indicator says what it earned, its maximum and, when
short, what to fix. Reference: docs/quality.md.

Pure: ``score(graph, dataset_ref, facts)`` reads only the rdflib graph and the
few facts a graph cannot carry (does a URL answer, is the data dictionary
filled, is the dataset on schedule), gathered by the caller (quality/actions.py).
Labels and fixes are English msgids, translated where they are shown.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from rdflib import URIRef
from rdflib.namespace import RDF

from ckanext.dcat.profiles import DCAT, DCT, FOAF
from ckanext.satudata.dcat import vocab
from ckanext.satudata.i18n import N_

FINDABILITY, ACCESSIBILITY, INTEROPERABILITY = "findability", "accessibility", "interoperability"
REUSABILITY, CONTEXTUALITY, SATU_DATA = "reusability", "contextuality", "satu_data"
MQA_DIMENSIONS = (FINDABILITY, ACCESSIBILITY, INTEROPERABILITY, REUSABILITY, CONTEXTUALITY)
DIMENSIONS = MQA_DIMENSIONS + (SATU_DATA,)
DIMENSION_LABELS = {
    FINDABILITY: N_("Findability"), ACCESSIBILITY: N_("Accessibility"),
    INTEROPERABILITY: N_("Interoperability"), REUSABILITY: N_("Reusability"),
    CONTEXTUALITY: N_("Contextuality"), SATU_DATA: N_("Satu Data"),
}

# MQA's ratings over its 405 points (the Satu Data dimension is reported apart).
EXCELLENT, GOOD, SUFFICIENT, BAD = "excellent", "good", "sufficient", "bad"
RATING_LABELS = {EXCELLENT: N_("Excellent"), GOOD: N_("Good"),
                 SUFFICIENT: N_("Sufficient"), BAD: N_("Bad")}

# EU file-type codes (the tail of dct:format) MQA's lists count as
# non-proprietary and as machine-readable (the formats this portal maps).
NON_PROPRIETARY = frozenset({"CSV", "JSON", "GEOJSON", "XML", "ODS", "TXT", "HTML", "PDF",
                             "PNG", "JPEG", "SVG", "KML", "RDF_XML", "RDF_TURTLE", "GML"})
MACHINE_READABLE = frozenset({"CSV", "JSON", "GEOJSON", "XML", "XLSX", "XLS", "ODS", "KML",
                              "SHP", "RDF_XML", "RDF_TURTLE", "GML"})

SDI = vocab.SDI
SDMX_UNIT = vocab.SDMX_ATTR.unitMeasure


def rating(mqa_points: int) -> str:
    if mqa_points >= 351:
        return EXCELLENT
    if mqa_points >= 221:
        return GOOD
    if mqa_points >= 121:
        return SUFFICIENT
    return BAD


@dataclass
class Facts:
    """What the graph cannot say, gathered by the caller.

    answers: URL -> True (answers), False (did not), None (not checked yet).
    dictionary: per data resource name, the columns of its DataStore data
        dictionary missing a label or a description (where the unit is
        written); None when the dataset has no data in the DataStore.
    on_schedule: True/False from quality/schedule.py; None when the dataset
        has no schedule (ad hoc, or not yet published: not held against it).
    """
    answers: dict[str, Optional[bool]] = field(default_factory=dict)
    dictionary: Optional[dict[str, list[str]]] = None
    on_schedule: Optional[bool] = None


@dataclass
class Indicator:
    key: str
    dimension: str
    label: str
    max: int
    points: int = 0
    fix: Optional[str] = None        # msgid: what to do for the points
    fix_args: tuple = ()             # %-arguments of `fix` (names, not translated)

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "dimension": self.dimension, "label": self.label,
                "points": self.points, "max": self.max, "fix": self.fix,
                "fix_args": list(self.fix_args)}


class _Card:
    def __init__(self):
        self.indicators: list[Indicator] = []

    def check(self, key, dimension, label, points, passed, fix, *fix_args):
        if "%s" not in fix:
            fix_args = ()
        self.indicators.append(Indicator(
            key, dimension, label, points, points if passed else 0,
            None if passed else fix, tuple(fix_args) if not passed else ()))


def _names(g, distributions, failing) -> str:
    """Titles of the distributions an indicator fails on, for its fix."""
    out = []
    for d in distributions:
        if d in failing:
            out.append(str(g.value(d, DCT.title) or d))
    return ", ".join(out)


def _all(distributions, test):
    """Distribution indicators: earned when every distribution passes (none: not earned);
    returns (passed, failing)."""
    failing = [d for d in distributions if not test(d)]
    return bool(distributions) and not failing, failing


def _file_type(g, dist) -> Optional[str]:
    fmt = g.value(dist, DCT["format"])
    if isinstance(fmt, URIRef) and str(fmt).startswith(str(vocab.FILETYPE)):
        return str(fmt)[len(str(vocab.FILETYPE)):]
    return None


def _filled(g, subject, predicate) -> bool:
    return any(str(o).strip() and str(o).strip() != "-" for o in g.objects(subject, predicate))


def score(g, dataset_ref, facts: Optional[Facts] = None) -> dict[str, Any]:
    """The score card of the dataset `dataset_ref` in graph `g`."""
    facts = facts or Facts()
    card = _Card()
    dists = sorted(g.objects(dataset_ref, DCAT.distribution), key=str)

    def names(failing):
        return _names(g, dists, failing)

    # -- findability (100)
    card.check("keyword", FINDABILITY, N_("Keywords"), 30,
               (dataset_ref, DCAT.keyword, None) in g, N_("Add keywords (tags)."))
    card.check("theme", FINDABILITY, N_("Theme"), 30,
               (dataset_ref, DCAT.theme, None) in g, N_("Choose the topic."))
    card.check("spatial", FINDABILITY, N_("Spatial coverage"), 20,
               (dataset_ref, DCT.spatial, None) in g,
               N_("Fill in the geographic coverage and the region codes."))
    card.check("temporal", FINDABILITY, N_("Temporal coverage"), 20,
               (dataset_ref, DCT.temporal, None) in g, N_("Fill in the period covered."))

    # -- accessibility (100)
    def answers(predicate):
        def test(d):
            urls = list(g.objects(d, predicate))
            return bool(urls) and all(facts.answers.get(str(u)) is True for u in urls)
        return test

    ok, failing = _all(dists, answers(DCAT.accessURL))
    card.check("access_url_answers", ACCESSIBILITY, N_("Access URL answers"), 50, ok,
               N_("The link or file of these resources does not answer (or was not "
                  "checked yet): %s.") if dists else N_("Add a resource."), names(failing))
    ok, failing = _all(dists, lambda d: (d, DCAT.downloadURL, None) in g)
    card.check("download_url", ACCESSIBILITY, N_("Download URL given"), 20, ok,
               N_("Give a direct download link (or upload the file) for: %s.")
               if dists else N_("Add a resource."), names(failing))
    ok, failing = _all(dists, answers(DCAT.downloadURL))
    card.check("download_url_answers", ACCESSIBILITY, N_("Download URL answers"), 30, ok,
               N_("The download link of these resources does not answer (or was not "
                  "checked yet): %s.") if dists else N_("Add a resource."), names(failing))

    # -- interoperability (110)
    add = N_("Add a resource.")
    ok, failing = _all(dists, lambda d: (d, DCT["format"], None) in g)
    card.check("format", INTEROPERABILITY, N_("Format"), 20, ok,
               N_("Give the format of: %s.") if dists else add, names(failing))
    ok, failing = _all(dists, lambda d: (d, DCAT.mediaType, None) in g)
    card.check("media_type", INTEROPERABILITY, N_("Media type"), 10, ok,
               N_("Use a format with a known media type for: %s.") if dists else add,
               names(failing))
    ok, failing = _all(dists, lambda d: _file_type(g, d) is not None or str(
        g.value(d, DCAT.mediaType) or "").startswith(vocab.IANA))
    card.check("format_vocabulary", INTEROPERABILITY,
               N_("Format or media type from a vocabulary"), 10, ok,
               N_("Use a format from the list (CSV, XLSX, JSON, …) for: %s.") if dists else add,
               names(failing))
    ok, failing = _all(dists, lambda d: _file_type(g, d) in NON_PROPRIETARY)
    card.check("non_proprietary", INTEROPERABILITY, N_("Non-proprietary format"), 20, ok,
               N_("Also offer an open format (e.g. CSV) for: %s.") if dists else add,
               names(failing))
    ok, failing = _all(dists, lambda d: _file_type(g, d) in MACHINE_READABLE)
    card.check("machine_readable", INTEROPERABILITY, N_("Machine-readable format"), 20, ok,
               N_("Also offer a machine-readable format (CSV, XLSX, JSON) for: %s.")
               if dists else add, names(failing))
    missing = _dcat_ap_missing(g, dataset_ref, dists)
    card.check("dcat_ap", INTEROPERABILITY, N_("DCAT-AP compliance"), 30, not missing,
               N_("The DCAT-AP record lacks: %s."), ", ".join(missing))

    # -- reusability (75)
    lic = g.value(dataset_ref, DCT.license)
    card.check("licence", REUSABILITY, N_("Licence"), 20, lic is not None,
               N_("Choose a licence."))
    card.check("licence_vocabulary", REUSABILITY, N_("Licence from a vocabulary"), 10,
               lic is not None and str(lic) in vocab.LICENSE_ID,
               N_("Choose a licence from the list (e.g. CC-BY 4.0)."))
    access = g.value(dataset_ref, DCT.accessRights)
    card.check("access_rights", REUSABILITY, N_("Access rights"), 10, access is not None,
               N_("Choose the data classification."))
    card.check("access_rights_vocabulary", REUSABILITY, N_("Access rights from a vocabulary"),
               5, access is not None and str(access).startswith(str(vocab.ACCESS)),
               N_("Choose the data classification."))
    card.check("contact_point", REUSABILITY, N_("Contact point"), 20,
               (dataset_ref, DCAT.contactPoint, None) in g,
               N_("Give a contact, or the OPD's email."))
    card.check("publisher", REUSABILITY, N_("Publisher"), 10,
               (dataset_ref, DCT.publisher, None) in g, N_("Choose the producing OPD."))

    # -- contextuality (20)
    ok, failing = _all(dists, lambda d: (d, DCT.rights, None) in g)
    card.check("rights", CONTEXTUALITY, N_("Rights"), 5, ok,
               N_("State the rights of: %s.") if dists else add, names(failing))
    ok, failing = _all(dists, lambda d: (d, DCAT.byteSize, None) in g)
    card.check("byte_size", CONTEXTUALITY, N_("File size"), 5, ok,
               N_("Upload the file (its size is then known) for: %s.") if dists else add,
               names(failing))
    card.check("issued", CONTEXTUALITY, N_("Date issued"), 5,
               (dataset_ref, DCT.issued, None) in g, N_("The dataset has no issue date."))
    card.check("modified", CONTEXTUALITY, N_("Date modified"), 5,
               (dataset_ref, DCT.modified, None) in g,
               N_("The dataset has no modification date."))

    # -- Satu Data (100): Standar Data, Kode Referensi, data dictionary, schedule
    for key, predicate, label, fix in (
            ("konsep", SDI.konsep, N_("Concept (konsep)"), N_("Fill in the concept.")),
            ("definisi", SDI.definisi, N_("Definition (definisi)"),
             N_("Fill in the definition.")),
            ("klasifikasi", DCT.accessRights, N_("Classification (klasifikasi)"),
             N_("Choose the data classification.")),
            ("ukuran", SDI.ukuran, N_("Measurement (ukuran)"), N_("Fill in the measurement.")),
            ("satuan", SDMX_UNIT, N_("Unit (satuan)"), N_("Fill in the unit."))):
        card.check(key, SATU_DATA, label, 10, _filled(g, dataset_ref, predicate), fix)
    codes = _region_codes(g, dataset_ref)
    card.check("kode_referensi", SATU_DATA, N_("Reference codes (kode referensi)"), 15,
               {"kemendagri", "bps"} <= codes,
               N_("Give the Kemendagri and BPS region codes."))
    dictionary = facts.dictionary
    incomplete = sorted(name for name, cols in (dictionary or {}).items() if cols)
    card.check("data_dictionary", SATU_DATA, N_("Data dictionary with units"), 20,
               bool(dictionary) and not incomplete,
               N_("Load the data into the DataStore and describe every column (label, and "
                  "the unit in its description).") if not dictionary else
               N_("Describe every column (label, and the unit in its description) of: %s."),
               ", ".join(incomplete))
    card.check("on_schedule", SATU_DATA, N_("Updated on schedule"), 15,
               facts.on_schedule is not False,
               N_("The update is overdue: publish the new data."))
    return summarise(card.indicators)


def summarise(indicators: list[Indicator]) -> dict[str, Any]:
    dimensions = {}
    for dim in DIMENSIONS:
        own = [i for i in indicators if i.dimension == dim]
        dimensions[dim] = {"label": DIMENSION_LABELS[dim],
                           "points": sum(i.points for i in own),
                           "max": sum(i.max for i in own)}
    mqa = sum(dimensions[d]["points"] for d in MQA_DIMENSIONS)
    mqa_max = sum(dimensions[d]["max"] for d in MQA_DIMENSIONS)
    return {
        "mqa_points": mqa, "mqa_max": mqa_max, "rating": rating(mqa),
        "rating_label": RATING_LABELS[rating(mqa)],
        "satu_data_points": dimensions[SATU_DATA]["points"],
        "satu_data_max": dimensions[SATU_DATA]["max"],
        "points": mqa + dimensions[SATU_DATA]["points"],
        "max": mqa_max + dimensions[SATU_DATA]["max"],
        "dimensions": dimensions,
        "indicators": [i.as_dict() for i in indicators],
    }


def _region_codes(g, dataset_ref) -> set[str]:
    from ckanext.dcat.profiles import ADMS
    from rdflib.namespace import SKOS
    found = set()
    for location in g.objects(dataset_ref, DCT.spatial):
        for identifier in g.objects(location, ADMS.identifier):
            notation = g.value(identifier, SKOS.notation)
            if notation is None or not str(notation).strip():
                continue
            if notation.datatype == vocab.SDI.kodeKemendagri:
                found.add("kemendagri")
            elif notation.datatype == vocab.SDI.kodeBPS:
                found.add("bps")
    return found


def _dcat_ap_missing(g, dataset_ref, dists) -> list[str]:
    """The DCAT-AP 3 mandatory properties (the SHACL shapes' sh:minCount 1) the
    record lacks; the full SHACL validation of the profile runs in tests/sdi."""
    missing = []
    if (dataset_ref, RDF.type, DCAT.Dataset) not in g:
        missing.append("rdf:type dcat:Dataset")
    for predicate, name in ((DCT.title, "dct:title"), (DCT.description, "dct:description")):
        if not _filled(g, dataset_ref, predicate):
            missing.append(name)
    for d in dists:
        if (d, DCAT.accessURL, None) not in g:
            missing.append("dcat:accessURL (%s)" % (g.value(d, DCT.title) or d))
    publisher = g.value(dataset_ref, DCT.publisher)
    if publisher is not None and (publisher, FOAF.name, None) not in g:
        missing.append("foaf:name (dct:publisher)")
    return missing

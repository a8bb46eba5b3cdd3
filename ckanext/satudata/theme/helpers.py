"""Template helpers of the theme: home page tiles and the SDI metadata block."""
from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.helpers import lang as current_lang

from ckanext.satudata.i18n import N_

TOPIC_ICONS = {
    "pertahanan_luar_negeri": "fa-shield-halved", "ekonomi_industri": "fa-industry",
    "pembangunan_daerah": "fa-city", "perlindungan_sosial_kesehatan": "fa-heart-pulse",
    "ketertiban_umum_keselamatan": "fa-scale-balanced",
    "pendidikan_tenaga_kerja": "fa-graduation-cap", "lingkungan_sda": "fa-leaf",
    "budaya_agama": "fa-landmark", "pemerintahan_umum": "fa-building-columns",
    "pendukung_umum": "fa-toolbox",
}


def _field(name: str) -> dict[str, Any]:
    from ckanext.scheming.helpers import scheming_get_dataset_schema
    schema = scheming_get_dataset_schema("dataset") or {}
    return next((f for f in schema.get("dataset_fields", []) if f["field_name"] == name), {})


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return value.get(current_lang()) or value.get("id") or next(iter(value.values()), "")
    return value or ""


def _choice_label(name: str, value: Any) -> str:
    for choice in _field(name).get("choices", []):
        if choice["value"] == value:
            return _text(choice["label"])
    return value or ""


def _search(**params: Any) -> dict[str, Any]:
    # as the visitor: the counts are what this person may see
    return tk.get_action("package_search")({}, dict({"rows": 0}, **params))


def satudata_home_topics() -> list[dict[str, Any]]:
    """The 10 national topics with the number of datasets the visitor sees."""
    facets = _search(**{"facet.field": '["topic"]', "facet.limit": 20})
    counts = (facets.get("facets") or {}).get("topic", {})
    return [{"value": c["value"], "label": _text(c["label"]), "count": counts.get(c["value"], 0),
             "icon": TOPIC_ICONS.get(c["value"], "fa-folder")}
            for c in _field("topic").get("choices", [])]


def satudata_home_opds(limit: int = 8) -> list[dict[str, Any]]:
    """The OPDs with the most datasets the visitor may see, then the others
    by name: the counts from one facet search as the visitor, the names from
    one query. (Core's organization_list with all_fields dictized each OPD,
    ~18 statements on every home page render.)"""
    counts = _search(**{"facet.field": '["owner_org"]', "facet.limit": -1}) \
        .get("facets", {}).get("owner_org", {})
    opds = model.Session.query(model.Group).filter(
        model.Group.is_organization.is_(True), model.Group.state == "active").all()
    opds.sort(key=lambda opd: (-counts.get(opd.id, 0), (opd.display_name or "").lower()))
    return [{"id": opd.id, "name": opd.name, "display_name": opd.display_name,
             "package_count": counts.get(opd.id, 0)} for opd in opds[:limit]]


def satudata_latest_datasets(limit: int = 6) -> list[dict[str, Any]]:
    return _search(rows=limit, sort="metadata_created desc")["results"]


def satudata_latest_infographics(limit: int = 4) -> list[dict[str, Any]]:
    """Infographic resources of the newest datasets the visitor sees."""
    found = []
    for pkg in _search(rows=30, sort="metadata_modified desc")["results"]:
        for res in pkg.get("resources", []):
            if res.get("resource_type") == "infografis":
                found.append({"pkg": pkg, "res": res})
        if len(found) >= limit:
            break
    return found[:limit]


SDI_FIELDS = ("owner_org", "topic", "update_frequency", "period", "geographic_coverage",
              "presentation_level", "region_code_kemendagri", "region_code_bps", "unit",
              "measurement", "classification")


def satudata_sdi_rows(pkg: dict[str, Any]) -> list[dict[str, str]]:
    """The Satu Data Indonesia metadata as (label, value, explanation) rows in
    the page language: choice labels, the period as a range, codes explained."""
    rows = []
    for name in SDI_FIELDS:
        if name == "period":
            start, end = pkg.get("period_start"), pkg.get("period_end")
            if not start:
                continue
            value = start if not end or end == start else "%s–%s" % (start, end)
            rows.append({"label": tk._("Period covered"), "value": value, "note": ""})
            continue
        if name == "owner_org":
            org = pkg.get("organization") or {}
            if org:
                rows.append({"label": _text(_field(name).get("label")) or tk._("Data producer"),
                             "value": org.get("title") or org.get("name"), "note": ""})
            continue
        value = pkg.get(name)
        if value in (None, "", [], {}):
            continue
        note = ""
        if name == "region_code_kemendagri":
            note = tk._("Kemendagri region code of %(region)s") % {
                "region": pkg.get("geographic_coverage") or ""}
        elif name == "region_code_bps":
            note = tk._("BPS (Statistics Indonesia) region code of %(region)s") % {
                "region": pkg.get("geographic_coverage") or ""}
        rows.append({"label": _text(_field(name).get("label")),
                     "value": _choice_label(name, value), "note": note})
    return rows


# the fields the SDI block shows, left out of the "Additional Info" table
# below it (one place for each piece of metadata)
SDI_SHOWN = ("owner_org", "topic", "update_frequency", "period_start", "period_end",
             "geographic_coverage", "presentation_level", "region_code_kemendagri",
             "region_code_bps", "unit", "measurement", "classification", "narrative")


def satudata_sdi_field_names() -> list[str]:
    return list(SDI_SHOWN)


def satudata_related_datasets(pkg: dict[str, Any], limit: int = 4) -> list[dict[str, Any]]:
    """Datasets of the same topic, then of the same OPD, that the visitor
    may see: through package_search as the visitor, so nothing unpublished
    appears."""
    found: dict[str, dict[str, Any]] = {}
    queries = []
    if pkg.get("topic"):
        queries.append('topic:"%s"' % str(pkg["topic"]).replace('"', ""))
    org = (pkg.get("organization") or {}).get("name")
    if org:
        queries.append('organization:"%s"' % org.replace('"', ""))
    for fq in queries:
        for result in _latest_of(fq, limit + 1):
            if result["id"] != pkg.get("id") and len(found) < limit:
                found.setdefault(result["id"], result)
    return list(found.values())


def _latest_of(fq: str, rows: int) -> list[dict[str, Any]]:
    """The latest datasets of a topic or an OPD the visitor may see, as the
    related list shows them, kept for visitors: every dataset page of a
    topic asks the same two searches."""
    def latest():
        return [{"id": r["id"], "name": r["name"], "title": r.get("title"),
                 "organization": {"title": (r.get("organization") or {}).get("title")}
                 if r.get("organization") else None}
                for r in _search(fq=fq, rows=rows, sort="metadata_modified desc")["results"]]
    from ckanext.satudata.page_cache import store
    return store.remembered_for_visitors("related", (fq, rows), latest)


def satudata_citation(pkg: dict[str, Any], year: str | None = None) -> str:
    """How to cite the dataset: the OPD, the year, the title, the portal and
    the address (a plain line a reader copies)."""
    org = (pkg.get("organization") or {}).get("title") or ""
    year = year or (pkg.get("metadata_modified") or "")[:4]
    url = tk.url_for("dataset.read", id=pkg["name"], _external=True)
    parts = [p for p in (org, "(%s)" % year if year else "", ) if p]
    return "%s. %s. %s. %s" % (" ".join(parts), pkg.get("title") or pkg["name"],
                                tk.config.get("ckan.site_title") or "", url)


def satudata_whatsapp_link(pkg: dict[str, Any]) -> str:
    from urllib.parse import quote
    url = tk.url_for("dataset.read", id=pkg["name"], _external=True)
    return "https://wa.me/?text=" + quote("%s %s" % (pkg.get("title") or pkg["name"], url))


def satudata_infographic(pkg: dict[str, Any]) -> dict[str, Any] | None:
    return next((r for r in pkg.get("resources", []) if r.get("resource_type") == "infografis"),
                None)


def satudata_next_step(workflow: dict[str, Any]) -> str:
    """The workflow's next step in plain words, for the person looking at it."""
    steps = {
        "konsep": tk._("The Subkoordinator assigns a staff member to prepare the data."),
        "penyusunan": tk._("The assigned staff member prepares the data, its narrative and "
                           "infographic, then submits them for review."),
        "dikembalikan": tk._("The assigned staff member revises the data following the notes, "
                             "then submits it again."),
        "diajukan": tk._("The Subkoordinator reviews it: approve (paraf) or return with notes."),
        "disetujui_subkoord": tk._("The Head of the statistics division reviews it: approve "
                                   "(paraf) or return with notes."),
        "disetujui_kabid": tk._("The staff member publishes it on the portal."),
        "terbit": tk._("Published. An edit goes through review while this version stays online."),
    }
    text = steps.get(workflow.get("state"), "")
    if workflow.get("state") == "terbit":
        return text
    # withdraw and discard are open to reviewers in every state of a live
    # dataset; they are exits, not the step the SOP waits for
    moves = set(workflow.get("allowed_transitions") or ()) - {"withdraw", "discard"}
    if moves:
        return tk._("Your turn.") + " " + text
    return tk._("Waiting for someone else.") + " " + text


# The resource's own fields CKAN lists under "Additional Information" by their
# raw keys ("has views", "state"): labels in the page language instead.
RESOURCE_KEY_LABELS = {
    "has views": N_("Has views"),
    "state": N_("State"),
    "datastore active": N_("In the DataStore"),
    "datastore contains all records of source file": N_("DataStore holds every row of the file"),
    "id": N_("Resource ID"),
    "package id": N_("Dataset ID"),
    "position": N_("Position"),
    "size": N_("Size"),
    "url type": N_("URL type"),
    "mimetype": N_("Media type"),
    "mimetype inner": N_("Inner media type"),
    "hash": N_("Hash"),
    "cache url": N_("Cache URL"),
    "cache last updated": N_("Cache last updated"),
    "resource type": N_("Resource type"),
    "on same domain": N_("On the same domain"),
    "original url": N_("Original URL"),
    "ignore hash": N_("Ignore hash"),
}


def satudata_resource_key_label(key: str) -> str:
    label = RESOURCE_KEY_LABELS.get(key)
    return tk._(label) if label else key.capitalize()


# Values of those fields that are words of CKAN's, not data.
RESOURCE_VALUE_LABELS = {"True": N_("Yes"), "False": N_("No"), "active": N_("Active"),
                         "upload": N_("Uploaded file"), "data": N_("Data")}


def satudata_resource_value(key: str, value: Any) -> Any:
    label = RESOURCE_VALUE_LABELS.get(value) if isinstance(value, str) and key in (
        "has views", "datastore active", "datastore contains all records of source file",
        "state", "url type", "resource type", "on same domain", "ignore hash") else None
    return tk._(label) if label else value


def satudata_contact_email() -> str:
    return tk.config.get("ckanext.satudata.contact_email") or "diskominfo@banyuwangikab.go.id"


def get_helpers():
    from ckanext.satudata.theme import dashboard
    found = {name: fn for name, fn in globals().items()
             if name.startswith("satudata_") and callable(fn)}
    found["satudata_my_work"] = dashboard.satudata_my_work
    found["satudata_waiting"] = dashboard.satudata_waiting
    found["satudata_new_activities"] = dashboard.satudata_new_activities
    return found

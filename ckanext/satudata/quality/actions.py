"""`satudata_quality_show {id}`: the quality of one dataset (issue 25).

Whoever may read the dataset (``package_show`` through the read guard) may
read its quality: a dataset the caller cannot see answers as missing. The
score is computed from the DCAT-AP 3 graph the portal serves for exactly the
version the caller reads (quality/score.py), with the update schedule
(quality/schedule.py).
"""
from __future__ import annotations

import os
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.i18n import bilingual
from ckanext.satudata.quality import schedule, score as scoring
from ckanext.satudata.workflow import schema

LINK_TASK = "satudata_link_check"


_PROFILES: dict[tuple, list] = {}
_SERIALIZER: list = []


def _serializer():
    """ckanext-dcat's serializer with the configured profiles, their classes
    looked up once per profile list (each lookup reads every installed entry
    point: ~40 ms a dataset)."""
    if not _SERIALIZER:
        from ckanext.dcat.processors import RDFSerializer

        class Serializer(RDFSerializer):
            def _load_profiles(self, profile_names):
                key = tuple(profile_names)
                if key not in _PROFILES:
                    _PROFILES[key] = super()._load_profiles(profile_names)
                return _PROFILES[key]
        _SERIALIZER.append(Serializer)
    return _SERIALIZER[0]()


def dataset_graph(pkg_dict: dict[str, Any], org_cache: Optional[dict] = None):
    """(graph, dataset_ref) as ckanext-dcat's serializer writes the dataset with
    the configured profiles (``ckanext.dcat.rdf.profiles``). `org_cache`, shared
    over a batch, spares the satudata profile one organization_show per dataset
    (it keeps its OPDs on the graph, dcat/profile.py)."""
    serializer = _serializer()
    if org_cache is not None:
        serializer.g.__dict__["_satudata_orgs"] = org_cache
    ref = serializer.graph_from_dataset(pkg_dict)
    return serializer.g, ref


def _upload_exists(resource: dict[str, Any]) -> bool:
    from ckan.lib import uploader
    try:
        path = uploader.get_resource_uploader(resource).get_path(resource["id"])
    except Exception:  # noqa: BLE001 - a storage the portal cannot read: not answering
        return False
    return bool(path) and os.path.isfile(path)


def link_results(resource_ids: list[str]) -> dict[tuple[str, str], Optional[bool]]:
    """The background link check's last answers: (resource id, url) -> bool."""
    if not resource_ids:
        return {}
    rows = model.Session.query(model.TaskStatus).filter(
        model.TaskStatus.entity_id.in_(resource_ids),
        model.TaskStatus.task_type == LINK_TASK).all()
    return {(r.entity_id, r.key): r.value == "ok" for r in rows}


def answers(pkg_dict: dict[str, Any], g) -> dict[str, Optional[bool]]:
    """Does each distribution URL answer? Never an HTTP call here: an uploaded
    file answers when it exists in the portal's storage; a link answers as the
    background link check (`ckan satudata quality check-links`) last found it,
    and is unknown (no points) until checked."""
    from ckanext.dcat.profiles import DCAT
    from ckanext.dcat.utils import resource_uri
    from rdflib import URIRef
    resources = pkg_dict.get("resources") or []
    checked = link_results([r["id"] for r in resources if r.get("id")])
    out: dict[str, Optional[bool]] = {}
    for res in resources:
        dist = URIRef(resource_uri(res))
        urls = [str(u) for p in (DCAT.accessURL, DCAT.downloadURL) for u in g.objects(dist, p)]
        for url in urls:
            if res.get("url_type") == "upload":
                out[url] = _upload_exists(res)
            else:
                out[url] = checked.get((res.get("id"), url))
    return out


def dictionary(pkg_dict: dict[str, Any]) -> Optional[dict[str, list[str]]]:
    """Per data resource in the DataStore: its columns without a label or a
    description in the data dictionary. None without DataStore data."""
    if not any(r.get("datastore_active") for r in pkg_dict.get("resources") or []):
        return None
    try:
        info_action = tk.get_action("datastore_info")
    except KeyError:
        return None
    out = {}
    for res in pkg_dict["resources"]:
        if not res.get("datastore_active") or res.get("resource_type") not in (None, "", "data"):
            continue
        try:
            # the columns and their labels only: the table's size and row
            # count cost a query each (the database's size walks its files)
            info = info_action({"ignore_auth": True}, {"id": res["id"], "include_meta": False,
                                                       "include_fields_schema": False})
        except (tk.ObjectNotFound, tk.ValidationError):
            continue
        missing = []
        for f in info.get("fields") or []:
            if f.get("id") == "_id":
                continue
            extra = f.get("info") or {}
            if not (extra.get("label") or "").strip() or not (extra.get("notes") or "").strip():
                missing.append(f["id"])
        out[res.get("name") or res["id"]] = missing
    return out or None


_UNSET: Any = object()


def quality_of(pkg_dict: dict[str, Any], plan: Any = _UNSET,
               org_cache: Optional[dict] = None) -> dict[str, Any]:
    """Score and schedule of a dataset dict the caller may read (`plan`: its
    schedule row when the caller already has it)."""
    g, ref = dataset_graph(pkg_dict, org_cache)
    if plan is _UNSET:
        plan = schedule.for_dataset(pkg_dict["id"])
    on_schedule = None if plan is None or plan["due"] is None else plan["status"] != schedule.OVERDUE
    card = scoring.score(g, ref, scoring.Facts(
        answers=answers(pkg_dict, g), dictionary=dictionary(pkg_dict), on_schedule=on_schedule))
    return {"id": pkg_dict["id"], "name": pkg_dict["name"], "score": card,
            "schedule": _schedule_out(plan)}


def _schedule_out(plan: Optional[dict[str, Any]]) -> Optional[dict[str, Any]]:
    if plan is None:
        return None
    return {"update_frequency": plan["update_frequency"],
            "last_published": plan["last_published"].isoformat()
            if plan["last_published"] else None,
            "next_due": plan["due"].isoformat() if plan["due"] else None,
            "status": plan["status"]}


def _tr(msgid: str) -> str:
    return tk._(msgid)   # msgids marked N_ in score.py; a name here, not a literal


def translated(card: dict[str, Any]) -> dict[str, Any]:
    """The card's labels and fixes in the page language."""
    out = dict(card, rating_label=_tr(card["rating_label"]))
    out["dimensions"] = {k: dict(v, label=_tr(v["label"])) for k, v in card["dimensions"].items()}
    rows = []
    for i in card["indicators"]:
        fix = _tr(i["fix"]) if i["fix"] else None
        if fix and i["fix_args"]:
            fix = fix % tuple(i["fix_args"])
        rows.append(dict(i, label=_tr(i["label"]), fix=fix))
    out["indicators"] = rows
    return out


@tk.side_effect_free
@schema.guarded   # no NUL, lone surrogate or non-text reference: a 409, not a 500
def satudata_quality_show(context, data_dict):
    """The quality of one dataset: metadata score (MQA's five dimensions and a
    Satu Data dimension, each indicator with what to fix) and update schedule.

    :param id: dataset id or name
    """
    tk.check_access("satudata_quality_show", context, data_dict)
    ref = (data_dict or {}).get("id")
    if not isinstance(ref, str) or not ref.strip():
        raise tk.ValidationError({"id": [bilingual("Missing value")]})
    show_context = {k: context[k] for k in ("user", "auth_user_obj", "ignore_auth")
                    if k in context}
    pkg_dict = tk.get_action("package_show")(show_context, {"id": ref.strip()})
    result = quality_of(pkg_dict)
    result["score"] = translated(result["score"])
    # the checks of the content under review (quality/checks, issues 25, 26):
    # for those who see the workflow panel; the content may be an unpublished revision
    try:
        tk.check_access("satudata_dataset_workflow_show", dict(show_context),
                        {"id": pkg_dict["id"]})
    except tk.NotAuthorized:
        result["checks"] = None
    else:
        from ckanext.satudata.quality.checks import latest_report
        result["checks"] = latest_report(pkg_dict["id"])
    return result


@tk.auth_allow_anonymous_access
def auth_satudata_quality_show(context, data_dict):
    """Anyone: the action reads the dataset as the caller (package_show), so
    what they cannot see answers as missing."""
    return {"success": True}


auth_satudata_quality_show.__name__ = "satudata_quality_show"


# -- template helpers (the dataset page: badge, review panel, next update) -----------

def satudata_quality_score(pkg_dict: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The score card of the dataset the page shows (the page has already
    decided the visitor may read it), in the page language; None if it cannot
    be computed (logged: the page still renders)."""
    if not pkg_dict or not pkg_dict.get("id"):
        return None
    from ckanext.satudata.page_cache import store

    def card():
        result = quality_of(pkg_dict)
        return dict(translated(result["score"]), schedule=result["schedule"])
    try:
        # kept like a page (~120 ms to compute): the dict the page shows, in
        # its language, until a write a page could show (page_cache/)
        return store.remembered("quality-score", (pkg_dict, tk.h.lang()), card)
    except Exception:  # noqa: BLE001 - a score is never worth a broken dataset page
        import logging
        logging.getLogger(__name__).exception("quality score of %s", pkg_dict.get("id"))
        return None


def satudata_update_schedule(package_id: str) -> Optional[dict[str, Any]]:
    """Next due date and status of a published dataset (None otherwise)."""
    return _schedule_out(schedule.for_dataset(package_id)) if package_id else None


RATING_COLOURS = {"excellent": "success", "good": "primary", "sufficient": "warning",
                  "bad": "danger"}


def satudata_quality_colour(rating: str) -> str:
    return RATING_COLOURS.get(rating, "secondary")

"""Workflow 1 persistence and effects: the workflow row, the log, content
hashes, held revisions. Rules come from ``ckanext.satudata.dissemination.rules``."""
from __future__ import annotations

import contextvars
import copy
import datetime
import hashlib
import json
import logging
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

import ckan.logic as logic
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.workflow import clock, sla as workflow_sla, roles
from ckanext.satudata.dissemination import rules as d
from ckanext.satudata.model import dataset_transition_log as log_table
from ckanext.satudata.model import dataset_workflow as wf_table
from ckanext.satudata.dissemination import revision_files

log = logging.getLogger(__name__)

# Context flags set by this module when it calls CKAN's own actions.
APPLYING = "satudata_applying_revision"
DRY_RUN = "satudata_dry_run"
LIVE = "satudata_live"   # package_show of the live version, even for_update

# Keys a client may send but only the workflow sets (SPEC "No bypass").
WORKFLOW_KEYS = ("private",)
WORKFLOW_PREFIX = "satudata_"

PUBLISHED_DELETE_REFUSED = (
    "Dataset yang sudah terbit tidak dapat dihapus; Subkoord atau Kabid dapat menariknya "
    "dari publikasi (withdraw) dengan alasan / A published dataset cannot be deleted; the "
    "Subkoord or the Kabid can withdraw it from publication with a reason")

PUBLISHED_MOVE_REFUSED = (
    "Memindahkan dataset terbit ke OPD lain adalah perubahan yang direview: ubah "
    "Produsen Data pada formulir dataset / Moving a published dataset to another agency is "
    "a reviewed change: edit the producer on the dataset form")

# How a reviewer's waiver of the quality report reads in the log (issue 25).
WAIVER_PREFIX = "Pengecualian mutu / Quality waiver: "

# The form's hidden field naming the revision it was opened on.
REVISION_BASE = "satudata_revision_base"
REVISION_CONFLICT = (
    "Revisi ini telah diubah orang lain sejak formulir dibuka; muat ulang halaman dan "
    "terapkan kembali perubahan Anda / Someone else changed this revision since the form "
    "was opened; reload the page and apply your changes again")

# Fields that change without the content changing.
_VOLATILE = {"metadata_modified", "metadata_created", "revision_id", "state", "private",
             "num_resources", "num_tags", "organization", "tracking_summary", "isopen",
             "license_title", "license_url", "relationships_as_object",
             "relationships_as_subject", "creator_user_id", "groups"}
_VOLATILE_RESOURCE = {"metadata_modified", "created", "revision_id", "state",
                      "tracking_summary", "datastore_active", "cache_last_updated",
                      "package_id", "position",
                      "datastore_contains_all_records_of_source_file"}


def _filled(value: Any) -> bool:
    # a form sends "" where the API has null: neither is content
    return value not in (None, "", [], {})


def _resource_content(resource: dict[str, Any]) -> dict[str, Any]:
    content = {k: v for k, v in resource.items()
               if k not in _VOLATILE_RESOURCE and _filled(v)}
    if resource.get("url_type") == "upload" and isinstance(content.get("url"), str):
        # package_show makes an upload's URL absolute, with the site URL and the
        # page's language prefix: only the file's name is content
        content["url"] = content["url"].rstrip("/").rsplit("/", 1)[-1]
    return content


def content_of(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """The part of a dataset a sign-off vouches for: metadata and resources."""
    content = {k: v for k, v in pkg_dict.items()
               if k not in _VOLATILE and not k.startswith(WORKFLOW_PREFIX) and _filled(v)}
    content["resources"] = [_resource_content(r) for r in pkg_dict.get("resources") or []]
    content["tags"] = sorted(t["name"] for t in pkg_dict.get("tags") or [])
    return content


def content_hash(pkg_dict: dict[str, Any]) -> str:
    canonical = json.dumps(content_of(pkg_dict), sort_keys=True, ensure_ascii=False,
                           default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def show_fresh(package_id: str) -> dict[str, Any]:
    """package_show bypassing the search-index cache (it may lag within a transaction)."""
    return logic.get_action("package_show")(
        {"ignore_auth": True, "use_cache": False, "for_view": False, LIVE: True},
        {"id": package_id})


def strip_workflow_keys(data_dict: dict[str, Any]) -> list[str]:
    """Drop what only the workflow may set; returns the keys dropped."""
    dropped = [k for k in list(data_dict)
               if k in WORKFLOW_KEYS or k.startswith(WORKFLOW_PREFIX)]
    for key in dropped:
        data_dict.pop(key)
    extras = data_dict.get("extras")
    if isinstance(extras, list):
        kept = [e for e in extras if not str(e.get("key", "")).startswith(WORKFLOW_PREFIX)]
        if len(kept) != len(extras):
            dropped.append("extras:satudata_*")
            data_dict["extras"] = kept
    return dropped


# -- rows ------------------------------------------------------------------

def get_row(package_id: str, lock: bool = False) -> Optional[sa.Row]:
    query = sa.select(wf_table).where(wf_table.c.package_id == package_id)
    if lock:
        query = query.with_for_update()
    return model.Session.execute(query).first()


def ensure_row(package_id: str, lock: bool = False) -> sa.Row:
    """The workflow row; a dataset that predates the extension is adopted as
    published if it was public, otherwise as a concept."""
    row = get_row(package_id, lock)
    if row is not None:
        return row
    pkg = model.Package.get(package_id)
    published = bool(pkg is not None and not pkg.private)
    model.Session.execute(insert(wf_table).values(
        package_id=package_id, state=d.TERBIT if published else d.KONSEP,
        published=published, preparer_ids=[], approvals=[],
        entered_at=clock.now(), updated_at=clock.now()).on_conflict_do_nothing())
    return get_row(package_id, lock)


def append_log(package: model.Package, transition: str, from_state: Optional[str],
               to_state: str, actor_id: Optional[str], comment: str = "",
               content_hash_: Optional[str] = None, assignee_id: Optional[str] = None,
               entered_at=None) -> None:
    actor = model.User.get(actor_id) if actor_id else None
    workflow_sla.append_event(
        log_table, d.STEPS.get(from_state) if from_state else None, entered_at,
        package_id=package.id, package_name=package.name, owner_org=package.owner_org,
        transition=transition, from_state=from_state, to_state=to_state,
        actor_id=actor_id, actor_name=actor.name if actor else None,
        comment=comment or None, content_hash=content_hash_, assignee_id=assignee_id)


def update_row(package_id: str, **values: Any) -> None:
    values["updated_at"] = clock.now()
    model.Session.execute(sa.update(wf_table).where(wf_table.c.package_id == package_id)
                          .values(**values))


def enforce_visibility(package_id: str) -> None:
    """Private until published: the one place the private flag is decided."""
    row = ensure_row(package_id)
    pkg = model.Package.get(package_id)
    if pkg is not None and pkg.private != (not row.published):
        pkg.private = not row.published
        if row.published:
            # harvesters ask for `metadata_modified:[last run TO *]`: a dataset
            # published today must look new to them
            pkg.metadata_modified = datetime.datetime.utcnow()
        model.Session.add(pkg)
        model.Session.flush()


# -- hooks called from CKAN's package actions --------------------------------

def on_dataset_created(context, pkg_dict) -> None:
    """A new dataset starts in `konsep`, private (SPEC "API contract"); its
    author prepared its content and never signs it off."""
    package_id = pkg_dict["id"]
    model.Session.flush()
    actor = model.User.get(context.get("user") or "")
    model.Session.execute(insert(wf_table).values(
        package_id=package_id, state=d.KONSEP, published=False,
        preparer_ids=[actor.id] if actor else [],
        approvals=[], entered_at=clock.now(), updated_at=clock.now())
        .on_conflict_do_nothing())
    enforce_visibility(package_id)
    pkg = model.Package.get(package_id)
    new_hash = content_hash(show_fresh(package_id))
    update_row(package_id, content_hash=new_hash)
    append_log(pkg, "create", None, d.KONSEP, actor.id if actor else None,
               content_hash_=new_hash)


def on_dataset_updated(context, pkg_dict) -> None:
    """Enforce the private flag; a content change voids the sign-offs given."""
    if context.get(DRY_RUN) or context.get(APPLYING):
        return
    package_id = pkg_dict["id"]
    row = ensure_row(package_id, lock=True)
    enforce_visibility(package_id)
    new_hash = content_hash(show_fresh(package_id))
    if row.published or new_hash == row.content_hash:
        if new_hash != row.content_hash:
            update_row(package_id, content_hash=new_hash)
        return
    editor = model.User.get(context.get("user") or "")
    _content_changed(row, new_hash, editor.id if editor else None)


def _content_changed(row, new_hash: str, editor_id: Optional[str]) -> None:
    """Record a content change of the item under review (live or revision)."""
    values: dict[str, Any] = {"content_hash": new_hash}
    if editor_id and editor_id not in (row.preparer_ids or ()):
        # whoever shaped the content, in any state, never signs it off
        values["preparer_ids"] = list(row.preparer_ids) + [editor_id]
    if row.state in d.SIGNED_OFF_STATES or row.approvals:
        values.update(state=d.PENYUSUNAN, approvals=[], entered_at=clock.now())
        pkg = model.Package.get(row.package_id)
        append_log(pkg, "void", row.state, d.PENYUSUNAN, editor_id,
                   comment="Konten berubah setelah paraf; paraf dibatalkan / "
                           "Content changed after sign-off; sign-offs voided",
                   content_hash_=new_hash, entered_at=row.entered_at)
    update_row(row.package_id, **values)


def hold_revision(up_func, context, data_dict,
                  base: Optional[str] = None) -> dict[str, Any]:
    """Editing a published dataset: validate the edit by running it in a
    savepoint that is rolled back, keep it as the pending revision, and leave
    the live version untouched until the revision is published."""
    package_id = model.Package.get(data_dict.get("id") or data_dict.get("name") or "").id
    row = ensure_row(package_id, lock=True)
    if base and base != row.content_hash:
        raise tk.ValidationError({"revision": [REVISION_CONFLICT]})
    if row.pending_revision is not None:
        if "resources" not in data_dict:
            # like core keeps the live resources, an edit keeps the revision's
            data_dict["resources"] = copy.deepcopy(row.pending_revision.get("resources") or [])
    # CKAN's own state (draft, deleted) never changes through a revision
    data_dict.pop("state", None)
    live = show_fresh(package_id)
    # CKAN 2.12's package_update rolls its own savepoint back under
    # defer_commit and returns what it would have saved: a dry run. Ours
    # around it also undoes what it flushed outside that savepoint.
    savepoint = model.Session.begin_nested()
    try:
        # an upload lands in the revision's folder, never on the live file
        dry_run = dict(context, defer_commit=True, **{DRY_RUN: True})
        # core compares with `original_package` to skip saving unchanged
        # resources; the database holds the live version, so must the original
        dry_run.pop("original_package", None)
        with revision_files.holding(package_id):
            would_be = up_func(dry_run, dict(data_dict))
    finally:
        # a refused edit has already rolled the whole transaction back
        if savepoint.is_active:
            savepoint.rollback()
    model.Session.expire_all()
    new_hash = content_hash(would_be)
    live_hash = content_hash(live)
    if new_hash == live_hash:
        if row.pending_revision is not None:
            # edited back to what is live: the revision is withdrawn
            update_row(package_id, pending_revision=None,
                       content_hash=live_hash, state=d.TERBIT, approvals=[],
                       preparer_ids=[], entered_at=clock.now())
            append_log(model.Package.get(package_id), "revision_withdrawn", row.state,
                       d.TERBIT, user_id_of(context), content_hash_=live_hash,
                       entered_at=row.entered_at)
            revision_files.discard(package_id)
            _reindex_state(package_id)
        return live
    if new_hash != row.content_hash:
        editor_id = user_id_of(context)
        # The validated dict, ids included, so that applying it later keeps
        # the resource ids (and uploaded files) the editor already saw.
        stored = json.loads(json.dumps(would_be, default=str))
        update_row(package_id, pending_revision=stored,
                   pending_revision_by=editor_id, pending_revision_at=clock.now())
        if row.state == d.TERBIT:
            update_row(package_id, state=d.PENYUSUNAN, content_hash=new_hash, approvals=[],
                       preparer_ids=[editor_id] if editor_id else [], entered_at=clock.now())
            append_log(model.Package.get(package_id), "revise", d.TERBIT, d.PENYUSUNAN,
                       editor_id, content_hash_=new_hash, assignee_id=row.assignee_id,
                       entered_at=row.entered_at)
        else:
            _content_changed(get_row(package_id), new_hash, editor_id)
        _reindex_state(package_id)
    # The caller sees its edit (resource_create looks up the new resource in
    # it); the live dataset stays as it was.
    return dict(would_be, satudata_pending_revision=True)


def _reindex_state(package_id: str) -> None:
    """The live dataset did not change, its workflow row did: the staff
    lists filter on the row's state (index_fields); committed by the caller."""
    logic.index_update_package({"ignore_auth": True}, package_id)


def user_id_of(context) -> Optional[str]:
    user = model.User.get(context.get("user") or "")
    return user.id if user else None


# -- transitions ---------------------------------------------------------------

def actor_for(user_name: Optional[str]) -> d.Actor:
    user = model.User.get(user_name or "")
    if user is None:
        return d.Actor(None)
    return d.Actor(user.id, frozenset(roles.roles_of(user.id)), bool(user.sysadmin))


def _classification(row, package_id: str) -> Optional[str]:
    """The content's classification, read from the revision or straight from
    the dataset's extras: a full package_show per item made the review queue
    cost seconds on a few hundred datasets."""
    if row.pending_revision is not None:
        return row.pending_revision.get("classification")
    pkg = model.Package.get(package_id)
    return pkg.extras.get("classification") if pkg is not None else None


def item_for(row, package_id: str) -> d.Item:
    return d.Item(
        state=row.state, assignee_id=row.assignee_id,
        preparer_ids=frozenset(row.preparer_ids or ()),
        approvals=tuple((a["level"], a["user_id"], a["content_hash"])
                        for a in row.approvals or ()),
        content_hash=row.content_hash, classification=_classification(row, package_id),
        published=bool(row.published),
        revision_by=row.pending_revision_by if row.pending_revision is not None else None)


def work_rows() -> list:
    """Every workflow row in a step with work to do (rules.TASKS), oldest
    first, with what a work list shows of its dataset: one query, plain rows
    (no ORM objects, no revision bodies; the array read by psycopg2 itself,
    SQLAlchemy's ARRAY processing cost ~14 ms on 500 rows). `work_item`
    makes the rules' Item of one."""
    pkg = model.package_table
    revision = wf_table.c.pending_revision
    return model.Session.execute(
        sa.select(wf_table.c.package_id, wf_table.c.state, wf_table.c.assignee_id,
                  sa.type_coerce(wf_table.c.preparer_ids, sa.types.NullType())
                  .label("preparer_ids"),
                  wf_table.c.approvals, wf_table.c.content_hash, wf_table.c.entered_at,
                  wf_table.c.published, wf_table.c.pending_revision_by,
                  revision.isnot(None).label("has_revision"),
                  # the content's classification: the revision's, else the dataset's
                  sa.case((revision.isnot(None), revision["classification"].astext),
                          else_=pkg.c.extras["classification"].astext)
                  .label("classification"),
                  pkg.c.name, pkg.c.title, pkg.c.owner_org)
        .join(pkg, pkg.c.id == wf_table.c.package_id)
        .where(wf_table.c.state.in_(tuple(d.TASKS)), pkg.c.state != "deleted")
        .order_by(wf_table.c.entered_at)).all()


def work_item(row) -> d.Item:
    """`item_for` of a `work_rows` row."""
    return d.Item(
        state=row.state, assignee_id=row.assignee_id,
        preparer_ids=frozenset(row.preparer_ids or ()),
        approvals=tuple((a["level"], a["user_id"], a["content_hash"])
                        for a in row.approvals or ()),
        content_hash=row.content_hash, classification=row.classification,
        published=bool(row.published),
        revision_by=row.pending_revision_by if row.has_revision else None)


def sysadmin_acts_as_any_role() -> bool:
    return tk.asbool(tk.config.get("ckanext.satudata.sysadmin_acts_as_any_role"))


def transition(context, package_id: str, request: d.Request,
               expected_state: Optional[str] = None, waiver: str = "") -> str:
    """Move one dataset; one transaction, the workflow row locked throughout."""
    row = ensure_row(package_id, lock=True)
    if expected_state and row.state != expected_state:
        raise d.Invalid(
            "Status sudah berubah menjadi '%s' (diharapkan '%s'); muat ulang halaman / "
            "The state has changed to '%s' (expected '%s'); reload the page"
            % (row.state, expected_state, row.state, expected_state))
    actor = actor_for(context.get("user"))
    item = item_for(row, package_id)
    if request.transition == "publish" and row.pending_revision is None:
        # the live content must still be what was signed off
        live_hash = content_hash(show_fresh(package_id))
        if live_hash != row.content_hash:
            item = d.Item(**dict(item.__dict__, content_hash=live_hash))
    to_state = d.decide(item, actor, request, sysadmin_acts_as_any_role())
    waived = None
    if request.transition == "approve":
        # the quality report of this content: present, and clean or waived (issue 25)
        from ckanext.satudata.quality import checks
        waived = checks.gate(package_id, waiver)

    values: dict[str, Any] = {"state": to_state, "entered_at": clock.now()}
    t = request.transition
    if t == "assign":
        values["assignee_id"] = request.assignee_id
    elif t == "submit":
        values["preparer_ids"] = sorted(set(row.preparer_ids or ()) | {actor.user_id})
        values["approvals"] = []
    elif t == "approve":
        values["approvals"] = list(row.approvals or ()) + [{
            "level": d.approval_level(row.state), "user_id": actor.user_id,
            "content_hash": row.content_hash, "at": clock.iso_wib(clock.now()),
            **({"waiver": waived} if waived else {})}]
    elif t == "return":
        values["approvals"] = []
    elif t == "publish":
        values.update(published=True, approvals=[], preparer_ids=[],
                      pending_revision=None, pending_revision_by=None,
                      pending_revision_at=None)
    elif t == "discard":
        live_hash = content_hash(show_fresh(package_id))
        values.update(state=d.TERBIT, approvals=[], preparer_ids=[], content_hash=live_hash,
                      pending_revision=None, pending_revision_by=None,
                      pending_revision_at=None)
    elif t == "withdraw":
        # offline again, as a concept; a pending revision goes with it
        values.update(published=False, approvals=[], preparer_ids=[], assignee_id=None,
                      pending_revision=None, pending_revision_by=None,
                      pending_revision_at=None)
    update_row(package_id, **values)
    if t == "discard":
        # queued in this transaction: the outbox sends it once it is committed
        from ckanext.satudata.notifications import revision_mails
        revision_mails.queue_discarded(package_id, row.pending_revision_by, actor.user_id,
                                       request.comment)
    # whoever must act next hears of it, in this transaction (issue 23)
    from ckanext.satudata.notifications import dataset_mails
    dataset_mails.queue_next_actor(
        package_id, t, row.state, to_state, actor.user_id,
        values.get("assignee_id", row.assignee_id), row.preparer_ids or (), request.comment)
    comment = request.comment
    if waived:
        comment = "\n".join(c for c in (comment, WAIVER_PREFIX + waived) if c)
    append_log(model.Package.get(package_id), t, row.state, to_state, actor.user_id,
               comment, row.content_hash, values.get("assignee_id", row.assignee_id),
               entered_at=row.entered_at)
    if t in ("publish", "withdraw"):
        enforce_visibility(package_id)
    if t == "publish" and row.pending_revision is not None:
        live = show_fresh(package_id)
        # applies, indexes and commits together with the rows above
        _apply_revision(context, package_id, row)
        # the bytes change only now, after the approved metadata is committed
        revision_files.promote(package_id, live, row.pending_revision)
        return to_state
    logic.index_update_package({"ignore_auth": True}, package_id)
    model.repo.commit()
    if t in ("withdraw", "discard"):
        revision_files.discard(package_id)
    return to_state


def _apply_revision(context, package_id: str, row) -> None:
    revision = dict(row.pending_revision, private=False)
    revision.pop("metadata_modified", None)
    logic.get_action("package_update")(
        {"ignore_auth": True, "user": context.get("user"), APPLYING: True}, revision)
    applied = content_hash(show_fresh(package_id))
    if applied != row.content_hash:
        log.error("dataset %s: the published revision's content hash %s differs from the "
                  "approved %s", package_id, applied, row.content_hash)


# -- reading -------------------------------------------------------------------

def history(package_id: str) -> list[dict[str, Any]]:
    rows = model.Session.execute(sa.select(log_table).where(
        log_table.c.package_id == package_id).order_by(log_table.c.id))
    return [{
        "transition": r.transition, "from_state": r.from_state, "to_state": r.to_state,
        "actor": r.actor_name, "actor_id": r.actor_id, "at": clock.iso_wib(r.at),
        "comment": r.comment, "content_hash": r.content_hash,
        "standard_minutes": r.standard_minutes, "elapsed_minutes": r.elapsed_minutes,
    } for r in rows]


# Log entries after which a reviewer's return note no longer applies: the
# content went back for review, or the dataset left the chain's round.
_ROUND_ENDS = ("submit", "publish", "withdraw", "discard", "revise", "assign")


def return_notes(package_ids) -> dict[str, dict[str, Any]]:
    """The reviewer's note (the `return` comment) each dataset is being
    revised after, by package id: from the return until it is submitted
    again. One query for a whole work list."""
    ids = list(package_ids)
    if not ids:
        return {}
    latest = (sa.select(log_table.c.package_id, log_table.c.transition, log_table.c.comment,
                        log_table.c.actor_name, log_table.c.actor_id, log_table.c.at)
              .where(log_table.c.package_id.in_(ids),
                     log_table.c.transition.in_(("return",) + _ROUND_ENDS))
              .distinct(log_table.c.package_id)
              .order_by(log_table.c.package_id, log_table.c.id.desc()))
    notes = {}
    for r in model.Session.execute(latest):
        if r.transition == "return" and r.comment:
            reviewer = model.User.get(r.actor_id) if r.actor_id else None
            notes[r.package_id] = {
                "comment": r.comment, "at": clock.iso_wib(r.at),
                "by": reviewer.display_name if reviewer else r.actor_name}
    return notes


def log_owner_org(package_ref: str) -> Optional[tuple[str, Optional[str]]]:
    """(package_id, owner_org) from the log, for datasets that are gone."""
    r = model.Session.execute(sa.select(log_table.c.package_id, log_table.c.owner_org).where(
        sa.or_(log_table.c.package_id == package_ref, log_table.c.package_name == package_ref))
        .order_by(log_table.c.id.desc()).limit(1)).first()
    return (r.package_id, r.owner_org) if r else None


def sla(row) -> dict[str, Any]:
    return workflow_sla.step_sla(d.STEPS[row.state], row.entered_at)


def revision_diff(live: dict[str, Any], revision: dict[str, Any]) -> list[dict[str, Any]]:
    """The differences a reviewer reads before signing off: only the fields
    a person edits in the dataset and resource forms (revision_diff)."""
    from ckanext.scheming.helpers import scheming_get_dataset_schema
    from ckanext.satudata.dissemination import revision_diff as rd
    a, b = content_of(live), content_of(revision)
    dataset_fields, resource_fields = rd.edited_fields(
        scheming_get_dataset_schema(live.get("type") or "dataset"))
    if not dataset_fields:
        # no form schema for the type: every content key rather than a blind diff
        dataset_fields = sorted((set(a) | set(b)) - {"resources"})
        resource_fields = sorted({k for r in a["resources"] + b["resources"] for k in r} - {"id"})
    return rd.changes(a, b, dataset_fields, resource_fields)


# Workflow rows of the batch `ckan search-index rebuild` is indexing, loaded
# with one query (satudata_search's batch signals); None otherwise. A context
# variable: another thread indexing meanwhile reads its own rows.
_batch_rows: contextvars.ContextVar[Optional[dict[str, Optional[sa.Row]]]] = \
    contextvars.ContextVar("satudata_batch_workflow_rows", default=None)


def load_batch_rows(sender: list[str], **kwargs: Any) -> None:
    rows: dict[str, Optional[sa.Row]] = dict.fromkeys(sender)
    query = sa.select(wf_table).where(wf_table.c.package_id.in_(sender))
    rows.update((row.package_id, row) for row in model.Session.execute(query))
    _batch_rows.set(rows)


def forget_batch_rows(sender: list[str], **kwargs: Any) -> None:
    _batch_rows.set(None)


def index_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """Search fields for staff listings (`fq=satudata_state:diajukan`)."""
    batch = _batch_rows.get()
    row = batch[doc["id"]] if batch is not None and doc["id"] in batch else get_row(doc["id"])
    if row is not None:
        doc["satudata_state"] = row.state
        doc["satudata_revision_pending"] = row.pending_revision is not None
        # the staff lists filter by step, assignee and overdue (finding_work)
        step = d.STEPS[row.state]
        if row.assignee_id:
            doc["satudata_assignee"] = row.assignee_id
        if step.standard_minutes and row.entered_at is not None:
            doc["satudata_step"] = step.number
            # the moment the step's standard time runs out, in office time:
            # `satudata_due_date:[* TO NOW]` stays right without reindexing
            due = clock.calendar_from_config().add_office_minutes(
                row.entered_at, step.standard_minutes)
            doc["satudata_due_date"] = due.astimezone(datetime.timezone.utc).strftime(
                "%Y-%m-%dT%H:%M:%SZ")
    return doc

"""Actions of workflow 1 (SPEC "API contract — Workflow 1, datasets") and the
chained core actions that keep every write path inside the chain."""
from __future__ import annotations

import logging

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.workflow import clock, roles
from ckanext.satudata.dissemination import rules as d
from ckanext.satudata.dissemination import index_sync, read_guard, service as wf
from ckanext.satudata.workflow import schema
from ckanext.satudata.model import dataset_workflow as wf_table

log = logging.getLogger(__name__)



def _package(ref):
    pkg = model.Package.get(ref or "")
    if pkg is None:
        raise tk.ObjectNotFound("Dataset tidak ditemukan / Dataset not found")
    return pkg


@schema.guarded
def satudata_dataset_transition(context, data_dict):
    """Move a dataset along the Diseminasi chain.

    :param id: dataset id or name
    :param transition: assign, submit, approve, return, resume or publish
    :param comment: the paraf note (required for ``return``)
    :param assignee: user name or id holding ``staf`` (for ``assign``)
    :param expected_state: refuse unless the dataset is still in this state
    :param waiver: for ``approve``: why content whose quality report lists
        problems may be approved anyway (logged with the approval)
    """
    tk.check_access("satudata_dataset_transition", context, data_dict)
    data = schema.validate(data_dict, schema.dataset_transition_schema(), context)
    pkg = _package(data["id"])
    assignee = model.User.get(data.get("assignee") or "") if data.get("assignee") else None
    request = d.Request(
        data["transition"], comment=data.get("comment") or "",
        assignee_id=assignee.id if assignee else None,
        assignee_roles=frozenset(roles.roles_of(assignee.id)) if assignee else frozenset())
    from ckanext.satudata.quality import checks
    if request.transition == "approve":
        # a report missing (content never submitted since the checks came) is
        # queued now, committed, before the transaction the gate refuses in
        checks.request_checks(pkg.id)
        checks.finish_small(pkg.id)
    with schema.refusals_as_ckan_errors():
        wf.transition(context, pkg.id, request, data.get("expected_state"),
                      waiver=data.get("waiver") or "")
    if request.transition == "submit":
        # the checks a reviewer reads before signing, in the worker (issue 25)
        checks.request_checks(pkg.id)
    # committed: the worker sends what the transition queued (the outbox)
    from ckanext.satudata.notifications import outbox
    outbox.dispatch()
    return satudata_dataset_workflow_show(dict(context, ignore_auth=True), {"id": pkg.id})


def _user_name(user_id):
    user = model.User.get(user_id) if user_id else None
    return user.name if user is not None else None


@read_guard.unreadable_as_missing
@tk.side_effect_free
def satudata_dataset_workflow_show(context, data_dict):
    """State, assignee, sign-offs, pending revision and SLA of one dataset.

    :param id: dataset id or name
    """
    tk.check_access("satudata_dataset_workflow_show", context, data_dict)
    pkg = _package(data_dict.get("id"))
    row = wf.ensure_row(pkg.id)
    actor = wf.actor_for(context.get("user"))
    item = wf.item_for(row, pkg.id)
    assignee = model.User.get(row.assignee_id) if row.assignee_id else None
    result = {
        "id": pkg.id, "name": pkg.name, "state": row.state,
        "state_label": d.STEPS[row.state].label_id,
        "published": row.published,
        "assignee": {"id": assignee.id, "name": assignee.name,
                     "display_name": assignee.display_name} if assignee else None,
        "approvals": [dict(a, user=_user_name(a["user_id"])) for a in row.approvals or ()],
        "content_hash": row.content_hash,
        "sla": wf.sla(row),
        "allowed_transitions": d.allowed_transitions(item, actor,
                                                     wf.sysadmin_acts_as_any_role()),
        "pending_revision": None,
        # what the reviewer asked for, while the dataset is revised after it
        "return_note": wf.return_notes([pkg.id]).get(pkg.id),
    }
    if row.pending_revision is not None:
        result["pending_revision"] = {
            "by": _user_name(row.pending_revision_by),
            "at": clock.iso_wib(row.pending_revision_at),
            "diff": wf.revision_diff(wf.show_fresh(pkg.id), row.pending_revision),
        }
    return result


@read_guard.unreadable_as_missing
@tk.side_effect_free
def satudata_dataset_history(context, data_dict):
    """The append-only transition log of a dataset; readable by the Walidata
    team after the dataset is deleted or purged.

    :param id: dataset id or name
    """
    tk.check_access("satudata_dataset_history", context, data_dict)
    pkg = model.Package.get(data_dict.get("id") or "")
    if pkg is not None:
        return wf.history(pkg.id)
    found = wf.log_owner_org(data_dict.get("id") or "")
    if found is None:
        raise tk.ObjectNotFound("Dataset tidak ditemukan / Dataset not found")
    return wf.history(found[0])


@schema.guarded
@tk.side_effect_free
def satudata_review_queue(context, data_dict):
    """The datasets whose SOP step waits for the calling user, oldest first:
    ``tasks`` are that step's transitions they may take (rules.waiting_on);
    what is merely possible on a live dataset (withdraw, discard) is no task.
    ``return_note`` is the reviewer's note a returned dataset is revised after."""
    tk.check_access("satudata_review_queue", context, data_dict)
    return review_queue_of(context.get("user"))


def review_queue_of(user_name, with_allowed_transitions: bool = True) -> list[dict]:
    """`satudata_review_queue`'s answer for a caller already allowed to ask;
    the review queue page leaves out ``allowed_transitions`` (it shows the
    tasks only; trying every transition on 500 datasets costs ~25 ms)."""
    actor = wf.actor_for(user_name)
    if actor.user_id is None:
        return []
    queue = []
    as_any_role = wf.sysadmin_acts_as_any_role()
    for row in wf.work_rows():
        item = wf.work_item(row)
        tasks = d.waiting_on(item, actor, as_any_role)
        if tasks:
            queue.append({"id": row.package_id, "name": row.name, "title": row.title,
                          "owner_org": row.owner_org, "state": row.state,
                          "tasks": tasks,
                          "allowed_transitions": d.allowed_transitions(
                              item, actor, as_any_role) if with_allowed_transitions else None,
                          "sla": wf.sla(row),
                          "revision": row.has_revision})
    notes = wf.return_notes(i["id"] for i in queue)
    for entry in queue:
        entry["return_note"] = notes.get(entry["id"])
    return queue


# -- chained core actions: no path around the chain ----------------------------

def _note_dropped(action, context, dropped):
    if dropped:
        log.warning("satudata: %s by %r tried to set workflow-controlled keys %s; ignored",
                    action, context.get("user"), dropped)


@tk.chained_action
def package_create(up_func, context, data_dict):
    _note_dropped("package_create", context, wf.strip_workflow_keys(data_dict))
    data_dict["private"] = True
    user = model.User.get(context.get("user") or "")
    if user is not None and roles.is_walidata_team(user.id):
        # the Walidata team prepares datasets for every OPD (SPEC "API
        # contract"); core's owner_org check only knows org membership
        context["ignore_auth"] = True
    return up_func(context, data_dict)


@tk.chained_action
def package_update(up_func, context, data_dict):
    if context.get(wf.APPLYING) or context.get(wf.DRY_RUN):
        return up_func(context, data_dict)
    base = data_dict.pop(wf.REVISION_BASE, None)
    _note_dropped("package_update", context, wf.strip_workflow_keys(data_dict))
    pkg = model.Package.get(data_dict.get("id") or data_dict.get("name") or "")
    if pkg is not None and wf.ensure_row(pkg.id).published:
        result = wf.hold_revision(up_func, context, data_dict, base=base)
        if not context.get("defer_commit"):
            model.repo.commit()
        return result
    return up_func(context, data_dict)


@tk.chained_action
def package_patch(up_func, context, data_dict):
    """A patch of a dataset whose revision is pending patches the revision."""
    pkg = model.Package.get(data_dict.get("id") or data_dict.get("name") or "")
    row = wf.get_row(pkg.id) if pkg is not None else None
    if row is not None and row.pending_revision is not None and not context.get(wf.APPLYING):
        tk.check_access("package_patch", context, data_dict)
        patched = dict(row.pending_revision)
        patched.update(data_dict)
        patched["id"] = pkg.id
        return tk.get_action("package_update")(context, patched)
    return up_func(context, data_dict)


def _log_deletion(context, package_id, transition):
    """Deleting and purging are recorded too: the log outlives the dataset."""
    pkg = model.Package.get(package_id)
    row = wf.get_row(package_id)
    if pkg is None or row is None:
        return
    wf.append_log(pkg, transition, row.state, row.state, wf.user_id_of(context),
                  comment="published" if row.published else None,
                  content_hash_=row.content_hash)


@tk.chained_action
def package_delete(up_func, context, data_dict):
    """A published dataset goes offline through `withdraw`; only a sysadmin
    deletes it outright, and that is logged like every deletion."""
    pkg = model.Package.get((data_dict or {}).get("id") or "")
    if pkg is not None and pkg.state != "deleted":
        tk.check_access("package_delete", context, data_dict)
        _log_deletion(context, pkg.id, "delete")
    return up_func(context, data_dict)


@tk.chained_action
def dataset_purge(up_func, context, data_dict):
    pkg = model.Package.get((data_dict or {}).get("id") or "")
    if pkg is not None:
        tk.check_access("dataset_purge", context, data_dict)
        _log_deletion(context, pkg.id, "purge")
    return up_func(context, data_dict)


@tk.chained_action
def bulk_update_delete(up_func, context, data_dict):
    """The organization's bulk delete: same rule as package_delete."""
    tk.check_access("bulk_update_delete", context, data_dict)
    user = model.User.get(context.get("user") or "")
    ids = [i for i in (data_dict or {}).get("datasets") or [] if isinstance(i, str)]
    packages = [p for p in (model.Package.get(i) for i in ids) if p is not None]
    if not context.get("ignore_auth") and not (user and user.sysadmin):
        if any(wf.ensure_row(p.id).published for p in packages):
            raise tk.NotAuthorized(wf.PUBLISHED_DELETE_REFUSED)
    for pkg in packages:
        if pkg.state != "deleted":
            _log_deletion(context, pkg.id, "delete")
    return up_func(context, data_dict)


@schema.guarded
@tk.side_effect_free
def satudata_sla_report(context, data_dict):
    """SOP compliance: transitions, median and p90 minutes per step, share
    within the SOP standard, items over it; for requests also the legal
    deadline figures (UU 14/2008).

    :param workflow: ``dataset`` or ``request``
    :param group_by: ``step``, ``person`` or ``month``
    :param date_from, date_to: ISO dates (WIB), inclusive, optional
    """
    from ckanext.satudata.reports import compliance as report
    tk.check_access("satudata_sla_report", context, data_dict)
    data = schema.validate(data_dict, schema.sla_report_schema(), context)
    return report.sla_report(data["workflow"], data["group_by"], data.get("date_from"),
                             data.get("date_to"))


@tk.chained_action
def package_owner_org_update(up_func, context, data_dict):
    """Moving a published dataset to another OPD changes its publisher: that
    goes through a revision (package_update), not this direct call. Internal
    calls (core's package_update, applying a revision) run with ignore_auth."""
    pkg = model.Package.get((data_dict or {}).get("id") or "")
    user = model.User.get(context.get("user") or "")
    if (pkg is not None and not context.get("ignore_auth") and not (user and user.sysadmin)
            and wf.ensure_row(pkg.id).published):
        raise tk.NotAuthorized(wf.PUBLISHED_MOVE_REFUSED)
    result = up_func(context, data_dict)
    if not context.get("defer_commit"):
        index_sync.reindex(data_dict.get("id"))
    return result

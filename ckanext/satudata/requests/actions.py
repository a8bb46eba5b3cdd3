"""Actions of workflow 2 (SPEC "API contract — Workflow 2, data requests")."""
from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.notifications import outbox as notify
from ckanext.satudata.requests import rules as p
from ckanext.satudata.workflow import roles
from ckanext.satudata.requests import service as dr
from ckanext.satudata.workflow import schema
from ckanext.satudata.i18n import bilingual
from ckanext.satudata.model import data_request as dr_table
from ckanext.satudata.privacy import log as access_log



def _row(ref, lock=False):
    row = dr.get(ref or "", lock)
    if row is None:
        raise tk.ObjectNotFound(bilingual('Request not found'))
    return row


@schema.guarded
def satudata_request_create(context, data_dict):
    """File a data request; anonymous allowed. Returns the registration number,
    the due date, the public tracking URL and, once only, an ``access_token``
    that lets the requester clarify or withdraw without an account.

    :param name, email: the requester (never shown to the public)
    :param phone, institution, identity_number: optional, likewise private
    :param title, description, purpose: what data, and what for
    :param format: optional preferred format
    :param organization: optional, the OPD thought to hold the data
    """
    tk.check_access("satudata_request_create", context, data_dict)
    data = schema.validate(data_dict, schema.request_create_schema(), context)
    row, token = dr.create(context, data)
    model.repo.commit()   # saved before anything else can fail
    notify.dispatch()
    return {"id": row.id, "number": row.number, "status": row.status,
            "due_date": row.due_date.isoformat(), "tracking_url": dr.tracking_url(row.number),
            "access_token": token}


@schema.guarded
@tk.side_effect_free
def satudata_request_show(context, data_dict):
    """A request by ``id`` or ``number``: the public view for everyone; the
    full view (contact details, internal history) for the Walidata team, the
    OPD it was sent to and the requester (``access_token`` or own account)."""
    tk.check_access("satudata_request_show", context, data_dict)
    row = _row(data_dict.get("id") or data_dict.get("number"))
    actor = dr.actor_for(context, row, data_dict.get("access_token"))
    return dr.view_for(context, row, actor)


@schema.guarded
@tk.side_effect_free
def satudata_request_list(context, data_dict):
    """Requests, newest first, each as ``satudata_request_show`` shows it to
    the caller; an OPD's editors and admins see only the requests sent to it.

    :param mine: true: only the requests the caller's account filed (none
        for an anonymous caller)
    :param status, organization, q, limit (default 20, max 1000), offset
    """
    tk.check_access("satudata_request_list", context, data_dict)
    data = schema.validate(data_dict, schema.request_list_schema(), context)
    actor = dr.actor_for(context)
    staff = p.is_staff(actor) or dr.is_sysadmin(context)
    query = sa.select(dr_table)
    if data.get("mine"):
        query = query.where(dr_table.c.user_id == actor.user_id) if actor.user_id \
            else query.where(sa.false())
    elif not staff and actor.organization_ids:
        query = query.where(dr_table.c.organization_id.in_(actor.organization_ids))
    if data.get("status"):
        query = query.where(dr_table.c.status == data["status"])
    if data.get("organization"):
        query = query.where(dr_table.c.organization_id == data["organization"])
    if data.get("q"):
        like = "%%%s%%" % data["q"].replace("%", r"\%").replace("_", r"\_")
        query = query.where(sa.or_(dr_table.c.title.ilike(like),
                                   dr_table.c.description.ilike(like),
                                   dr_table.c.number.ilike(like)))
    count = model.Session.execute(
        sa.select(sa.func.count()).select_from(query.subquery())).scalar()
    rows = model.Session.execute(query.order_by(dr_table.c.created_at.desc())
                                 .limit(data.get("limit", 20))
                                 .offset(data.get("offset", 0))).all()
    results = []
    context[access_log.BATCH_KEY] = []   # one write for the page's access-log rows
    try:
        for row in rows:
            mine = actor.user_id is not None and row.user_id == actor.user_id
            results.append(dr.view_for(context, row, replace(actor, is_requester=mine)))
        access_log.write(context[access_log.BATCH_KEY])
    finally:
        del context[access_log.BATCH_KEY]
    return {"count": count, "results": results}


@schema.guarded
def satudata_request_transition(context, data_dict):
    """Move a request along the SOP (see ``ckanext.satudata.requests.rules``).

    :param id: id or number
    :param transition: assign, deliver, not_available, escalate, opd_confirm,
        opd_decline, opd_forward, forward, forward_refuse, opd_send, handover, close_unavailable, reject,
        ask_clarification, clarify, withdraw or extend
    :param comment: reason / note (required for reject, ask_clarification,
        clarify and extend)
    :param assignee: a user holding ``staf`` (assign)
    :param organization: the OPD (escalate; opd_forward: the OPD that holds
        the data; forward: optional, defaults to the OPD the forward named)
    :param split_organization: escalate or forward: a second OPD that holds
        part of the data; a linked request (own number and access token,
        mailed to the requester, same due date) goes to it
    :param dataset: a published dataset (deliver, opd_send)
    :param resource_url: a resource of a published dataset (deliver, opd_send)
    :param upload: a file (opd_send; deliver privately to the requester)
    :param access_token: the requester's token (clarify, withdraw)
    :param partial: deliver: true when the data answers the request only
        in part (the comment says what is missing); counted as partly fulfilled
    :param reason: reject: the category (``permintaan.REJECT_REASONS``,
        default ``lainnya``); the written reason is the comment
    """
    tk.check_access("satudata_request_transition", context, data_dict)
    upload = data_dict.get("upload")
    data = schema.validate({k: v for k, v in data_dict.items() if k != "upload"},
                     schema.request_transition_schema(), context)
    errors = {}
    if data.get("dataset") and not dr.published_dataset(data["dataset"]):
        errors["dataset"] = [bilingual('Only a published dataset can be linked')]
    elif data.get("dataset"):
        data["dataset"] = dr.published_dataset(data["dataset"]).id
    if data.get("resource_url") and not dr.published_resource_url(data["resource_url"]):
        errors["resource_url"] = [bilingual('The link must point to a resource of a published dataset on this portal')]
    if upload is not None and not _non_empty_file(upload):
        errors["upload"] = [bilingual('The file is empty or invalid')]
    elif upload is not None and _size(upload) > _max_upload_bytes():
        limit_mb = _max_upload_bytes() // 2 ** 20
        errors["upload"] = [bilingual('The file is too large; at most %d MB', limit_mb)]
    if errors:
        raise tk.ValidationError(errors)
    data["upload"] = upload

    row = _row(data["id"], lock=True)
    actor = dr.actor_for(context, row, data.get("access_token"))
    assignee_roles = frozenset(roles.roles_of(data["assignee"])) if data.get("assignee") \
        else frozenset()
    request = p.Request(
        data["transition"], comment=data.get("comment") or "",
        assignee_roles=assignee_roles, has_assignee=bool(data.get("assignee")),
        has_organization=bool(data.get("organization")),
        has_data=bool(data.get("dataset") or data.get("resource_url") or upload is not None),
        reason=data.get("reason") or "",
        organization_id=data.get("organization") or None,
        split_organization_id=data.get("split_organization") or None)
    with schema.refusals_as_ckan_errors():
        dr.transition(context, row, request, actor, data)
    model.repo.commit()
    notify.dispatch()
    row = dr.get(row.id)
    if request.transition == "opd_send" and row.received_file:
        # staff see what personal data the file holds before delivering it (issue 26)
        from ckanext.satudata.quality.checks import request_files
        request_files.scan_received(row.id, row.received_file)
    actor = dr.actor_for(context, row, data.get("access_token"))
    return dr.view_for(context, row, actor)


@schema.guarded
def satudata_request_dataset_create(context, data_dict):
    """Turn the data an OPD sent for a request into a new dataset. It starts
    the Diseminasi chain in ``konsep`` like any other, carries the received
    file or link as its first resource, and stays linked to the request.

    :param request: the request id or number
    :param ...: the dataset's fields as for ``package_create`` (SDI schema);
        ``owner_org`` defaults to the OPD the request was sent to
    """
    tk.check_access("satudata_request_dataset_create", context, data_dict)
    data_dict = dict(data_dict)
    row = _row(data_dict.pop("request", None), lock=True)
    if not (row.received_file or row.received_resource_url):
        raise tk.ValidationError({"request": [bilingual('No data has been received from the agency for this request')]})
    if row.derived_dataset_id and model.Package.get(row.derived_dataset_id):
        raise tk.ValidationError({"request": [bilingual('A dataset was already made from this request')]})
    data_dict.setdefault("owner_org", row.organization_id)
    data_dict["notes"] = ("%s\n\n_Berasal dari permintaan data %s / From data request %s._"
                          % (data_dict.get("notes") or "", row.number, row.number)).strip()
    resource = {"name": data_dict.pop("resource_name", None) or row.title,
                "resource_type": "data"}
    if row.received_file:
        import os
        from werkzeug.datastructures import FileStorage
        name = os.path.basename(row.received_file).split("-", 1)[-1]
        handle = open(row.received_file, "rb")
        resource.update(url=name, url_type="upload",
                        upload=FileStorage(stream=handle, filename=name))
    else:
        handle = None
        resource["url"] = row.received_resource_url
    try:
        dataset = tk.get_action("package_create")(dict(context), data_dict)
        tk.get_action("resource_create")(dict(context), dict(resource, package_id=dataset["id"]))
    finally:
        if handle is not None:
            handle.close()
    model.Session.execute(sa.update(dr_table).where(dr_table.c.id == row.id)
                          .values(derived_dataset_id=dataset["id"]))
    actor = dr.actor_for(context, row)
    dr._event(row.id, "dataset_created", row.status, row.status, actor.user_id, "staff",
              dataset["name"], None)
    model.repo.commit()
    return tk.get_action("package_show")(dict(context), {"id": dataset["id"]})


def _max_upload_bytes() -> int:
    """Request files obey the same bound as resources (ckan.max_resource_size)."""
    return tk.asint(tk.config.get("ckan.max_resource_size")) * 2 ** 20


def _size(upload) -> int:
    stream = getattr(upload, "stream", None)
    if stream is None or not hasattr(stream, "seek"):
        return 0
    position = stream.tell()
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(position)
    return size


def _non_empty_file(upload) -> bool:
    """A real upload: named, and with content (browsers send an empty part
    for an empty file box)."""
    if not hasattr(upload, "save") or not getattr(upload, "filename", ""):
        return False
    stream = getattr(upload, "stream", None)
    if stream is None or not hasattr(stream, "seek"):
        return True
    position = stream.tell()
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(position)
    return size > 0

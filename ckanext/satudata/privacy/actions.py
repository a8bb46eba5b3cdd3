"""Actions of the personal-data capability (SPEC "Personal data")."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.satudata.i18n import bilingual
from ckanext.satudata.privacy import access
from ckanext.satudata.workflow import roles
from ckanext.satudata.workflow import schema


def _is_dpo(context) -> bool:
    import ckan.model as model
    user = model.User.get(context.get("user") or "")
    return bool(user is not None and (user.sysadmin or access.DPO in roles.roles_of(user.id)))


def satudata_personal_access_log_auth(context, data_dict):
    if _is_dpo(context):
        return {"success": True}
    return {"success": False, "msg": bilingual(
        "Only the personal data protection officer can read the access log")}


@tk.side_effect_free
@schema.guarded   # no NUL, lone surrogate or non-text reference: a 409, not a 500
def satudata_personal_access_log(context, data_dict):
    """Who looked at requesters' personal data, newest first (DPO, sysadmin).

    :param request: a request's number or id (optional)
    :param actor: a user name (optional)
    :param limit: default 100, at most 1000; :param offset:
    """
    tk.check_access("satudata_personal_access_log", context, data_dict)
    from ckanext.satudata.privacy import log
    from ckanext.satudata.requests import service
    try:
        # within what PostgreSQL's LIMIT/OFFSET take: never a 500
        limit = min(max(int(data_dict.get("limit", 100)), 0), 1000)
        offset = min(max(int(data_dict.get("offset", 0)), 0), 10 ** 9)
    except (TypeError, ValueError):
        raise tk.ValidationError({"limit": [bilingual("Must be a whole number")]})
    request_ids = None
    if data_dict.get("request"):
        row = service.get(str(data_dict["request"]))
        request_ids = [row.id] if row is not None else []
    count, entries = log.entries_for(request_ids=request_ids, actor=data_dict.get("actor"),
                                     limit=limit, offset=offset)
    return {"count": count, "results": entries}


satudata_personal_access_log_auth.__name__ = "satudata_personal_access_log"




# -- the requester's rights -----------------------------------------------------------

def _request_and_actor(context, data_dict):
    from ckanext.satudata.requests import service
    row = service.get(str(data_dict.get("id") or data_dict.get("number") or ""))
    if row is None:
        raise tk.ObjectNotFound(bilingual("Request not found"))
    actor = service.actor_for(context, row, data_dict.get("access_token"))
    return row, actor


def _requester_only(context, row, actor):
    if not (actor.is_requester or _is_dpo(context)):
        raise tk.NotAuthorized(bilingual(
            "Only the requester (with the private link) can use these rights"))


@tk.auth_allow_anonymous_access
def satudata_personal_data_anyone(context, data_dict):
    # the requester has no account: the token is checked by the action itself
    return {"success": True}


@tk.side_effect_free
@schema.guarded   # no NUL, lone surrogate or non-text reference: a 409, not a 500
def satudata_personal_data_copy(context, data_dict):
    """Everything held about the requester of one request (UU 27/2022 Pasal 7,
    13, 32): the request, the personal data, the mails sent, who on the staff
    looked at it (role and page, not the staff member's name: Pasal 33), the
    rights requests and the processing record. The requester (``access_token``
    or own account) or the DPO.

    :param id: request id or number; :param access_token: the private token
    """
    from ckanext.satudata.model import outbox
    from ckanext.satudata.privacy import crypto, log, retention, rights
    from ckanext.satudata.requests import service
    import ckan.model as model
    import sqlalchemy as sa
    from ckanext.satudata.workflow import clock
    tk.check_access("satudata_personal_data_copy", context, data_dict)
    row, actor = _request_and_actor(context, data_dict)
    _requester_only(context, row, actor)
    mails = model.Session.execute(sa.select(outbox).where(
        outbox.c.request_id == row.id, outbox.c.recipient == row.email)
        .order_by(outbox.c.id)).all()
    _count, seen = log.entries_for(request_ids=[row.id], limit=10000)
    if not actor.is_requester:   # the DPO reading it for the requester: staff access
        log.record(None, actor.user_id, access.roles_for_log(actor.roles, True), row,
                   {"name": row.name, "email": row.email, "phone": row.phone,
                    "institution": row.institution, "identity_number": row.identity_number})
    public = service.public_view(row)
    return {
        "request": {k: public[k] for k in ("number", "status", "status_label", "title",
                                           "description", "format", "created_at",
                                           "closed_at", "due_date")},
        "purpose": row.purpose,
        "personal_data": {"name": row.name, "email": row.email, "phone": row.phone,
                          "institution": row.institution,
                          "identity_number": crypto.reveal(row.identity_number)},
        "mails": [{"subject": m.subject, "body": m.body, "queued_at": clock.iso_wib(m.created_at),
                   "sent_at": clock.iso_wib(m.sent_at)} for m in mails],
        "access_log": [{"at": e["at"], "roles": e["actor_roles"], "fields": e["fields"],
                        "source": e["source"]} for e in reversed(seen)],
        "rights_requests": rights.items_of(row.id),
        "processing": {
            "controller": "Walidata / PPID",
            "purpose": "Layanan permintaan data (informasi publik) / data request service",
            "legal_basis": "UU 27/2022 Pasal 20 (pelayanan publik); UU 14/2008",
            "retention": "%d %s setelah permintaan ditutup / after closing" % retention.period(),
            "retention_until": clock.iso_wib(rights.retention_until(row)),
            "recipients": "Meja PPID (staf, subkoord, kabid), petugas PDP; OPD tanpa data pribadi",
        },
    }


@schema.guarded   # no NUL, lone surrogate or non-text reference: a 409, not a 500
def satudata_rights_request_file(context, data_dict):
    """The requester asks for correction, restriction or deletion (Pasal 6, 8,
    11). Deletion is refused at once with the legal reason while the request
    or its objection is open or the retention period runs, otherwise the
    personal fields are erased at once; correction and restriction go to the
    DPO, to be answered within 3 x 24 hours.

    :param id, access_token: the request and the private token
    :param kind: koreksi, pembatasan or penghapusan
    :param detail: what to correct or restrict (required for those)
    """
    from ckanext.satudata.i18n import translate
    from ckanext.satudata.privacy import rights
    from ckanext.satudata.workflow import clock
    import ckan.model as model
    import sqlalchemy as sa
    from ckanext.satudata.model import request_event
    tk.check_access("satudata_rights_request_file", context, data_dict)
    row, actor = _request_and_actor(context, data_dict)
    _requester_only(context, row, actor)
    kind = "hak_%s" % (data_dict.get("kind") or "")
    if kind not in rights.KINDS:
        raise tk.ValidationError({"kind": [bilingual(
            "Choose correction, restriction or deletion")]})
    detail = (data_dict.get("detail") or "").strip()[:2000]
    if kind != rights.PENGHAPUSAN and not detail:
        raise tk.ValidationError({"detail": [bilingual("Say what should change")]})
    if row.email == rights.ERASED:
        raise tk.ValidationError({"id": [bilingual(
            "The personal data of this request has already been erased")]})
    now = clock.now()
    filed_id = model.Session.execute(sa.insert(request_event).values(
        request_id=row.id, transition=kind, from_status=row.status, to_status=row.status,
        actor_id=actor.user_id, actor_role="requester", at=now, comment=detail or None)
        .returning(request_event.c.id)).scalar()
    result = {"id": filed_id, "kind": kind, "status": "diajukan",
              "due_at": clock.iso_wib(now + rights.ANSWER_WITHIN)}
    if kind == rights.PENGHAPUSAN:
        refusal = rights.deletion_refusal(row, now)
        if refusal is not None:
            reason, args = refusal
            text = "%s / %s" % (translate(reason, "id") % args, reason % args)
            model.Session.execute(sa.insert(request_event).values(
                request_id=row.id, transition=rights.DITOLAK, from_status=row.status,
                to_status=row.status, actor_role="privacy", at=now,
                comment="%d: %s" % (filed_id, text)))
            result.update(status="ditolak", reason=text)
        else:
            record = rights.erase(row, "UU 27/2022 Pasal 8, 43 (permintaan subjek data)",
                                  "subjek data / data subject")
            model.Session.execute(sa.insert(request_event).values(
                request_id=row.id, transition=rights.DIJAWAB, from_status=row.status,
                to_status=row.status, actor_role="privacy", at=now,
                comment="%d: %s" % (filed_id, "Data pribadi dihapus / personal data erased")))
            result.update(status="dijawab", erased=record["fields"])
    model.repo.commit()
    return result


@schema.guarded   # no NUL, lone surrogate or non-text reference: a 409, not a 500
def satudata_rights_request_answer(context, data_dict):
    """The DPO answers a rights request (within 3 x 24 hours).

    :param id: the request; :param item: the rights request's id
    :param decision: dijawab or ditolak; :param comment: the answer (required)
    :param name, email, phone, institution: a correction to apply (dijawab)
    """
    tk.check_access("satudata_personal_access_log", context, data_dict)
    from ckanext.satudata.privacy import rights
    from ckanext.satudata.model import data_request, request_event
    from ckanext.satudata.workflow import clock
    import ckan.model as model
    import sqlalchemy as sa
    row, actor = _request_and_actor(context, data_dict)
    decision = data_dict.get("decision")
    comment = (data_dict.get("comment") or "").strip()
    if decision not in ("dijawab", "ditolak") or not comment:
        raise tk.ValidationError({"decision": [bilingual(
            "Give a decision (answered or refused) and the answer")]})
    open_items = {str(i["id"]): i for i in rights.items_of(row.id) if i["status"] == "diajukan"}
    item = open_items.get(str(data_dict.get("item")))
    if item is None:
        raise tk.ValidationError({"item": [bilingual("No open rights request with this id")]})
    if decision == "dijawab" and item["kind"] == rights.KOREKSI:
        corrected = {k: data_dict[k].strip() for k in ("name", "email", "phone", "institution")
                     if (data_dict.get(k) or "").strip()}
        if corrected:
            model.Session.execute(sa.update(data_request).where(data_request.c.id == row.id)
                                  .values(updated_at=clock.now(), **corrected))
    model.Session.execute(sa.insert(request_event).values(
        request_id=row.id, transition=rights.DIJAWAB if decision == "dijawab" else rights.DITOLAK,
        from_status=row.status, to_status=row.status, actor_id=actor.user_id,
        actor_role="dpo", at=clock.now(), comment="%s: %s" % (item["id"], comment)))
    # the requester hears of the answer (to a corrected address, if corrected)
    _mail_requester(service_get(row.id), item, decision, comment)
    model.repo.commit()
    _dispatch()
    return [i for i in rights.items_of(row.id) if i["id"] == item["id"]][0]


def service_get(request_id):
    from ckanext.satudata.requests import service
    return service.get(request_id)


def _dispatch() -> None:
    from ckanext.satudata.notifications import outbox
    outbox.dispatch()


def _mail_requester(row, item, decision: str, comment: str) -> int:
    """The rights request's own mail to the requester (both languages, like
    the request mails; privacy/templates/emails/satudata_rights_answered.txt):
    the decision, the answer or the reason, and the page of their data. Sent
    even while their data is restricted: it is about the restriction itself.
    Queued in the caller's transaction (the outbox)."""
    import datetime as dt
    from ckanext.satudata.i18n import translate
    from ckanext.satudata.notifications import mail, outbox
    from ckanext.satudata.privacy import rights
    from ckanext.satudata.requests import service
    if not row.email or row.email == rights.ERASED:
        return 0
    label = rights.KINDS[item["kind"]]
    subject, body = mail.render_mail(
        "rights_answered", row=row, decision=decision, comment=comment, kind_en=label,
        kind_id=translate(label, "id"), filed_at=dt.datetime.fromisoformat(item["filed_at"]),
        link=service.tracking_url(row.number),
        my_data_url=tk.url_for("satudata_privacy.my_data", number=row.number, _external=True))
    return outbox.queue("rights_answered", [row.email], subject, body, row.id)


@schema.guarded   # no NUL, lone surrogate or non-text reference: a 409, not a 500
def satudata_rights_restriction_lift(context, data_dict):
    """Lift a granted restriction (UU 27/2022 Pasal 11): the PPID desk sees
    the requester's contacts again and the request's mails reach them. The
    DPO, or the requester with the private link.

    :param id: the request (with ``access_token`` for the requester)
    :param item: the restriction's id (its rights request)
    :param comment: why (required for the DPO)
    """
    from ckanext.satudata.privacy import rights
    from ckanext.satudata.model import request_event
    from ckanext.satudata.workflow import clock
    import ckan.model as model
    import sqlalchemy as sa
    tk.check_access("satudata_rights_restriction_lift", context, data_dict)
    row, actor = _request_and_actor(context, data_dict)
    _requester_only(context, row, actor)
    comment = (data_dict.get("comment") or "").strip()[:2000]
    if not actor.is_requester and not comment:
        raise tk.ValidationError({"comment": [bilingual("Say why the restriction is lifted")]})
    in_force = {str(i["id"]): i for i in rights.items_of(row.id) if i["in_force"]}
    item = in_force.get(str(data_dict.get("item")))
    if item is None:
        raise tk.ValidationError({"item": [bilingual("No restriction in force with this id")]})
    comment = comment or "Dicabut oleh pemohon / lifted by the requester"
    model.Session.execute(sa.insert(request_event).values(
        request_id=row.id, transition=rights.DICABUT, from_status=row.status,
        to_status=row.status, actor_id=actor.user_id,
        actor_role="requester" if actor.is_requester else "dpo", at=clock.now(),
        comment="%s: %s" % (item["id"], comment)))
    _mail_requester(row, item, "dicabut", comment)
    model.repo.commit()
    _dispatch()
    return [i for i in rights.items_of(row.id) if i["id"] == item["id"]][0]


@tk.side_effect_free
@schema.guarded   # no NUL, lone surrogate or non-text reference: a 409, not a 500
def satudata_rights_work_list(context, data_dict):
    """The DPO's open rights requests, the closest 3 x 24 hour deadline first."""
    tk.check_access("satudata_personal_access_log", context, data_dict)
    from ckanext.satudata.privacy import rights
    return rights.work_list()


@tk.side_effect_free
@schema.guarded   # no NUL, lone surrogate or non-text reference: a 409, not a 500
def satudata_destruction_records(context, data_dict):
    """The berita acara pemusnahan: every erasure of personal data (DPO)."""
    tk.check_access("satudata_personal_access_log", context, data_dict)
    from ckanext.satudata.privacy import rights
    return rights.destruction_records()


def actions() -> dict:
    return {f.__name__: f for f in (
        satudata_personal_access_log, satudata_personal_data_copy,
        satudata_rights_request_file, satudata_rights_request_answer,
        satudata_rights_work_list, satudata_destruction_records,
        satudata_rights_restriction_lift)}


def auth_functions() -> dict:
    anyone = satudata_personal_data_anyone
    return {"satudata_personal_access_log": satudata_personal_access_log_auth,
            "satudata_personal_data_copy": anyone, "satudata_rights_request_file": anyone,
            # the requester has no account: the action checks the token or the DPO
            "satudata_rights_restriction_lift": anyone,
            "satudata_rights_request_answer": satudata_personal_access_log_auth,
            "satudata_rights_work_list": satudata_personal_access_log_auth,
            "satudata_destruction_records": satudata_personal_access_log_auth}

"""Workflow 2 persistence and effects: numbers, deadlines, events, privacy,
delivery, notifications. Rules come from ``ckanext.satudata.requests.rules``."""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import uuid
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from werkzeug.utils import secure_filename

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.i18n import bilingual, translate
from ckanext.satudata.workflow import clock, roles, sla as workflow_sla
from ckanext.satudata.notifications import mail, outbox as notify, people
from ckanext.satudata.requests import rules as p
from ckanext.satudata.model import data_request, request_event, request_number
from ckanext.satudata.model import dataset_workflow
from ckanext.satudata.privacy import access as privacy, crypto, log as access_log

log = logging.getLogger(__name__)

PERSONAL_FIELDS = privacy.PERSONAL_FIELDS


def calendar():
    return clock.calendar_from_config()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def next_number(year: int) -> str:
    """PDS-YYYY-NNNNN, gap-free per year: the counter row is locked until the
    request commits, and a rolled-back request gives its number back."""
    last = model.Session.execute(
        insert(request_number).values(year=year, last=1)
        .on_conflict_do_update(index_elements=["year"],
                               set_={"last": request_number.c.last + 1})
        .returning(request_number.c.last)).scalar()
    return "PDS-%d-%05d" % (year, last)


def get(ref: str, lock: bool = False):
    query = sa.select(data_request).where(
        sa.or_(data_request.c.id == ref, data_request.c.number == ref))
    if lock:
        query = query.with_for_update()
    return model.Session.execute(query).first()


def tracking_url(number: str) -> str:
    return tk.url_for("satudata_requests.track", number=number, _external=True)


# -- who is asking -----------------------------------------------------------------

# The OPD capacities that act for the organization on a request. A read-only
# `member` of the OPD neither sees the requester's personal data nor acts.
ACTING_CAPACITIES = ("admin", "editor")


def organization_ids_of(user_id: Optional[str]) -> frozenset:
    """The organizations (OPDs) the user acts for: editor or admin there."""
    if not user_id:
        return frozenset()
    rows = model.Session.query(model.Member.group_id).join(
        model.Group, model.Group.id == model.Member.group_id).filter(
        model.Member.table_name == "user", model.Member.table_id == user_id,
        model.Member.state == "active", model.Member.capacity.in_(ACTING_CAPACITIES),
        model.Group.is_organization.is_(True), model.Group.state == "active")
    return frozenset(r[0] for r in rows)


def actor_for(context, row=None, access_token: Optional[str] = None) -> p.Actor:
    user = model.User.get(context.get("user") or "")
    is_requester = False
    if row is not None:
        if access_token and hmac.compare_digest(hash_token(access_token),
                                                row.access_token_hash):
            is_requester = True
        elif user is not None and row.user_id == user.id:
            is_requester = True
    if user is None:
        return p.Actor(is_requester=is_requester)
    return p.Actor(user.id, frozenset(roles.roles_of(user.id)),
                   organization_ids=organization_ids_of(user.id), is_requester=is_requester)


PUBLIC, REQUESTER, INTERNAL = "public", "requester", "internal"


def audience(context, row, actor: p.Actor) -> str:
    """Who is looking at `row`: the one place that decides how much of a
    request a caller sees (SPEC "satudata_request_show").

    - ``internal``: sysadmins, the Walidata team (staf, subkoord, kabid), the
      DPO and the editors and admins of the OPD the request was sent to: the
      internal history, SLA, received data (the requester's personal data
      only for the PPID desk: ``privacy.access.fields_for``);
    - ``requester``: the access token's holder or the account that filed it:
      their own details and the answers owed to them, not the inside of the office;
    - ``public``: everyone else (read-only OPD members included): status,
      title, description, deadline and, for a rejection, the reason.
    """
    if is_sysadmin(context) or p.is_staff(actor) or privacy.DPO in actor.roles or (
            row.organization_id is not None
            and row.organization_id in actor.organization_ids):
        return INTERNAL
    if actor.is_requester:
        return REQUESTER
    return PUBLIC


def view_for(context, row, actor: p.Actor) -> dict[str, Any]:
    """The view of `row` its audience may see."""
    from ckanext.satudata.requests import objection
    who = audience(context, row, actor)
    result = public_view(row) if who == PUBLIC else full_view(row, actor, who)
    restricted = None
    if who == INTERNAL and privacy.is_desk(actor.roles, is_sysadmin(context)):
        # a granted restriction (UU 27/2022 Pasal 11): the desk page says so
        from ckanext.satudata.privacy import rights
        restricted = result["personal_data_restricted"] = rights.is_restricted(row)
    personal = privacy.fields_for(row, actor.roles, who, is_sysadmin(context), restricted)
    result.update(personal)
    if who == INTERNAL and not privacy.is_desk(actor.roles, is_sysadmin(context)):
        # rights requests and erasures are the PPID desk's (privacy/rights.py)
        result["history"] = [e for e in result["history"]
                             if not privacy.is_private_event(e["transition"])]
    if who == INTERNAL and personal and actor.user_id:   # staff, not the system
        access_log.record(context, actor.user_id, privacy.roles_for_log(
            actor.roles, is_sysadmin(context)), row, personal)
    result.update(objection.view(row, actor, who))
    return result


def is_sysadmin(context) -> bool:
    if context.get("ignore_auth"):
        return True
    if "_satudata_sysadmin" not in context:   # asked once per row of a list
        user = model.User.get(context.get("user") or "")
        context["_satudata_sysadmin"] = bool(user is not None and user.sysadmin)
    return context["_satudata_sysadmin"]


# -- views ---------------------------------------------------------------------------

def deadline(row) -> dict[str, Any]:
    cal = calendar()
    today = clock.now().astimezone(clock.WIB).date()
    closed = row.status in p.CLOSED
    paused = row.status == p.MENUNGGU_KLARIFIKASI
    return {
        "due_date": row.due_date.isoformat(),
        "due_at": clock.iso_wib(cal.deadline_end(row.due_date)),
        "extended": row.extended,
        "working_days_left": None if closed else cal.working_days_between(today, row.due_date),
        "overdue": (not closed and not paused
                    and clock.now() > cal.deadline_end(row.due_date)),
        "paused": paused,
    }


def sla(row) -> dict[str, Any]:
    return workflow_sla.step_sla(p.STEPS[row.status], row.status_entered_at)


def _delivered(row) -> Optional[dict[str, Any]]:
    if row.status != p.SELESAI:
        return None
    result: dict[str, Any] = {"file": bool(row.delivered_file),
                              "partial": bool(row.delivered_partial)}
    if row.delivered_dataset_id:
        pkg = model.Package.get(row.delivered_dataset_id)
        if pkg is not None:
            result["dataset"] = pkg.name
            result["dataset_url"] = tk.url_for("dataset.read", id=pkg.name, _external=True)
    if row.delivered_resource_url:
        result["resource_url"] = row.delivered_resource_url
    return result


def public_view(row) -> dict[str, Any]:
    org = model.Group.get(row.organization_id) if row.organization_id else None
    return {
        "id": row.id, "number": row.number, "status": row.status,
        "status_label": p.STEPS[row.status].label_id,
        "status_label_en": p.STEPS[row.status].label_en,
        "title": row.title, "description": row.description, "format": row.format,
        "organization": org.name if org else None,
        "organization_title": org.title if org else None,
        "created_at": clock.iso_wib(row.created_at),
        "closed_at": clock.iso_wib(row.closed_at),
        "deadline": deadline(row), "due_date": row.due_date.isoformat(),
        "tracking_url": tracking_url(row.number),
        "delivered": _delivered(row),
        "reject_reason": row.reject_reason if row.status == p.DITOLAK else None,
        "history": events(row.id, PUBLIC),
        # forwarding and splitting: which OPDs, never who or why
        "forwarded": bool(row.forwarded_from_org_id) or row.status == p.DITERUSKAN,
        "forwarded_from_organization_title": _org_title(row.forwarded_from_org_id) or None,
        "split_from": _number_of(row.split_from_id),
        "split_parts": [r.number for r in model.Session.execute(
            sa.select(data_request.c.number).where(data_request.c.split_from_id == row.id)
            .order_by(data_request.c.created_at))],
    }


def _number_of(request_id):
    if not request_id:
        return None
    return model.Session.execute(sa.select(data_request.c.number).where(
        data_request.c.id == request_id)).scalar()


def full_view(row, actor: p.Actor, who: str) -> dict[str, Any]:
    """The requester's own details for the requester; the internal history,
    assignee, SLA and received data only for the team and the target OPD.
    Use `view_for`, which asks `audience` who `who` is."""
    assert who in (REQUESTER, INTERNAL)
    internal = who == INTERNAL
    result = public_view(row)
    result.update(purpose=row.purpose, view="full", audience=who,
                  history=events(row.id, who),
                  allowed_transitions=p.allowed_transitions(item_for(row), actor))
    if row.delivered_file:
        result["delivered"] = dict(result["delivered"] or {}, file=True)
    if not internal:
        return result
    assignee = model.User.get(row.assignee_id) if row.assignee_id else None
    suggested = model.Group.get(row.suggested_org_id) if row.suggested_org_id else None
    forward_to = model.Group.get(row.forward_org_id) if row.forward_org_id else None
    result.update(
        forward_organization=forward_to.name if forward_to else None,
        forward_organization_title=_org_title(row.forward_org_id) or None,
        suggested_organization=suggested.name if suggested else None,
        suggested_organization_title=(suggested.title or suggested.name) if suggested else None,
        assignee=assignee.name if assignee else None,
        sla=sla(row),
        received={"dataset": row.received_dataset_id, "resource_url":
                  row.received_resource_url, "file": bool(row.received_file)},
        derived_dataset=(model.Package.get(row.derived_dataset_id).name
                         if row.derived_dataset_id
                         and model.Package.get(row.derived_dataset_id) else None))
    return result


def events(request_id: str, who: str) -> list[dict[str, Any]]:
    """The request's history as `who` (an `audience`) may read it: the team
    sees everything; the requester the steps and the comments owed to them
    (questions, answers, reasons); the public the steps and a rejection's reason."""
    rows = model.Session.execute(sa.select(request_event).where(
        request_event.c.request_id == request_id).order_by(request_event.c.id))
    comments = p.REQUESTER_COMMENTS if who == REQUESTER else p.PUBLIC_COMMENTS
    out = []
    for r in rows:
        if who != INTERNAL and r.transition not in p.PUBLIC_TRANSITIONS:
            continue
        entry = {"transition": r.transition, "from_status": r.from_status,
                 "to_status": r.to_status, "at": clock.iso_wib(r.at)}
        if who == INTERNAL:
            actor = model.User.get(r.actor_id) if r.actor_id else None
            entry.update(actor=actor.name if actor else None, actor_role=r.actor_role,
                         comment=r.comment, standard_minutes=r.standard_minutes,
                         elapsed_minutes=r.elapsed_minutes)
        elif r.transition in comments:
            entry["comment"] = r.comment
        out.append(entry)
    return out


def item_for(row) -> p.Item:
    return p.Item(state=row.status, assignee_id=row.assignee_id,
                  organization_id=row.organization_id, previous_state=row.previous_status,
                  extended=row.extended, forward_org_id=row.forward_org_id,
                  has_received_data=bool(row.received_dataset_id or row.received_resource_url
                                         or row.received_file))


# -- writing -------------------------------------------------------------------------

def create(context, data: dict[str, Any]) -> tuple[Any, str]:
    now = clock.now()
    token = secrets.token_urlsafe(24)
    user = model.User.get(context.get("user") or "")
    request_id = str(uuid.uuid4())
    number = next_number(now.astimezone(clock.WIB).year)
    model.Session.execute(sa.insert(data_request).values(
        id=request_id, number=number, status=p.BARU,
        title=data["title"], description=data["description"], purpose=data["purpose"],
        format=data.get("format"), suggested_org_id=data.get("organization"),
        name=data["name"], email=data["email"], phone=data.get("phone"),
        institution=data.get("institution"),
        identity_number=crypto.seal(data.get("identity_number")),   # never stored in clear
        user_id=user.id if user else None, access_token_hash=hash_token(token),
        created_at=now, clock_started_at=now, status_entered_at=now, updated_at=now,
        due_date=calendar().add_working_days(now, p.LEGAL_DAYS)))
    _event(request_id, "create", None, p.BARU, user.id if user else None, "requester", "", None)
    row = get(request_id)
    _notify_created(row, token)
    return row, token


def _event(request_id, transition, from_status, to_status, actor_id, actor_role, comment,
           entered_at):
    workflow_sla.append_event(
        request_event, p.STEPS.get(from_status) if from_status else None, entered_at,
        request_id=request_id, transition=transition, from_status=from_status,
        to_status=to_status, actor_id=actor_id, actor_role=actor_role, comment=comment or None)


def published_dataset(ref: str):
    """A dataset that is `terbit` (the only kind a request may be answered with)."""
    pkg = model.Package.get(ref or "")
    if pkg is None or pkg.state != "active" or pkg.private:
        return None
    row = model.Session.execute(sa.select(dataset_workflow.c.published).where(
        dataset_workflow.c.package_id == pkg.id)).first()
    return pkg if row is not None and row.published else None


def published_resource_url(url: str) -> bool:
    """A link to a resource of a published dataset on this portal: parsed
    (``rules.portal_resource_link``), never searched for an id, so
    ``javascript:…/resource/<id>`` or another host is no delivered link."""
    link = p.portal_resource_link(url, tk.config.get("ckan.site_url") or "")
    if link is None:
        return False
    dataset, resource_id = link
    resource = model.Resource.get(resource_id)
    if resource is None or resource.state != "active":
        return False
    pkg = published_dataset(resource.package_id)
    return bool(pkg is not None and dataset in (pkg.id, pkg.name))


def request_storage() -> str:
    """The declared private storage of request files: never under CKAN's public
    /uploads, and never a temporary directory that a reboot empties."""
    path = tk.config.get("ckanext.satudata.request_storage_path")
    if not path and tk.config.get("ckan.storage_path"):
        path = os.path.join(tk.config["ckan.storage_path"], "satudata_requests")
    if not path:
        raise tk.ValidationError({"upload": [bilingual(
            "This portal has no file storage configured: set ckan.storage_path")]})
    return path


def save_file(request_id: str, upload, kind: str) -> str:
    """Keep a file for the requester only (outside CKAN's public storage)."""
    base = os.path.join(request_storage(), request_id)
    os.makedirs(base, exist_ok=True)
    name = secure_filename(getattr(upload, "filename", "") or "data") or "data"
    path = os.path.join(base, "%s-%s" % (kind, name))
    upload.save(path)
    return path


def transition(context, row, request: p.Request, actor: p.Actor, data: dict[str, Any]):
    """Apply one transition to a locked row; commit happens in the action."""
    to_state = p.decide(item_for(row), actor, request)
    now = clock.now()
    t = request.transition
    values: dict[str, Any] = {"status": to_state, "updated_at": now}
    if to_state != row.status:
        values["status_entered_at"] = now
    if t == "assign":
        values["assignee_id"] = data["assignee"]
    elif t == "escalate":
        values["organization_id"] = data["organization"]
    elif t == "opd_forward":
        values["forward_org_id"] = request.organization_id
    elif t == "forward":
        # the deadline is not restarted (see permintaan.LEGAL_DAYS)
        values.update(organization_id=request.organization_id or row.forward_org_id,
                      forwarded_from_org_id=row.organization_id, forward_org_id=None)
    elif t == "forward_refuse":
        values["forward_org_id"] = None
    elif t == "opd_send":
        values.update(received_dataset_id=data.get("dataset"),
                      received_resource_url=data.get("resource_url"),
                      received_file=save_file(row.id, data["upload"], "opd")
                      if data.get("upload") is not None else None)
    elif t == "deliver":
        values["delivered_partial"] = bool(data.get("partial"))
        if request.has_data:
            values.update(delivered_dataset_id=data.get("dataset"),
                          delivered_resource_url=data.get("resource_url"),
                          delivered_file=save_file(row.id, data["upload"], "hasil")
                          if data.get("upload") is not None else None)
        else:
            values.update(delivered_dataset_id=row.received_dataset_id,
                          delivered_resource_url=row.received_resource_url,
                          delivered_file=row.received_file)
    elif t == "reject":
        values["reject_reason"] = request.reason or p.DEFAULT_REJECT_REASON
    elif t == "ask_clarification":
        values["previous_status"] = row.status
    elif t == "clarify":
        # UU 14/2008: the 10 working days run from the clarification's arrival
        values.update(previous_status=None, clock_started_at=now,
                      due_date=calendar().add_working_days(now, p.LEGAL_DAYS))
    elif t == "extend":
        values.update(extended=True,
                      due_date=calendar().add_working_days(row.due_date, p.EXTENSION_DAYS))
    if to_state in p.CLOSED:
        values["closed_at"] = now
    model.Session.execute(sa.update(data_request).where(data_request.c.id == row.id)
                          .values(**values))
    role = "requester" if actor.is_requester and t in ("clarify", "withdraw") else (
        "opd" if t.startswith("opd_") else "staff")
    _event(row.id, t, row.status, to_state, actor.user_id, role, request.comment,
           row.status_entered_at)
    _notify_transition(get(row.id), t, request.comment)
    if request.split_organization_id:
        split(get(row.id), request.split_organization_id, actor)
    return to_state


def split(row, org_id: str, actor: p.Actor):
    """The part of `row` another OPD holds becomes a second request: its own
    number and access token (mailed to the requester), the same requester,
    text, start of the legal clock and due date, sent straight to `org_id`
    (``di_opd``) and linked by ``split_from_id``. Both histories say so."""
    now = clock.now()
    token = secrets.token_urlsafe(24)
    new_id = str(uuid.uuid4())
    number = next_number(now.astimezone(clock.WIB).year)
    copied = ("title", "description", "purpose", "format", "suggested_org_id",
              "user_id", "clock_started_at", "due_date", "extended") + PERSONAL_FIELDS
    model.Session.execute(sa.insert(data_request).values(
        id=new_id, number=number, status=p.DI_OPD, organization_id=org_id,
        access_token_hash=hash_token(token), split_from_id=row.id,
        created_at=now, status_entered_at=now, updated_at=now,
        **{k: getattr(row, k) for k in copied}))
    _event(row.id, "split", row.status, row.status, actor.user_id, "staff", number, None)
    _event(new_id, "split_from", None, p.DI_OPD, actor.user_id, "staff", row.number, None)
    new = get(new_id)
    queue_mail("request_split", row.email, new_id, row=row, number=number,
               due_date=new.due_date, token=token,
               private_link=private_tracking_url(number, token))
    _notify_next(new, "split_from")
    return new, token


# -- notifications -------------------------------------------------------------------
# The requester hears of what is owed to them (the receipt, a question, the
# extension, the answer, an objection's decision); internal steps mail only
# the people whose turn it is, naming the SOP step and its standard time.

def _emails_of(user_ids) -> list[str]:
    return [x.email for x in people.people(user_ids)]


def _role_emails(role: str) -> list[str]:
    return [x.email for x in people.role_holders(role)]


def _org_title(org_id) -> str:
    org = model.Group.get(org_id) if org_id else None
    return (org.title or org.name) if org else ""


def private_tracking_url(number: str, token: str) -> str:
    """The tracking page with the access token (exchanged for the session on
    the first visit): only ever in the requester's own mail."""
    return tk.url_for("satudata_requests.track", number=number, token=token, _external=True)


def queue_mail(kind: str, to, item_id: str, **template_vars) -> None:
    """Queue the mail of templates/emails/satudata_<kind>.txt (both languages) to `to`.
    Not while the requester's data is restricted (UU 27/2022 Pasal 11): the
    request's page still says everything; only the rights request's own
    mails (privacy/actions.py) reach them then."""
    from ckanext.satudata.privacy import rights
    row = template_vars.get("row")
    if row is not None and rights.is_restricted(row):
        log.info("satudata: mail %s of request %s withheld: personal data restricted",
                 kind, row.number)
        return
    subject, body = mail.render_mail(kind, **template_vars)
    notify.queue(kind, [to] if isinstance(to, str) else to, subject, body, item_id)


def next_actors(row) -> list:
    """Whose turn it is in `row`'s state (notifications.people.Person)."""
    actor = p.STEPS[row.status].actor
    if actor == p.OPD:
        return people.org_people(row.organization_id)
    if actor == p.STAF and row.assignee_id:
        return people.people([row.assignee_id])
    if actor in roles.ROLES:
        return people.role_holders(actor)
    return []


# What just happened, for the mail to whoever acts next (id, en).
HAPPENED = {
    "create": ("Permintaan data baru masuk.", "A new data request has arrived."),
    "assign": ("Subkoordinator menugaskan permintaan ini kepada Anda.",
               "The Subkoord assigned this request to you."),
    "not_available": ("Staf menyatakan data tidak tersedia di portal.",
                      "The staff found the data is not on the portal."),
    "escalate": ("Walidata meminta data ini kepada Perangkat Daerah Anda.",
                 "The Walidata asks your agency for this data."),
    "forward": ("Permintaan ini diteruskan kepada Perangkat Daerah Anda.",
                "This request has been forwarded to your agency."),
    "forward_refuse": ("Subkoordinator menolak penerusan; permintaan tetap pada Perangkat "
                       "Daerah Anda.", "The Subkoord refused the forward; the request stays "
                       "with your agency."),
    "split_from": ("Sebagian permintaan data dipisahkan dan dikirim kepada Perangkat Daerah Anda.",
                   "Part of a data request was split off and sent to your agency."),
    "opd_forward": ("Perangkat Daerah mengusulkan penerusan ke Perangkat Daerah lain.",
                    "The agency proposes forwarding the request to another agency."),
    "opd_decline": ("Perangkat Daerah menyatakan tidak memiliki data ini.",
                    "The agency says it does not hold this data."),
    "opd_send": ("Perangkat Daerah telah mengirim data.", "The agency has sent the data."),
    "handover": ("Subkoordinator menyerahkan data kepada Anda untuk dikirim ke pemohon.",
                 "The Subkoord handed you the data to deliver to the requester."),
    "clarify": ("Pemohon telah mengirim klarifikasi.", "The requester sent the clarification."),
}
# Steps whose note the next actor needs (the reason of a forward or its refusal).
NOTE_FOR_NEXT = {"opd_forward", "forward_refuse", "clarify"}


def _notify_next(row, transition: str, comment: str = "") -> None:
    step = p.STEPS[row.status]
    happened_id, happened_en = HAPPENED[transition]
    step_due = (calendar().add_office_minutes(row.status_entered_at, step.standard_minutes)
                if step.standard_minutes is not None else None)
    mail.queue_to_people(
        "request_task", next_actors(row), row.id, row=row, step=step, step_due=step_due,
        happened_id=happened_id, happened_en=happened_en, link=tracking_url(row.number),
        note=comment if transition in NOTE_FOR_NEXT else "",
        show_description=step.actor == p.OPD)


def _objection_until(row):
    """The last day to object to `row`'s answer, if any ground is open."""
    from ckanext.satudata.requests import objection, objection_rules
    open_grounds = objection_rules.grounds(objection.facts_for(row), objection.today(),
                                           calendar())
    return max(open_grounds.values()) if open_grounds else None


def _notify_created(row, token: str) -> None:
    queue_mail("request_created", row.email, row.id, row=row, token=token,
               private_link=private_tracking_url(row.number, token),
               extended_due=calendar().add_working_days(row.due_date, p.EXTENSION_DAYS))
    _notify_next(row, "create")


def _notify_requester(row, transition: str, comment: str) -> None:
    link = tracking_url(row.number)
    if transition == "ask_clarification":
        queue_mail("request_question", row.email, row.id, row=row, comment=comment, link=link)
    elif transition == "extend":
        queue_mail("request_extended", row.email, row.id, row=row, comment=comment, link=link)
    elif transition == "deliver":
        delivered = _delivered(row) or {}
        queue_mail("request_answered", row.email, row.id, row=row, comment=comment, link=link,
                   partial=bool(row.delivered_partial),
                   dataset_url=delivered.get("dataset_url"),
                   resource_url=delivered.get("resource_url"),
                   has_file=bool(row.delivered_file), objection_until=_objection_until(row))
    elif transition in ("reject", "close_unavailable"):
        reason = p.REJECT_REASONS.get(row.reject_reason or "", "")
        queue_mail("request_rejected", row.email, row.id, row=row, comment=comment, link=link,
                   rejected=transition == "reject", reason_en=reason,
                   reason_id=translate(reason, "id") if reason else "",
                   objection_until=_objection_until(row))


def _notify_transition(row, transition: str, comment: str) -> None:
    _notify_requester(row, transition, comment)
    if transition in HAPPENED:
        _notify_next(row, transition, comment)
    if transition == "forward" and row.forwarded_from_org_id:
        mail.queue_to_people("request_forwarded_away",
                             people.org_people(row.forwarded_from_org_id), row.id, row=row,
                             link=tracking_url(row.number),
                             handled_by=_org_title(row.organization_id))

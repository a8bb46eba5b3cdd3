"""Template helpers."""
from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.i18n import in_page_language
from ckanext.satudata.workflow import roles
from ckanext.satudata.dissemination import rules as dissemination
from ckanext.satudata.requests import objection_rules, rules as permintaan
from ckanext.satudata.workflow import access



def _pick(labels, key):
    """The label of `key` in the page's language (labels are msgids of the catalogue)."""
    return tk._(labels[key]) if key in labels else key


def satudata_is_walidata():
    user = tk.current_user
    return bool(user and user.is_authenticated and roles.is_walidata_team(user.id))


def satudata_role_label(role, lang=None):
    return _pick(roles.ROLE_LABELS, role)


def satudata_state_label(state):
    return _pick(dissemination.STATE_LABELS, state)


def satudata_transition_label(transition):
    return _pick(dissemination.TRANSITION_LABELS, transition)


def satudata_step_label(sla):
    return in_page_language(sla["step_label_en"])


def satudata_dataset_workflow(package_id):
    """The workflow panel's data, or None for who may not see it."""
    try:
        return tk.get_action("satudata_dataset_workflow_show")(access.page_context(), {"id": package_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None


def satudata_dataset_opd(org_id):
    """The dataset page's OPD box: core's ``h.get_organization`` without what
    the box never shows (``show_nums=false``): the OPD's dataset count is a
    search, its followers and users more queries, on every dataset page."""
    if not org_id:
        return {}

    def shown():
        try:
            return tk.get_action("organization_show")({}, {
                "id": org_id, "include_dataset_count": False, "include_users": False,
                "include_followers": False, "include_groups": False})
        except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
            return {}
    # the same box on every page of the OPD's datasets (an OPD renamed
    # moves the page generation)
    from ckanext.satudata.page_cache import store
    return store.remembered_for_visitors("dataset-opd", (org_id,), shown)


def satudata_dataset_history(package_id):
    try:
        return tk.get_action("satudata_dataset_history")(access.page_context(), {"id": package_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return []


def satudata_role_holders(role):
    return [model.User.get(r["user_id"]) for r in roles.assignments()
            if r["role"] == role]


# -- Workflow 2: Layanan Permintaan Data Sektoral --------------------------------------

REQUEST_STATUS_COLOURS = {
    "baru": "primary", "diperiksa": "info", "perlu_opd": "warning", "di_opd": "warning",
    "diteruskan": "warning",
    "opd_menyiapkan": "warning", "tidak_ada_data": "secondary", "data_diterima": "info",
    "siap_dikirim": "info", "menunggu_klarifikasi": "dark", "selesai": "success",
    "ditutup": "secondary", "ditolak": "danger", "dibatalkan": "secondary",
}


def satudata_request_status_label(status):
    return _pick(permintaan.STATUS_LABELS, status)


def satudata_request_status_colour(status):
    return REQUEST_STATUS_COLOURS.get(status, "secondary")


def satudata_request_statuses():
    """All statuses, open ones first, as (value, label) for filters."""
    return [(s, satudata_request_status_label(s)) for s in permintaan.STATES]


def satudata_request_transition_label(transition):
    return _pick(permintaan.TRANSITION_LABELS, transition)


def satudata_objection_status_label(status):
    return _pick(objection_rules.STATUS_LABELS, status)


def satudata_objection_ground_label(ground):
    return _pick(objection_rules.GROUNDS, ground)


def satudata_reject_reasons():
    """(key, label) of the rejection reason categories, in the page language."""
    return [(k, tk._(v)) for k, v in permintaan.REJECT_REASONS.items()]


def satudata_request_step_label(req):
    """What is under way in the request's current status (the SOP step)."""
    return in_page_language(req.get("status_label_en"))


def satudata_request_turn(req):
    """Whose turn it is on an open request, for the team and the OPD: the
    SOP step's actor, named where the request names one (the assigned staff
    member, the OPD), and whether it is the viewer's (one of the step's own
    buttons waits for them; a question or an extension is not the step)."""
    step = permintaan.STEPS.get(req.get("status"))
    if step is None or req.get("closed_at"):
        return None
    who = {permintaan.SUBKOORD: tk._(roles.ROLE_LABELS[permintaan.SUBKOORD]),
           permintaan.STAF: tk._(roles.ROLE_LABELS[permintaan.STAF]),
           permintaan.OPD: req.get("organization_title") or tk._("The agency"),
           permintaan.REQUESTER: tk._("Requester")}.get(step.actor, step.actor)
    if step.actor == permintaan.STAF and req.get("assignee"):
        assignee = model.User.get(req["assignee"])
        if assignee is not None:
            who = "%s (%s)" % (who, assignee.display_name)
    # the step's own moves (made by its actor), not a question or an extension
    own = {t for t, (moves, actor) in permintaan.TRANSITIONS.items()
           if actor == step.actor and req.get("status") in moves}
    yours = bool(own & set(req.get("allowed_transitions") or ()))
    return {"who": who, "step": satudata_request_step_label(req), "yours": yours}


def _parse_iso(value):
    import datetime as dt
    if not value:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            return None


def satudata_wib_date(value):
    """A date (or the WIB date of a datetime) written out in the page's language."""
    import datetime as dt
    from babel.dates import format_date
    from ckanext.satudata.workflow import clock
    parsed = _parse_iso(value)
    if parsed is None:
        return value or ""
    if isinstance(parsed, dt.datetime):
        parsed = clock.wib_date(parsed)
    return format_date(parsed, "d MMMM y", locale=tk.h.lang() or "id")


def satudata_wib_datetime(value):
    """A moment in WIB (Asia/Jakarta), written out in the page's language."""
    import datetime as dt
    from babel.dates import format_datetime
    from ckanext.satudata.workflow import clock
    parsed = _parse_iso(value)
    if parsed is None:
        return value or ""
    if not isinstance(parsed, dt.datetime):
        return satudata_wib_date(parsed)
    return format_datetime(clock.to_wib(parsed), "d MMMM y, HH:mm",
                           locale=tk.h.lang() or "id") + " WIB"


def satudata_organization_options():
    """Active organizations (OPD), by title: [{value, text}] for a select."""
    orgs = (model.Session.query(model.Group)
            .filter(model.Group.is_organization.is_(True), model.Group.state == "active")
            .order_by(model.Group.title))
    return [{"value": g.name, "text": g.title or g.name} for g in orgs]



def satudata_is_opd_member():
    """The current user belongs to an organization (OPD), so has an inbox."""
    user = tk.current_user
    if not (user and user.is_authenticated):
        return False
    from ckanext.satudata.requests import service as data_request
    return bool(data_request.organization_ids_of(user.id))

def satudata_owner_org_choices(data):
    """The OPDs the dataset form offers: every OPD to the Walidata team (it
    prepares datasets for all of them), the editor's own otherwise, and
    always the dataset's current OPD, so saving never moves it silently."""
    import ckan.model as model
    if satudata_is_walidata():
        orgs = (model.Session.query(model.Group)
                .filter_by(is_organization=True, state="active")
                .order_by(model.Group.title).all())
        choices = [{"id": o.id, "display_name": o.display_name} for o in orgs]
    else:
        choices = [{"id": o["id"], "display_name": o["display_name"]}
                   for o in tk.h.organizations_available("create_dataset")]
    current = (data or {}).get("owner_org")
    if current and current not in {c["id"] for c in choices}:
        org = model.Group.get(current)
        if org is not None:
            choices.insert(0, {"id": org.id, "display_name": org.display_name})
    return choices


def satudata_revision_base(package_id):
    """What the edit form was opened on: saving over someone else's newer
    edit of the pending revision is refused instead of silently lost."""
    from ckanext.satudata.dissemination import service as dataset_workflow
    row = dataset_workflow.get_row(package_id) if package_id else None
    return row.content_hash if row is not None and row.published else ""


def satudata_edit_makes_revision(package_ref):
    """Whether saving this dataset's forms makes a revision for review (the
    dataset is published) rather than changing it in place."""
    from ckanext.satudata.dissemination import service as dataset_workflow
    pkg = model.Package.get(package_ref) if package_ref else None
    row = dataset_workflow.get_row(pkg.id) if pkg is not None else None
    return bool(row is not None and row.published)


_MONTHS_ID = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov",
              "Des")


def satudata_wib(value):
    """'25 Nov 2026, 10.05 WIB' from an ISO timestamp (or a datetime)."""
    import datetime as dt
    from ckanext.satudata.workflow import clock
    if not value:
        return "—"
    when = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    when = when.astimezone(clock.WIB)
    if tk.h.lang() == "en":
        return when.strftime("%d %b %Y, %H:%M WIB")
    return "%d %s %d, %02d.%02d WIB" % (when.day, _MONTHS_ID[when.month - 1], when.year,
                                         when.hour, when.minute)


def satudata_display_name(user_ref):
    user = model.User.get(user_ref) if user_ref else None
    return user.display_name if user is not None else (user_ref or "—")


def _schema_fields(kind):
    from ckanext.satudata.dissemination.revision_diff import FORM_TO_DATASET
    schema = tk.h.scheming_get_dataset_schema("dataset") or {}
    return {FORM_TO_DATASET.get(f["field_name"], f["field_name"]): f
            for f in schema.get(kind) or []}


def _field_label(fields, name):
    field = fields.get(name)
    if field and field.get("label"):
        return tk.h.scheming_language_text(field["label"])
    return {"tags": tk._("Tags"), "url": "URL", "format": tk._("Format")}.get(
        name, name.replace("_", " ").capitalize())


def _value_text(fields, name, value):
    if value in (None, "", [], {}):
        return ""
    if name == "owner_org":
        org = model.Group.get(value)
        return org.display_name if org is not None else value
    if name == "license_id":
        license = model.Package.get_license_register().get(value)
        return license.title if license is not None else value
    choices = {c["value"]: c["label"] for c in (fields.get(name) or {}).get("choices") or []}
    if isinstance(value, list):
        return ", ".join(_value_text(fields, name, v) for v in value)
    if value in choices:
        return tk.h.scheming_language_text(choices[value])
    return str(value)


def _is_markdown(fields, name):
    return name in ("notes", "description") or \
        (fields.get(name) or {}).get("form_snippet") == "markdown.html"


def _field_row(fields, name, live, revision, label=None):
    """One changed field: both versions as the page shows them, the words
    taken out marked in the published one, the words put in in the revision."""
    from ckanext.satudata.dissemination import revision_diff as rd
    if name == "tags" or isinstance(live, list) or isinstance(revision, list):
        # a list changes item by item, not word by word
        as_list = lambda v: [_value_text(fields, name, x) for x in v or []]  # noqa: E731
        runs, sep = rd.diff_tokens(as_list(live), as_list(revision)), ", "
    else:
        markdown = _is_markdown(fields, name)
        runs = rd.word_diff(rd.rendered_text(_value_text(fields, name, live), markdown),
                            rd.rendered_text(_value_text(fields, name, revision), markdown))
        sep = " "
    old, new = rd.side_by_side(runs, sep)
    return {"label": label or _field_label(fields, name), "live": old or "—",
            "revision": new or "—"}


def _file_text(file):
    if not file:
        return ""
    details = [d for d in (file.get("format"), tk.h.localised_filesize(int(file["size"]))
                           if str(file.get("size") or "").isdigit() else None) if d]
    return "%s (%s)" % (file["name"], ", ".join(details)) if details else file["name"]


def satudata_diff_rows(diff):
    """The pending revision's changes as a reviewer reads them: field labels
    in the page language, choice labels, text word by word (del/ins, all of it
    escaped), a resource's new file as "file replaced" with name, format and size."""
    dataset_fields, resource_fields = _schema_fields("dataset_fields"), \
        _schema_fields("resource_fields")
    rows = []
    for change in diff or []:
        field = change["field"]
        if not field.startswith("resource:"):
            rows.append(_field_row(dataset_fields, field, change["live"], change["revision"]))
            continue
        name = change.get("resource") or field.split(":", 1)[1]
        live, new = change.get("live") or {}, change.get("revision") or {}
        if change.get("change") in ("added", "removed"):
            summary = lambda r: " · ".join(x for x in (  # noqa: E731
                r.get("name"), _file_text(r.get("file"))) if x)
            label = (tk._("New resource") if change["change"] == "added"
                     else tk._("Removed resource")) + " «%s»" % name
            rows.append(_field_row({}, "resource", summary(live), summary(new), label=label))
            continue
        for key in change.get("fields") or ():
            rows.append(_field_row(
                resource_fields, key, live.get(key), new.get(key),
                label="%s «%s» — %s" % (tk._("Resource"), name,
                                       _field_label(resource_fields, key))))
        if change.get("file_replaced"):
            rows.append(_field_row(
                {}, "file", _file_text(live.get("file")), _file_text(new.get("file")),
                label="%s «%s» — %s" % (tk._("Resource"), name, tk._("file replaced"))))
    return rows


def satudata_panel_message():
    """The outcome of the last workflow button, shown inside the panel."""
    from flask import session
    return session.pop("satudata_panel", None)

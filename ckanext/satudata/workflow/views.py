"""Flask blueprints: the sysadmin page that manages portal roles."""
from __future__ import annotations

from flask import Blueprint, send_file

import ckan.plugins.toolkit as tk

from ckanext.satudata.workflow import roles

satudata_admin = Blueprint("satudata_admin", __name__, url_prefix="/ckan-admin/satudata")


def _context():
    user = tk.current_user.name if tk.current_user.is_authenticated else ""
    return {"user": user}


@satudata_admin.route("/roles", methods=["GET", "POST"])
def manage_roles():
    context = _context()
    try:
        tk.check_access("satudata_role_grant", context, {})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only sysadmins can manage portal roles"))

    errors = {}
    if tk.request.method == "POST":
        form = tk.request.form
        data = {"user": form.get("user", "").strip(), "role": form.get("role", "")}
        action = "satudata_role_revoke" if form.get("op") == "revoke" else "satudata_role_grant"
        try:
            tk.get_action(action)(context, data)
            tk.h.flash_success(tk._("Portal roles updated"))
            return tk.redirect_to("satudata_admin.manage_roles")
        except tk.ValidationError as e:
            errors = e.error_dict

    return tk.render("satudata/admin/roles.html", {
        "assignments": tk.get_action("satudata_role_list")(context, {}),
        "roles": roles.ROLES,
        "errors": errors,
    })


satudata_workflow = Blueprint("satudata_workflow", __name__)


@satudata_workflow.route("/dataset/<id>/alur", methods=["POST"])
def transition(id):
    """The buttons of the workflow panel on the dataset page. The outcome is
    shown inside the panel, where the page lands after the redirect."""
    from flask import session
    form = tk.request.form
    data = {"id": id, "transition": form.get("transition", ""),
            "comment": form.get("comment", ""),
            "expected_state": form.get("expected_state") or None}
    if form.get("assignee"):
        data["assignee"] = form["assignee"]
    outcome = {"ok": False, "transition": data["transition"]}
    if data["transition"] == "publish" and not form.get("confirm_publish"):
        outcome["message"] = tk._("Tick the confirmation: publishing makes the data public")
    else:
        try:
            tk.get_action("satudata_dataset_transition")(_context(), data)
            outcome.update(ok=True, message=tk._("Workflow updated"))
        except tk.NotAuthorized as e:
            outcome["message"] = str(e) or tk._("Not authorized")
        except tk.ObjectNotFound:
            return tk.abort(404, tk._("Dataset not found"))
        except tk.ValidationError as e:
            outcome["message"] = " ".join(m for msgs in e.error_dict.values() for m in msgs)
    session["satudata_panel"] = outcome
    return tk.redirect_to("dataset.read", id=id, _anchor="alur-diseminasi")


@satudata_workflow.route("/dataset/<id>/revisi/resource/<resource_id>/download")
@satudata_workflow.route("/dataset/<id>/revisi/resource/<resource_id>/download/<filename>")
def revision_download(id, resource_id, filename=None):
    """A file of the pending revision, for the people who review it: it is
    held apart from the live file until publication."""
    from ckanext.satudata.dissemination import revision_files
    context = _context()
    try:
        shown = tk.get_action("satudata_dataset_workflow_show")(context, {"id": id})
        path = revision_files.held_file(shown["id"], resource_id)
    except (tk.NotAuthorized, tk.ObjectNotFound, tk.ValidationError):
        return tk.abort(404, tk._("Resource not found"))
    if path is None:
        # unchanged in the revision: the live file is the revision's file
        return tk.redirect_to("resource.download", id=id, resource_id=resource_id)
    return send_file(path, as_attachment=True, download_name=filename or "revisi")


@satudata_workflow.route("/satudata/antrian-review")
def review_queue():
    try:
        queue = tk.get_action("satudata_review_queue")(_context(), {})
    except tk.NotAuthorized:
        return tk.redirect_to("user.login")
    return tk.render("satudata/review_queue.html", {"queue": queue})


def get_blueprints():
    from ckanext.satudata import reports
    from ckanext.satudata.requests import views as request_views
    from ckanext.satudata.operations import views as operations
    from ckanext.satudata.dcat import views as dcat_views
    return ([satudata_admin, satudata_workflow] + request_views.get_blueprints()
            + operations.get_blueprints() + dcat_views.get_blueprints()
            + reports.get_blueprints())

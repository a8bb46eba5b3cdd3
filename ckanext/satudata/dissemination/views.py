"""Pages of Workflow 1: the workflow panel's buttons, the reviewers' download of a
held revision's files, and the review queue."""
from __future__ import annotations

from flask import Blueprint, send_file

import ckan.plugins.toolkit as tk
from ckanext.satudata.workflow import access

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
    elif data["transition"] in ("discard", "withdraw") and \
            form.get("confirm_" + data["transition"]) != "1":
        # no one-click loss: the edits of a revision, or the public version
        outcome["message"] = tk._("Tick the confirmation: this cannot be undone")
    else:
        try:
            tk.get_action("satudata_dataset_transition")(access.page_context(), data)
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
    context = access.page_context()
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
        queue = tk.get_action("satudata_review_queue")(access.page_context(), {})
    except tk.NotAuthorized:
        return tk.redirect_to("user.login")
    return tk.render("satudata/review_queue.html", {"queue": queue})


# Where CKAN sends a person after logging in (`ckan.auth.route_after_login`,
# set by the plugin while it is CKAN's default): the Walidata team and OPD
# editors land on their work list (the /dashboard "Your work" block), everyone
# else where CKAN would have sent them.
AFTER_LOGIN = "satudata_workflow.after_login"
CKAN_AFTER_LOGIN = "dashboard.datasets"


def route_after_login(config) -> None:
    """Take over CKAN's post-login route unless the site chose its own."""
    if config.get("ckan.auth.route_after_login") in (None, "", CKAN_AFTER_LOGIN):
        config["ckan.auth.route_after_login"] = AFTER_LOGIN


@satudata_workflow.route("/dashboard/masuk")
def after_login():
    from ckanext.satudata import helpers as sh
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login")
    if sh.satudata_is_walidata() or sh.satudata_is_opd_member():
        return tk.redirect_to("activity.dashboard")
    return tk.redirect_to(CKAN_AFTER_LOGIN)

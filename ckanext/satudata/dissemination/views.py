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
    if form.get("waiver", "").strip():
        data["waiver"] = form["waiver"]
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


@satudata_workflow.route("/dataset/<id>/revisi")
def revision_read(id):
    """The dataset page as its pending revision will read once published, for
    the people who see the workflow panel; everyone else (and a dataset with
    no pending revision) gets the dataset page."""
    from ckanext.satudata.dissemination import revision_edits
    context = dict(access.page_context(), for_view=True)
    try:
        live = tk.get_action("package_show")(context, {"id": id})
        tk.check_access("satudata_dataset_workflow_show", context, {"id": live["id"]})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.redirect_to("dataset.read", id=id)
    revision = revision_edits.pending_revision(live["id"])
    if revision is None:
        return tk.redirect_to("dataset.read", id=live["name"])
    # links on the page use the name; it is the live one until publication
    revision.update(name=live["name"], private=live["private"], state=live["state"])
    revision.setdefault("organization", live.get("organization"))
    for resource in revision.get("resources") or []:
        resource["has_views"] = False
    tk.g.pkg_dict = revision
    return tk.render("satudata/revision_read.html",
                     {"pkg_dict": revision, "dataset_type": live["type"] or "dataset",
                      "live": live})


# The pages that save a dataset or a resource of it. Saving a published
# dataset makes a revision; its author is sent to the page that shows that
# revision, not to the live text it leaves unchanged.
_SAVING_ENDPOINTS = ("dataset.edit", "dataset_resource.edit", "dataset_resource.new")


@satudata_workflow.after_app_request
def land_on_the_revision(response):
    request = tk.request
    if (request.method != "POST" or request.endpoint not in _SAVING_ENDPOINTS
            or response.status_code not in (302, 303)):
        return response
    from urllib.parse import urlsplit
    import ckan.model as model
    from ckanext.satudata.dissemination import revision_edits
    pkg = model.Package.get((request.view_args or {}).get("id") or "")
    if pkg is None or revision_edits.pending_revision(pkg.id) is None:
        return response
    target = urlsplit(response.location or "").path
    read = tk.h.url_for("dataset.read", id=pkg.name)
    read_by_id = tk.h.url_for("dataset.read", id=pkg.id)
    # only the "done" landings: the dataset page or a resource page; "add
    # another resource" and the form's other steps go where core sends them
    done = target in (read, read_by_id) or (
        target.startswith((read + "/resource/", read_by_id + "/resource/"))
        and not target.endswith("/new"))
    if done:
        response.location = tk.h.url_for("satudata_workflow.revision_read", id=pkg.name)
    return response


# Rows per page of the review queue: a Subkoord facing 500 datasets reads
# them 50 at a time (rendering all 500 took ~0.4 s), the oldest first.
REVIEW_QUEUE_PAGE_SIZE = 50


@satudata_workflow.route("/satudata/antrian-review")
def review_queue():
    from ckan.lib.pagination import Page
    from ckanext.satudata.dissemination.actions import review_queue_of
    context = access.page_context()
    try:
        tk.check_access("satudata_review_queue", context, {})
    except tk.NotAuthorized:
        return tk.redirect_to("user.login")
    queue = review_queue_of(context.get("user"), with_allowed_transitions=False)

    def pager_url(page=None, **_ignored):
        return tk.h.url_for("satudata_workflow.review_queue", page=page)

    page = Page(collection=queue, page=tk.h.get_page_number(tk.request.args), url=pager_url,
                items_per_page=REVIEW_QUEUE_PAGE_SIZE)
    return tk.render("satudata/review_queue.html", {
        "queue": page.items, "page": page, "total": len(queue),
        "overdue": sum(1 for item in queue if (item.get("sla") or {}).get("overdue"))})


# Where CKAN sends a person after logging in or registering
# (`ckan.auth.route_after_login`, set by the plugin while it is CKAN's
# default): the Walidata team and OPD editors land on their work list (the
# /dashboard "Your work" block), a citizen on "Permintaan saya" (not an empty
# "Dataset Saya"), a sysadmin where CKAN would have sent them.
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
    if tk.current_user.sysadmin:
        return tk.redirect_to(CKAN_AFTER_LOGIN)
    return tk.redirect_to("satudata_requests.mine")

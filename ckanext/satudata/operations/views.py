"""Blueprint of the operations pages."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify

import ckan.plugins.toolkit as tk

from ckanext.satudata.operations import health, mail_sink, metrics

satudata_operations = Blueprint("satudata_operations", __name__)
# every request of the app counted and timed (operations/metrics.py)
satudata_operations.before_app_request(metrics._started)
satudata_operations.after_app_request(metrics._finished)


@satudata_operations.route("/metrics")
def metrics_page():
    if not metrics.allowed():
        return Response("Metrik: alamat tidak diizinkan dan token tidak sah / "
                        "metrics: address not allowed and no valid token\n", status=403,
                        mimetype="text/plain")
    body, content_type = metrics.exposition()
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})


@satudata_operations.route("/satudata/health")
def health_check():
    body, status = health.report()
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _sysadmin_only():
    user = tk.current_user
    if not (user and user.is_authenticated and user.sysadmin):
        return tk.abort(403, tk._("Only sysadmins can read the portal's outgoing mail"))
    return None


@satudata_operations.route("/ckan-admin/satudata/mail")
def mail_index():
    refused = _sysadmin_only()
    if refused is not None:
        return refused
    return tk.render("satudata/admin/mail.html", {
        "messages": mail_sink.messages(), "sink": tk.config.get(
            "ckanext.satudata.mail_sink_dir"), "selected": None})


@satudata_operations.route("/ckan-admin/satudata/mail/<key>")
def mail_read(key):
    refused = _sysadmin_only()
    if refused is not None:
        return refused
    selected = mail_sink.message(key)
    if selected is None:
        return tk.abort(404, tk._("Mail not found"))
    return tk.render("satudata/admin/mail.html", {
        "messages": mail_sink.messages(), "sink": tk.config.get(
            "ckanext.satudata.mail_sink_dir"), "selected": selected})


@satudata_operations.route("/ckan-admin/satudata/outbox", methods=["GET", "POST"])
def outbox_index():
    """Waiting and failed notification mails, with a resend button."""
    from ckanext.satudata.notifications import outbox as notify
    refused = _sysadmin_only()
    if refused is not None:
        return refused
    if tk.request.method == "POST":
        try:
            mail_id = int(tk.request.form.get("id", ""))
        except ValueError:
            return tk.abort(400, tk._("Invalid mail id"))
        if notify.resend(mail_id):
            tk.h.flash_success(tk._("The mail is queued again"))
        else:
            tk.h.flash_error(tk._("That mail was sent already or does not exist"))
        return tk.redirect_to("satudata_operations.outbox_index")
    return tk.render("satudata/admin/outbox.html", {
        "status": notify.status(), "mails": notify.unsent()})

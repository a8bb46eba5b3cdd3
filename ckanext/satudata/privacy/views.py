"""Pages of the personal-data capability: the privacy notice (the record of
processing the request desk keeps, UU 27/2022 Pasal 31)."""
from __future__ import annotations

import flask
from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.satudata.privacy import retention

satudata_privacy = Blueprint("satudata_privacy", __name__)


@satudata_privacy.route("/privasi")
def notice():
    return tk.render("satudata/privasi/notice.html",
                     {"retention": retention.label()})


@satudata_privacy.route("/satudata/privasi/log")
def access_log():
    """The DPO's reading of the access log: who looked at whose data."""
    from ckanext.satudata.workflow import access
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=tk.request.full_path)
    context = access.page_context()
    request = (tk.request.args.get("request") or "").strip()[:40]
    try:
        page = max(int(tk.request.args.get("page", 1)), 1)
    except ValueError:
        page = 1
    try:
        result = tk.get_action("satudata_personal_access_log")(
            context, {"request": request, "limit": 100, "offset": (page - 1) * 100})
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e))
    response = flask.make_response(tk.render("satudata/privasi/access_log.html", {
        "entries": result["results"], "count": result["count"], "request": request,
        "page": page}))
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _requester_data(number):
    """The requester's context: their session token for this request."""
    from ckanext.satudata.requests.views import session_token
    from ckanext.satudata.workflow import access
    return access.page_context(), {"id": number, "access_token": session_token(number)}


@satudata_privacy.route("/permintaan-data/<number>/data-saya")
def my_data(number):
    """The requester's copy of everything held about them: a page, or JSON
    (``?format=json``, a download)."""
    import json
    context, data = _requester_data(number)
    try:
        copy = tk.get_action("satudata_personal_data_copy")(context, data)
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Request not found"))
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e))
    if tk.request.args.get("format") == "json":
        response = flask.make_response(json.dumps(copy, ensure_ascii=False, indent=2))
        response.headers["Content-Type"] = "application/json; charset=utf-8"
        response.headers["Content-Disposition"] = (
            'attachment; filename="data-pribadi-%s.json"' % number)
    else:
        response = flask.make_response(tk.render("satudata/privasi/my_data.html",
                                                 {"copy": copy, "number": number,
                                                  "retention_label": retention.label()}))
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _csrf_required(view):
    """The requester's POSTs act with their session's token; CKAN lets an
    anonymous POST through CSRF, so a cross-site page could act for them:
    the forms carry the CSRF token (requests/views.py)."""
    import functools

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        from ckanext.satudata.requests.views import _csrf_required as required
        return required(view)(*args, **kwargs)
    return wrapper


def _requester_acts(action, context, data):
    """The action's answer, or None with the refusal flashed (a missing
    request or a refused token: 404/403)."""
    try:
        return tk.get_action(action)(context, data)
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Request not found"))
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e))
    except tk.ValidationError as e:
        tk.h.flash_error(" ".join(m for msgs in e.error_dict.values() for m in msgs))
        return None


@satudata_privacy.route("/permintaan-data/<number>/hak", methods=["POST"])
@_csrf_required
def file_right(number):
    context, data = _requester_data(number)
    form = tk.request.form
    data.update(kind=form.get("kind", ""), detail=form.get("detail", ""))
    result = _requester_acts("satudata_rights_request_file", context, data)
    if result is not None:
        if result["status"] == "ditolak":
            tk.h.flash_error(result["reason"])
        else:
            tk.h.flash_success(tk._("Your request was received"))
    return tk.redirect_to("satudata_privacy.my_data", number=number)


@satudata_privacy.route("/permintaan-data/<number>/hak/<int:item>/cabut", methods=["POST"])
@_csrf_required
def lift_restriction(number, item):
    """The requester lifts their own restriction (the DPO: the action)."""
    context, data = _requester_data(number)
    data["item"] = item
    if _requester_acts("satudata_rights_restriction_lift", context, data) is not None:
        tk.h.flash_success(tk._("The restriction is lifted"))
    return tk.redirect_to("satudata_privacy.my_data", number=number)


@satudata_privacy.route("/satudata/privasi")
def dpo_desk():
    """The DPO's work list (rights requests on their 3 x 24 hour clock) and
    the berita acara pemusnahan."""
    from ckanext.satudata.workflow import access
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=tk.request.full_path)
    context = access.page_context()
    try:
        items = tk.get_action("satudata_rights_work_list")(context, {})
        from ckanext.satudata.privacy import rights
        in_force = rights.restrictions_in_force()
        records = tk.get_action("satudata_destruction_records")(dict(context), {})
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e))
    if tk.request.args.get("format") == "csv":
        import csv
        import io
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["request", "at", "fields", "mail_copies", "rule", "by",
                         "sink_copies"])
        for r in records:
            writer.writerow([r["request"], r["at"], " ".join(r["fields"]), r["mail_copies"],
                             r["rule"], r["by"], r["sink_copies"]])
        response = flask.make_response(out.getvalue())
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
        response.headers["Content-Disposition"] = (
            'attachment; filename="berita-acara-pemusnahan.csv"')
    else:
        response = flask.make_response(tk.render("satudata/privasi/dpo.html",
                                                 {"items": items, "records": records,
                                                  "in_force": in_force}))
    response.headers["Cache-Control"] = "private, no-store"
    return response

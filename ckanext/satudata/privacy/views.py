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

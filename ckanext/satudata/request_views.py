"""Pages of the data request service (Layanan Permintaan Data Sektoral)."""
from __future__ import annotations

import os

from flask import Blueprint, jsonify, send_file

import ckan.plugins.toolkit as tk

from ckanext.satudata import ratelimit

satudata_requests = Blueprint("satudata_requests", __name__)

# Where anonymous submissions arrive: the API action and the public form.
SUBMIT_PATHS = {"/api/action/satudata_request_create",
                "/api/3/action/satudata_request_create", "/permintaan-data/baru"}


def _context():
    user = tk.current_user.name if tk.current_user.is_authenticated else ""
    return {"user": user}


@satudata_requests.before_app_request
def limit_submissions():
    request = tk.request
    if request.method != "POST" or request.path not in SUBMIT_PATHS:
        return None
    wait = ratelimit.retry_after(request.remote_addr or "unknown")
    if wait is None:
        return None
    message = ("Terlalu banyak permintaan dari alamat ini; coba lagi dalam %d detik. / "
               "Too many requests from this address; try again in %d seconds." % (wait, wait))
    if request.path.startswith("/api/"):
        response = jsonify({"success": False, "error": {
            "__type": "Rate Limit", "message": message}})
    else:
        response = tk.render("satudata/permintaan/rate_limited.html", {"message": message})
        response = tk.make_response(response)
    response.status_code = 429
    response.headers["Retry-After"] = str(wait)
    return response


@satudata_requests.route("/permintaan-data/<number>")
def track(number):
    """Public tracking page (full view for who may see it)."""
    token = tk.request.args.get("token")
    try:
        req = tk.get_action("satudata_request_show")(
            _context(), {"id": number, "access_token": token})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Request not found"))
    return tk.render("satudata/permintaan/track.html", {"req": req, "token": token})


@satudata_requests.route("/permintaan-data/<number>/berkas")
def download(number):
    """The delivered file: only for the requester (token or account) and staff."""
    token = tk.request.args.get("token")
    try:
        req = tk.get_action("satudata_request_show")(
            _context(), {"id": number, "access_token": token})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Request not found"))
    from ckanext.satudata.logic import data_request as dr
    row = dr.get(req["id"])
    if req.get("view") != "full" or not row.delivered_file \
            or not os.path.exists(row.delivered_file):
        return tk.abort(404, tk._("File not found"))
    return send_file(row.delivered_file, as_attachment=True,
                     download_name=os.path.basename(row.delivered_file).split("-", 1)[-1])


def get_blueprints():
    return [satudata_requests]

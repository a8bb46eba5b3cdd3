"""Pages of the data request service (Layanan Permintaan Data Sektoral).

Public: the request form, the list, the tracking page (the requester's token
opens the full view there) and the delivered file. The token travels in a URL
once at most: `?token=` is exchanged for the browser's session (scoped to that
request number) and answered with a redirect to the clean URL, so it does not
stay in the address bar, the history, Referer headers or the server's logs. Internal: the Walidata
team's board and the OPD inbox. Every decision is the actions' (SPEC "API
contract / Workflow 2"); these views only collect input and show results.
"""
from __future__ import annotations

import functools
import os
import re

from flask import Blueprint, current_app, jsonify, make_response, send_file, session

import ckan.plugins.toolkit as tk
from ckan.lib.pagination import Page

from ckanext.satudata.requests import rules as p
from ckanext.satudata.requests import ratelimit
from ckanext.satudata.i18n import page_text
from ckanext.satudata.workflow import roles
from ckanext.satudata.workflow import access

satudata_requests = Blueprint("satudata_requests", __name__)

# Where anonymous submissions arrive: the API action and the public form.
FORM_PATH = "/permintaan-data/baru"
FORM_ENDPOINT = "satudata_requests.new"
SUBMIT_ACTION = "satudata_request_create"

# The fields of the public form; `website` is the honeypot people never see.
FORM_FIELDS = ("name", "email", "phone", "institution", "identity_number", "title",
               "description", "purpose", "format", "organization", "website")
# The inputs each transition carries besides the comment (others are not sent,
# so a stray value in a field meant for another button never blocks this one).
TRANSITION_FIELDS = {
    "assign": ("assignee",),
    "escalate": ("organization", "split_organization"),
    "opd_forward": ("organization",),
    "forward": ("organization", "split_organization"),
    "deliver": ("dataset", "resource_url", "upload", "partial"),
    "opd_send": ("dataset", "resource_url", "upload"),
    "reject": ("reason",),
}
# What waits for the OPD (SOP steps 5 and 6).
OPD_WAITING = (p.DI_OPD, p.OPD_MENYIAPKAN)
PAGE_SIZE = 20
_NUMBER = re.compile(r"^PDS-\d{4}-\d{1,9}$")


def _private_page(response=None):
    """Personal data or an access token on the page: no shared caches, and
    the token never leaves in a Referer header."""
    tk.request.environ["__no_cache__"] = True
    if response is not None:
        response = make_response(response)
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
    return response


# The requesters' access tokens this browser holds, by request number.
SESSION_TOKENS = "satudata_request_tokens"
MAX_SESSION_TOKENS = 20


def session_token(number):
    """The access token of request `number` this browser's session holds."""
    tokens = session.get(SESSION_TOKENS)
    return tokens.get(number) if isinstance(tokens, dict) else None


def _remember_token(number, token):
    tokens = session.get(SESSION_TOKENS)
    tokens = dict(tokens) if isinstance(tokens, dict) else {}
    tokens.pop(number, None)
    tokens[number] = token
    while len(tokens) > MAX_SESSION_TOKENS:   # the cookie stays small
        tokens.pop(next(iter(tokens)))
    session[SESSION_TOKENS] = tokens


def _token_opens(number, token) -> bool:
    """`token` is the access token of request `number` (asked as nobody, so
    that an account's own rights do not count)."""
    if not token:
        return False
    try:
        req = tk.get_action("satudata_request_show")(
            {"user": ""}, {"id": number, "access_token": token})
    except tk.ObjectNotFound:
        return False
    return req.get("audience") == "requester"


def _exchange_token(number, token) -> None:
    """Keep a valid token in the session; say so when it is not."""
    if _token_opens(number, token):
        _remember_token(number, token)
    else:
        tk.h.flash_error(tk._("The access token in this link does not belong to this "
                              "request; you see the public page."))


def _csrf_required(view):
    """For the POSTs that put a request's token into the browser's session
    (the form, the token box): CKAN lets anonymous POSTs through CSRF, so a
    cross-site page could file a request or plant a token of its choosing in
    a fresh visitor's session (login CSRF). The form on the page carries the
    token (``h.csrf_input``)."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if tk.request.method == "POST" and current_app.config.get("WTF_CSRF_ENABLED"):
            from ckan.config.middleware.flask_app import csrf
            csrf.protect()   # CSRFError: 400
        return view(*args, **kwargs)
    return wrapper


def _login():
    return tk.redirect_to(tk.h.url_for("user.login", came_from=tk.request.full_path))


# -- the public form ------------------------------------------------------------------

def _one_line_break(text: str) -> str:
    """A browser sends each line break of a textarea as CRLF: counted as one
    character, as the page's counter counts it (and as the API sends it)."""
    return text.replace("\r\n", "\n")


def _form_data(source) -> dict:
    return {k: _one_line_break(source.get(k, "") or "") for k in FORM_FIELDS}


def page_errors(error_dict) -> dict:
    """A ValidationError's messages in the page's language alone (the
    actions' are bilingual, for API clients)."""
    return {key: [page_text(m) for m in (msgs if isinstance(msgs, list) else [msgs])]
            for key, msgs in (error_dict or {}).items()}


def _render_form(data, errors=None, message=None):
    errors = page_errors(errors)
    return tk.render("satudata/permintaan/new.html", {
        "data": data, "errors": errors, "message": message, "field_order": FORM_FIELDS,
        # errors on fields nobody sees (the honeypot) or unknown to the form
        "form_errors": [m for k, msgs in errors.items()
                        if k not in FORM_FIELDS or k == "website" for m in msgs],
        "organizations": tk.h.satudata_organization_options(),
    })


def _api_call(request) -> bool:
    return request.endpoint == "api.action"


def _submission(request) -> bool:
    """A POST that files a request: the form, or the action by whatever URL
    reaches it (CKAN's routes: ``/api/action/<name>``, ``/api/<ver>/action/<name>``
    with any version it accepts, ``/api/03/`` included), found by the route
    Flask matched rather than by the path's spelling."""
    if request.method != "POST":
        return False
    if request.endpoint == FORM_ENDPOINT:
        return True
    return _api_call(request) and (request.view_args or {}).get("logic_function") \
        == SUBMIT_ACTION


def _counters(request):
    """What this submission counts against (ratelimit.py): the email it
    names, the account, the address's flood ceiling."""
    return ratelimit.counters(request, tk.current_user,
                              ratelimit.submitted_email(request, _api_call(request)))


@satudata_requests.before_app_request
def limit_submissions():
    request = tk.request
    if not _submission(request):
        return None
    refusal = ratelimit.retry_after(_counters(request))
    if refusal is None:
        return None
    if _api_call(request):
        response = jsonify({"success": False, "error": {
            "__type": "Rate Limit", "message": ratelimit.api_message(refusal)}})
    elif request.endpoint == FORM_ENDPOINT:
        # the form comes back with everything typed in: nothing is lost
        data = dict(_form_data(request.form), website="")
        response = _private_page(_render_form(data, message=ratelimit.page_message(refusal)))
    else:
        response = tk.render("satudata/permintaan/rate_limited.html",
                             {"message": ratelimit.page_message(refusal)})
        response = make_response(response)
    response.status_code = 429
    response.headers["Retry-After"] = str(refusal.seconds)
    return response


@satudata_requests.after_app_request
def count_accepted_submissions(response):
    """Only an accepted submission counts toward the limit: a refused one
    (a typo, a missing field) costs the citizen nothing."""
    request = tk.request
    accepted = (response.status_code == 200 if _api_call(request)
                else response.status_code in (302, 303))
    if _submission(request) and accepted:
        ratelimit.record(_counters(request))
    return response


@satudata_requests.route(FORM_PATH, methods=["GET", "POST"])
@_csrf_required
def new():
    """The public request form (anonymous allowed) and its confirmation."""
    if tk.request.method != "POST":
        data = _form_data({})
        user = tk.current_user
        if user.is_authenticated:
            data.update(name=user.fullname or user.name, email=user.email or "")
        data["organization"] = tk.request.args.get("organization", "")
        if user.is_authenticated:   # carries their email address
            return _private_page(_render_form(data))
        return _render_form(data)

    data = _form_data(tk.request.form)
    # empty optional fields are absent, not empty strings
    payload = {k: v for k, v in data.items() if v.strip()}
    try:
        result = tk.get_action("satudata_request_create")(access.page_context(), payload)
    except tk.ValidationError as e:
        return _private_page(_render_form(data, e.error_dict))
    # this browser follows the request from now on; the link is for another one
    _remember_token(result["number"], result["access_token"])
    # POST-redirect-GET: reloading the confirmation never files it again
    return _private_page(tk.redirect_to("satudata_requests.created", number=result["number"]))


@satudata_requests.route("/permintaan-data/<number>/diterima")
def created(number):
    """The confirmation after filing, for the browser that filed the request
    (its session holds the token); anyone else goes to the tracking page."""
    token = session_token(number)
    req = None
    if token:
        try:
            req = tk.get_action("satudata_request_show")(
                {"user": ""}, {"id": number, "access_token": token})
        except tk.ObjectNotFound:
            req = None
    if req is None or req.get("audience") != "requester":
        return tk.redirect_to("satudata_requests.track", number=number)
    result = dict(req, access_token=token, tracking_link=tk.url_for(
        "satudata_requests.track", number=number, token=token, _external=True))
    return _private_page(tk.render("satudata/permintaan/created.html", {"result": result}))


# -- the public list and the tracking page --------------------------------------------

@satudata_requests.route("/permintaan-data")
def index():
    """Every request's public view (the same for everyone: no personal data),
    with a box that finds a request by its number."""
    args = tk.request.args
    number = (args.get("number") or "").strip().upper()
    lookup_error = None
    if number:
        if _NUMBER.match(number):
            try:
                tk.get_action("satudata_request_show")({"user": ""}, {"number": number})
                return tk.redirect_to("satudata_requests.track", number=number)
            except tk.ObjectNotFound:
                pass
        lookup_error = tk._("No request has the number {number}.").format(number=number)

    page_number = tk.h.get_page_number(args)
    params = {k: args.get(k) for k in ("status", "q") if args.get(k)}
    errors = {}
    try:
        # the public's view for everyone: this page never carries personal data
        result = tk.get_action("satudata_request_list")(
            {"user": ""}, dict(params, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE))
    except tk.ValidationError as e:
        errors = e.error_dict
        result = {"count": 0, "results": []}

    def pager_url(page=None, **_ignored):
        return tk.h.url_for("satudata_requests.index", page=page, **params)

    page = Page(collection=result["results"], page=page_number, url=pager_url,
                item_count=result["count"], items_per_page=PAGE_SIZE)
    page.items = result["results"]
    return tk.render("satudata/permintaan/index.html", {
        "page": page, "count": result["count"], "params": params, "errors": errors,
        "number": number, "lookup_error": lookup_error})


@satudata_requests.route("/permintaan-data/saya")
def mine():
    """"Permintaan saya": the requests the account filed, newest first, with
    what each waits for. Where a citizen lands after logging in or
    registering (dissemination/views.py after_login)."""
    if not tk.current_user.is_authenticated:
        return _login()
    page_number = tk.h.get_page_number(tk.request.args)
    result = tk.get_action("satudata_request_list")(access.page_context(), {
        "mine": True, "limit": PAGE_SIZE, "offset": (page_number - 1) * PAGE_SIZE})

    def pager_url(page=None, **_ignored):
        return tk.h.url_for("satudata_requests.mine", page=page)

    page = Page(collection=result["results"], page=page_number, url=pager_url,
                item_count=result["count"], items_per_page=PAGE_SIZE, presliced_list=True)
    page.items = result["results"]
    return _private_page(tk.render("satudata/permintaan/mine.html", {
        "page": page, "count": result["count"]}))


def _show(number, token):
    try:
        return tk.get_action("satudata_request_show")(
            access.page_context(), {"id": number, "access_token": token})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Request not found"))


def _clean_redirect(endpoint, number):
    """Back to the URL without the token (which the session now holds)."""
    return _private_page(tk.redirect_to(endpoint, number=number))


def _act(action, data, success):
    """Run a button's action; its outcome is flashed on the tracking page the
    browser returns to (PRG). A missing request is a 404."""
    try:
        result = tk.get_action(action)(access.page_context(), data)
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Request not found"))
    except tk.NotAuthorized as e:
        tk.h.flash_error(page_text(e.args[0]) if e.args and e.args[0] else tk._("Not authorized"))
    except tk.ValidationError as e:
        tk.h.flash_error(" ".join(m for msgs in page_errors(e.error_dict).values() for m in msgs))
    else:
        tk.h.flash_success(success)
        return result
    return None


def _page_request(number, endpoint):
    """(request, None) as the session may see it; or (None, redirect) when the
    URL carries ?token=: it is exchanged for the session, then the clean URL."""
    if "token" in tk.request.args:
        req = _show(number, None)
        _exchange_token(req["number"], tk.request.args.get("token"))
        return None, _clean_redirect(endpoint, req["number"])
    return _show(number, session_token(number)), None


@satudata_requests.route("/permintaan-data/<number>")
def track(number):
    """Public tracking page (full view for who may see it)."""
    req, redirect = _page_request(number, "satudata_requests.track")
    if redirect is not None:
        return redirect
    if req["number"] != number:   # looked up by id: the session knows numbers
        req = _show(number, session_token(req["number"]))
    return _track_page(req)


def _track_page(req, **extra):
    """The tracking page of `req` (satudata_request_show as the viewer sees
    it); `extra`: a refused form's errors and input."""
    extra.update(req=req, internal=req.get("audience") == "internal")
    if req.get("view") == "full":
        # the team and the OPD see the internal side; the requester sees their
        # own request: contact details, purpose, file, answers owed to them,
        # but not who did what inside
        extra["staf_users"] = [u for u in tk.h.satudata_role_holders("staf")
                               if u is not None and u.state == "active"]
        extra["organizations"] = tk.h.satudata_organization_options()
        return _private_page(tk.render("satudata/permintaan/track.html", extra))
    return tk.render("satudata/permintaan/track.html", extra)


@satudata_requests.route("/permintaan-data/<number>/token", methods=["POST"])
@_csrf_required
def open_with_token(number):
    """The requester types the access token from the email (a POST: the token
    stays out of URLs) and follows the request in this browser from then on."""
    req = _show(number, None)
    _exchange_token(req["number"], (tk.request.form.get("access_token") or "").strip())
    return _clean_redirect("satudata_requests.track", req["number"])


@satudata_requests.route("/permintaan-data/<number>/aksi", methods=["POST"])
def act(number):
    """The buttons of the tracking page: one transition per press. The
    requester's token comes from the session (or, still accepted, a form field)."""
    form = tk.request.form
    transition = form.get("transition", "")
    token = (form.get("access_token") or "").strip() or session_token(number)
    data = {"id": number, "transition": transition}
    if form.get("comment", "").strip():
        data["comment"] = form["comment"]
    for field in TRANSITION_FIELDS.get(transition, ()):
        if field == "upload":
            upload = tk.request.files.get("upload")
            if upload is not None and upload.filename:
                data["upload"] = upload
        elif form.get(field, "").strip():
            data[field] = form[field].strip()
    if token:
        data["access_token"] = token
    if transition == "reject" and "reason" in form and not form["reason"].strip():
        # the page's category left at "— choose —": no category is made up
        # for the user (the API keeps its default, "lainnya")
        tk.h.flash_error(tk._("Choose the reason category"))
        return _clean_redirect("satudata_requests.track", number)
    result = _act("satudata_request_transition", data, tk._("Request updated: {action}").format(
        action=tk.h.satudata_request_transition_label(transition)))
    if token and result and result.get("view") == "full" and session_token(number) != token \
            and _token_opens(number, token):
        _remember_token(number, token)
    return _clean_redirect("satudata_requests.track", number)


@satudata_requests.route("/permintaan-data/<number>/keberatan", methods=["POST"])
def objection(number):
    """File a keberatan (requester) or decide it (atasan PPID) from the tracking page."""
    form = tk.request.form
    if form.get("decision"):
        action, data = "satudata_objection_decide", {
            "id": number, "decision": form.get("decision", ""),
            "comment": form.get("comment", "")}
    else:
        return _file_objection(number, form)
    _act(action, data, tk._("Objection saved"))
    return _clean_redirect("satudata_requests.track", number)


def _file_objection(number, form):
    """The requester's objection. Refused, the tracking page comes back with
    the errors beside the fields and the reasons as typed (nothing lost)."""
    typed = {"ground": form.get("ground", ""),
             "reason": _one_line_break(form.get("reason", ""))}
    data = dict(typed, id=number)
    token = session_token(number)
    if token:
        data["access_token"] = token
    try:
        tk.get_action("satudata_objection_file")(access.page_context(), data)
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Request not found"))
    except tk.NotAuthorized as e:
        tk.h.flash_error(page_text(e.args[0]) if e.args and e.args[0] else tk._("Not authorized"))
    except tk.ValidationError as e:
        req = _show(number, token)
        return _track_page(req, objection_errors=page_errors(e.error_dict),
                           objection_data=typed)
    else:
        tk.h.flash_success(tk._("Objection saved"))
    return _clean_redirect("satudata_requests.track", number)


def _send(path):
    return send_file(path, as_attachment=True,
                     download_name=os.path.basename(path).split("-", 1)[-1])


@satudata_requests.route("/permintaan-data/<number>/berkas")
def download(number):
    """The delivered file: only for the requester (token or account) and staff."""
    req, redirect = _page_request(number, "satudata_requests.download")
    if redirect is not None:
        return redirect
    from ckanext.satudata.requests import service as dr
    row = dr.get(req["id"])
    if req.get("view") != "full" or not row.delivered_file \
            or not os.path.exists(row.delivered_file):
        return tk.abort(404, tk._("File not found"))
    return _private_page(_send(row.delivered_file))


@satudata_requests.route("/permintaan-data/<number>/berkas-opd")
def download_received(number):
    """The file the OPD sent (before delivery): the Walidata team and the
    editors and admins of that OPD (the `internal` audience)."""
    req = _show(number, None)
    from ckanext.satudata.requests import service as dr
    row = dr.get(req["id"])
    if req.get("audience") != "internal" or not row.received_file \
            or not os.path.exists(row.received_file):
        return tk.abort(404, tk._("File not found"))
    return _private_page(_send(row.received_file))


# -- the Walidata team's board and the OPD inbox --------------------------------------

def _sort_by_due(requests):
    return sorted(requests, key=lambda r: (r["due_date"], r["created_at"] or ""))


@satudata_requests.route("/satudata/permintaan")
def board():
    """Open requests of every status, the closest legal deadline first; a
    search over number and title, and pages of PAGE_SIZE."""
    if not tk.current_user.is_authenticated:
        return _login()
    user = tk.current_user
    if not (roles.is_walidata_team(user.id) or user.sysadmin):
        return tk.abort(403, tk._("Only the Walidata team can see the request board"))
    from ckanext.satudata.requests import board as b
    args = tk.request.args
    status = args.get("status") or ""
    if status not in p.STATES:
        status = ""
    mine = args.get("mine") == "1"
    q = (args.get("q") or "").strip()[:200]
    # a bounded number of queries, whatever the number of requests (board.py)
    counts = b.counts(q)
    shown = b.Filter(status=status, assignee_id=user.id if mine else None, q=q)
    total, overdue_count = b.totals(shown)
    params = {k: v for k, v in (("status", status), ("mine", "1" if mine else ""),
                                ("q", q)) if v}

    def pager_url(page=None, **_ignored):
        return tk.h.url_for("satudata_requests.board", page=page, **params)

    page_number = tk.h.get_page_number(args)
    page = Page(collection=[], page=page_number, url=pager_url, presliced_list=True,
                item_count=total, items_per_page=PAGE_SIZE)
    requests = b.page(shown, PAGE_SIZE, (page.page - 1) * PAGE_SIZE) if total else []
    page.items = requests
    # the board names each requester: a view of personal data (privacy/log.py)
    from ckanext.satudata.privacy import access as privacy, log as access_log
    seen = privacy.roles_for_log(roles.roles_of(user.id), bool(user.sysadmin))
    # a row that names nobody (a restricted requester) is no view of personal data
    access_log.write([access_log.entry(user.id, seen, r["id"], r["number"],
                                       [f for f in ("name", "institution") if r.get(f)],
                                       actor_name=user.name)
                      for r in requests if r.get("name") or r.get("institution")])
    return _private_page(tk.render("satudata/permintaan/board.html", {
        "requests": requests, "page": page, "total": total, "q": q,
        "counts": counts, "status": status, "mine": mine,
        "open_count": sum(counts[s] for s in p.OPEN),
        "overdue_count": overdue_count}))


@satudata_requests.route("/satudata/permintaan/opd")
def opd_inbox():
    """The requests sent to the user's own organization(s) (SOP steps 5-6)."""
    if not tk.current_user.is_authenticated:
        return _login()
    from ckanext.satudata.requests import service as dr
    import ckan.model as model
    org_ids = dr.organization_ids_of(tk.current_user.id)
    if not org_ids:
        return tk.abort(403, tk._("Only editors and admins of an organization (OPD) "
                                  "have an inbox"))
    from ckanext.satudata.requests import board as b
    organizations = []
    for group in sorted((model.Group.get(i) for i in org_ids),
                        key=lambda g: (g.title or g.name).lower()):
        # one query per OPD the user acts for, whatever the number of requests
        results = b.sent_to(group.id)
        organizations.append({
            "name": group.name, "title": group.title or group.name,
            "waiting": _sort_by_due([r for r in results if r["status"] in OPD_WAITING]),
            "others": [r for r in results if r["status"] not in OPD_WAITING]})
    return _private_page(tk.render("satudata/permintaan/opd_inbox.html",
                                   {"organizations": organizations}))

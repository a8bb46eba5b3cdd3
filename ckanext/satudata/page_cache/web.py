"""Serving and keeping pages (Flask hooks). A kept page is served by the
first before-request hook, ahead of CKAN's own: that one asks the database
whether the site's settings changed (a query on every request) and identifies
the visitor, neither of which a kept page for a visitor without an account
needs. A visitor with a session of their own, a token or a login is never
served one (`_a_visitor_like_any_other` asks Flask-Login directly)."""
from __future__ import annotations

import time

from flask import Response, current_app, g, request, session

from ckan.common import current_user

from ckanext.satudata.page_cache import store

# what a visitor opens most, and every crawler
CACHED_ENDPOINTS = frozenset(("dataset.read", "dataset.search", "dataset_resource.read",
                              "home.index"))
HEADER = "X-Satudata-Page-Cache"
# where each visitor's own CSRF token goes back into a kept page
_TOKEN_SLOT = "\x00satudata-csrf-token\x00"
# what a first-time visitor's session may hold and still get the shared page
_SESSION_KEYS_OF_NOBODY = frozenset(("_permanent", "_fresh", "_id"))


def _csrf_field() -> str:
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")


def _a_visitor_like_any_other() -> bool:
    """No account, no API token, and nothing of their own in the session (a
    request link they hold, a message waiting to be shown): the page they get
    is the one every such visitor gets."""
    if not current_user.is_anonymous or request.headers.get("Authorization"):
        return False
    return set(session.keys()) <= _SESSION_KEYS_OF_NOBODY | {_csrf_field()}


def _language() -> str:
    return request.environ.get("CKAN_LANG") or ""


def serve_kept_page():
    if request.method not in ("GET", "HEAD") or request.endpoint not in CACHED_ENDPOINTS:
        return None
    if not store.enabled() or not _a_visitor_like_any_other():
        return None
    generation = store.current_generation()
    if generation is None:
        return None
    key = store.page_key(generation, _language(), request.full_path)
    g.satudata_page_key = key
    page = store.get(key)
    if page is None:
        return None
    body = page["body"]
    if _TOKEN_SLOT in body:
        from flask_wtf.csrf import generate_csrf
        body = body.replace(_TOKEN_SLOT, generate_csrf())
    g.satudata_page_served = True
    # what CKAN's skipped hook leaves for its after-request hook: the start of
    # its render-time log line, and the caching a rendered page gets (private:
    # the page carries this visitor's CSRF token; varies with the cookie)
    setattr(g, "__timer", time.time())
    request.environ["__no_cache__"] = True
    request.environ["__limit_cache_by_cookie__"] = True
    response = Response(body, status=200, content_type=page["content_type"])
    response.headers[HEADER] = "hit"
    return response


def keep_rendered_page(response):
    key = g.pop("satudata_page_key", None)
    if not key or g.pop("satudata_page_served", False):
        return response
    response.headers[HEADER] = "miss"
    if (request.method != "GET" or response.status_code != 200
            or response.direct_passthrough or response.is_streamed
            or response.mimetype != "text/html"):
        return response
    if not _a_visitor_like_any_other():   # the page gave them a session of their own
        return response
    body = response.get_data(as_text=True)
    token = g.get(_csrf_field())
    if token:
        body = body.replace(token, _TOKEN_SLOT)
    store.put(key, {"body": body, "content_type": response.content_type})
    return response


def install(app, after=()) -> None:
    """Serve kept pages first (after the hooks named in `after`, which every
    request must pass: the request metrics' clock), keep them last."""
    hooks = app.before_request_funcs.setdefault(None, [])
    ahead = [hook for hook in after if hook in hooks]
    for hook in ahead:
        hooks.remove(hook)
    hooks[:0] = ahead + [serve_kept_page]
    app.after_request(keep_rendered_page)

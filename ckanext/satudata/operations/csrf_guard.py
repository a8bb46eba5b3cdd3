"""CSRF protection for every cookie-authenticated POST of the portal.

CKAN 2.12's ``ckan_before_request`` lets a request that authenticates with an
``Authorization`` header (and, through ``load_user_from_request``, every
anonymous request) through CSRF by calling ``csrf.exempt(view)``. That call
adds the view to Flask-WTF's process-wide exemption set: from then on the view
is exempt for every user until the process restarts, so one anonymous POST or
one API-token request switches off CSRF protection of any form (the workflow
buttons, the roles page, the request actions, ``/api/3/action/...`` with the
session cookie, CKAN's own user and member forms). See docs/security.md,
"Upstream report: CKAN 2.12 CSRF exemption leak".

Two hooks, registered through a blueprint (no routes) so that plugin.py stays
as it is:

1. `RequestScopedExemptions` replaces the exemption set: an exemption made
   while the request authenticated by header (or is anonymous) holds for that
   request only, which is what CKAN means; exemptions made any other way
   (at start-up, by a plugin) stay as they are.
2. `protect_cookie_requests`: a POST (PUT, PATCH, DELETE) that carries the
   authority of the session cookie (a logged-in user, or the access tokens of
   data requests a requester opened in this browser) must carry CKAN's CSRF
   token (form field or ``X-CSRFToken`` header) whatever the exemption set
   says, unless the view was exempted on purpose. A request that
   authenticates with an API token in the ``Authorization`` header needs none
   (a cross-origin page cannot set that header).
"""
from __future__ import annotations

from flask import Blueprint, current_app, g, has_request_context, request, session
from flask_login import current_user

csrf_guard = Blueprint("satudata_csrf_guard", __name__)


class RequestScopedExemptions(set):
    """Flask-WTF's set of exempt view names, where what CKAN exempts for a
    header-authenticated (or anonymous) request is exempt for that request only."""

    def add(self, view_location):
        if has_request_context() and g.get("login_via_auth_header"):
            scoped = g.get("_satudata_csrf_exempt")
            if scoped is None:
                scoped = g._satudata_csrf_exempt = set()
            scoped.add(view_location)
            return
        super().add(view_location)

    def __contains__(self, view_location):
        if has_request_context() and view_location in (g.get("_satudata_csrf_exempt") or ()):
            return True
        return super().__contains__(view_location)

    def on_purpose(self, view_location) -> bool:
        """Exempted outside of CKAN's per-request header branch."""
        return super().__contains__(view_location)


def _csrf():
    """CKAN's CSRFProtect, its exemption set made request-scoped."""
    from ckan.config.middleware.flask_app import csrf
    if not isinstance(csrf._exempt_views, RequestScopedExemptions):
        csrf._exempt_views = RequestScopedExemptions(csrf._exempt_views)
    return csrf


@csrf_guard.record_once
def _install(state):
    _csrf()


def _session_authority() -> bool:
    """The request acts with what the session cookie carries."""
    if current_user.is_authenticated:
        # CKAN sets the flag when the Authorization header identified the user
        return not g.get("login_via_auth_header")
    from ckanext.satudata.requests.views import SESSION_TOKENS
    return bool(session.get(SESSION_TOKENS))


@csrf_guard.before_app_request
def protect_cookie_requests():
    """Runs after CKAN's ``ckan_before_request`` (which identifies the user)
    and before Flask-WTF's own check; raises CSRFError (400) on a bad token."""
    app = current_app
    if not app.config.get("WTF_CSRF_ENABLED") or not request.endpoint:
        return None
    if request.method not in app.config.get("WTF_CSRF_METHODS",
                                            ("POST", "PUT", "PATCH", "DELETE")):
        return None
    if not _session_authority():
        return None
    csrf = _csrf()
    if app.blueprints.get(request.blueprint) in csrf._exempt_blueprints:
        return None
    view = app.view_functions.get(request.endpoint)
    if view is not None and csrf._exempt_views.on_purpose(
            "%s.%s" % (view.__module__, view.__name__)):
        return None
    csrf.protect()   # without exemptions
    return None

"""How the theme's assets are served: each bundle's URLs worked out at most
once a minute per process, and the files kept by browsers.

URLs kept a minute:

CKAN asks webassets for a bundle's URLs on every page it renders, and
webassets, which builds on demand, then stats every source file of the
bundle (and opens some) to learn whether the built file is stale: about 140
`stat` and 30 `open` calls on a resource page, a fifth of its render. The
files do not change under a running process (a deploy restarts it), so a
bundle's answer is kept for `KEPT_SECONDS`: a built file removed from disk
(a temporary-directory cleaner) is built again within a minute. With `debug`
or `ckan.webassets.debug` on, a developer edits the files: asked every time.

Files kept by browsers (`BrowsersKeepFiles`): CKAN sends every asset and
public file `no-cache` (and `private` to a person logged in), so each page
view asked CKAN again for its ~17 files, each a request through CKAN's whole
before-request (the user, the config check, the session) for a 304. A built
asset's name carries its content's hash (`%(version)s` in webassets.yml):
kept a year and immutable, a new build is a new URL. The public folders'
files (CKAN's images and fonts, the logo) and the JavaScript's translations
(`/api/i18n/<lang>`, asked by every page) change only with a deploy: kept an
hour. Such an answer carries no session cookie. Uploaded files (`/uploads/`,
the storage folder), pages and every answer but 200 and 304 keep CKAN's
headers.
"""
from __future__ import annotations

import re
import time

import ckan.plugins.toolkit as tk
from flask import request

KEPT_SECONDS = 60.0
BUILT_FILE = "public, max-age=31536000, immutable"
PUBLIC_FILE = "public, max-age=3600"
_HASHED_NAME = re.compile(r"^[0-9a-f]{8}_[^/]+$")
_POLICY = "satudata.browsers_keep"   # the WSGI environ's key


def assets_edited(config=None) -> bool:
    """`debug` or `ckan.webassets.debug` on: a developer edits the assets,
    so neither their URLs nor the files are kept."""
    config = tk.config if config is None else config
    return tk.asbool(config.get("debug")) or tk.asbool(config.get("ckan.webassets.debug"))


class _UrlsKeptAWhile:
    """Stands in for one bundle's `urls()`: the first call (which builds the
    bundle when needed) is kept, as a copy, for `KEPT_SECONDS`. A call with
    arguments (`calculate_sri`) goes to webassets each time."""

    def __init__(self, urls, clock=time.monotonic):
        self._urls, self._clock = urls, clock
        self._kept, self._until = [], float("-inf")   # asked at the first call

    def __call__(self, *args, **kwargs):
        if args or kwargs:
            return self._urls(*args, **kwargs)
        now = self._clock()
        if now >= self._until:
            self._kept, self._until = list(self._urls()), now + KEPT_SECONDS
        return list(self._kept)


def keep_bundle_urls(env=None, config=None) -> int:
    """Give every bundle registered in CKAN's webassets environment a kept
    `urls()`; called once the app is built (every plugin's and core's assets
    registered). Returns how many bundles it changed."""
    if assets_edited(config):
        return 0
    if env is None:
        from ckan.lib import webassets_tools
        env = webassets_tools.env
    changed = 0
    for bundle in env:
        if not isinstance(bundle.__dict__.get("urls"), _UrlsKeptAWhile):
            bundle.urls = _UrlsKeptAWhile(bundle.urls)
            changed += 1
    return changed


def browser_keeping(endpoint, path: str):
    """How long a browser may keep this answer (a Cache-Control value), or
    None for CKAN's own headers: by the route that served it, never by the
    path alone (a page's path may look like a file's)."""
    if endpoint == "webassets.index":
        return BUILT_FILE if _HASHED_NAME.match(path.rsplit("/", 1)[-1]) else PUBLIC_FILE
    if endpoint == "static" and not path.startswith("/uploads/"):
        return PUBLIC_FILE
    if endpoint == "api.i18n_js_translations":   # a file per language, asked by every page
        return PUBLIC_FILE
    return None


def _note_keeping(response):
    """Flask after-request hook: the route is known here, but CKAN's own
    hook (which runs after ours) writes Cache-Control again; the policy is
    left in the environ for `BrowsersKeepFiles`."""
    policy = browser_keeping(request.endpoint, request.path)
    if policy and request.method in ("GET", "HEAD"):
        request.environ[_POLICY] = policy
    return response


def _kept(headers, policy):
    """The headers with `policy` as Cache-Control, and without what ties a
    file to one visitor: CKAN's `Vary: Cookie` (a browser whose session
    cookie had changed asked again) and a session cookie CKAN updated on
    the way (the first files of a first visit carried one, and so were not
    kept; a cache shared by many visitors must never hand one out)."""
    kept = []
    for name, value in headers:
        lower = name.lower()
        if lower in ("cache-control", "expires", "pragma", "set-cookie"):
            continue
        if lower == "vary":
            value = ", ".join(v.strip() for v in value.split(",")
                              if v.strip() and v.strip().lower() != "cookie")
            if not value:
                continue
        kept.append((name, value))
    kept.append(("Cache-Control", policy))
    return kept


class BrowsersKeepFiles:
    """WSGI: writes the Cache-Control `_note_keeping` chose on a 200 or 304,
    once every Flask hook has run."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        def starting(status, headers, exc_info=None):
            policy = environ.get(_POLICY)
            if policy and status[:3] in ("200", "304"):
                headers = _kept(headers, policy)
            return start_response(status, headers, exc_info)
        return self.app(environ, starting)


def keep_files_in_browsers(app, config=None) -> None:
    """Installed on CKAN's Flask app by the theme's `make_middleware`; not
    with `debug` or `ckan.webassets.debug` (a developer edits the files)."""
    if assets_edited(config):
        return
    if not hasattr(app, "after_request"):   # a plugin before ours wrapped the Flask app
        return
    app.after_request(_note_keeping)
    app.wsgi_app = BrowsersKeepFiles(app.wsgi_app)

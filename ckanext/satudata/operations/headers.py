"""What every answer of the portal promises the browser, and files that never
run in the portal's origin.

Two hooks on the Flask app (wired by ``middleware.make_middleware``):

* `refuse_unservable_download` (before the view): CKAN's resource download
  redirects a linked resource to its URL; a ``javascript:``/``data:`` (or
  empty) URL made that a 500 (``url_for`` of a non-route) and must never
  become a redirect. Such a download answers 404 "no download".
* `secure_response` (after the view, before CKAN's own after-request hook):
  the safety headers on every answer, and for every file the portal sends
  (its own static files and webassets apart)
  (a resource download, a held revision's file, a request's file, an
  export) a disposition and type decided here: a file is shown inline only
  when its served type, its names (the link's and the stored upload's) and
  the resource's declared mimetype all say it is passive content (text,
  tables, JSON, raster images); anything else (HTML, SVG, XML, JS, PDF, ...)
  is an attachment, typed ``application/octet-stream`` unless it is a known
  office/archive document that no browser runs.
"""
from __future__ import annotations

import mimetypes
import os
import posixpath
import unicodedata
import urllib.parse
from typing import Iterable, Optional

from flask import request
from werkzeug.http import parse_options_header

import ckan.plugins.toolkit as tk

# The portal's pages: scripts only from the portal's own files (no inline
# script, no eval); styles may be inline because CKAN's and the view plugins'
# templates (and select2/DataTables/htmx) set style attributes, which cannot
# run code. Images from the portal and data: URIs (CKAN's icons). Resource
# views are iframes of the portal inside the resource page, so framing by
# the portal itself stays allowed (SAMEORIGIN), by any other site not.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'self'",
    "form-action 'self'",
))
# A file is never a page: nothing in it loads or runs, even when shown inline.
DOWNLOAD_POLICY = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; " \
                  "frame-ancestors 'self'; sandbox"

SAFETY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}

_PAGE_MAY_TIGHTEN = ("Referrer-Policy", "X-Frame-Options")

# Shown in the browser: a browser displays these and runs nothing in them
# (with nosniff it never guesses another type).
INLINE_TYPES = frozenset((
    "text/plain", "text/csv", "text/tab-separated-values", "application/json",
    "image/png", "image/jpeg", "image/gif", "image/webp",
))
# Downloaded with their own type: documents a browser hands to another
# program. PDF is here, not inline: it can carry scripts and forms, and
# browsers' viewers differ in how they honour a page's policy.
DOCUMENT_TYPES = frozenset((
    "application/pdf", "application/zip", "application/gzip", "application/x-zip-compressed",
    "application/vnd.ms-excel", "application/msword", "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.presentation",
))
UNSAFE_TYPE = "application/octet-stream"

# The portal's own files (CKAN's and the plugins' public/ folders, the
# webassets bundles): its code, styles and images, not files people sent.
# werkzeug's send_file names them in a Content-Disposition as it does a
# download; typed as one (octet-stream) under nosniff, the browser would
# refuse every stylesheet and script of every page.
OWN_FILE_ENDPOINTS = frozenset(("static", "webassets.index"))

# what a download link may lead to outside the portal
REDIRECT_SCHEMES = ("http", "https")


def _resource_download(endpoint: Optional[str]) -> bool:
    # core's `resource.download`/`dataset_resource.download`, and
    # `<type>_resource.download` of other dataset types
    return bool(endpoint) and (endpoint == "resource.download"
                               or endpoint.endswith("_resource.download"))


def _type_of(name: Optional[str]) -> Optional[str]:
    if not name:
        return None
    guessed, _encoding = mimetypes.guess_type(name.strip(), strict=False)
    return guessed.lower() if guessed else None


def _bare(content_type: Optional[str]) -> Optional[str]:
    if not content_type:
        return None
    return parse_options_header(content_type)[0].strip().lower() or None


def disposition(served: Optional[str], names: Iterable[Optional[str]],
                declared: Optional[str], attachment: bool = False) -> tuple[str, bool]:
    """(Content-Type, inline?) of a file. Every witness must agree it is
    passive: the type it is served with, the type of each of its names (a
    name without a known type counts as unknown) and the declared mimetype.
    One field alone can never talk a file into inline."""
    served_type = _bare(served)
    witnesses = [served_type] + [_type_of(n) for n in names if n]
    if declared:
        witnesses.append(_bare(declared))
    if not attachment and all(w in INLINE_TYPES for w in witnesses):
        return served_type, True
    if all(w in INLINE_TYPES or w in DOCUMENT_TYPES for w in witnesses):
        return served_type, False
    return UNSAFE_TYPE, False


def _content_disposition(kind: str, filename: Optional[str]) -> str:
    """RFC 6266 value (as werkzeug's send_file builds it)."""
    if not filename:
        return kind
    filename = filename.replace("\r", "").replace("\n", "").replace("/", "_").replace("\\", "_")
    try:
        filename.encode("ascii")
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
        quoted = urllib.parse.quote(filename, safe="!#$&+-.^_`|~")
        return "%s; filename=\"%s\"; filename*=UTF-8''%s" % (
            kind, simple.replace('"', ""), quoted)
    return "%s; filename=\"%s\"" % (kind, filename.replace('"', ""))


def _stored_resource(resource_id: Optional[str]):
    import ckan.model as model
    return model.Resource.get(resource_id) if resource_id else None


def _secure_file(response) -> None:
    args = request.view_args or {}
    given_kind, options = parse_options_header(response.headers.get("Content-Disposition", ""))
    names = [args.get("filename"), options.get("filename")]
    declared = None
    if _resource_download(request.endpoint):
        resource = _stored_resource(args.get("resource_id"))
        if resource is not None:
            declared = resource.mimetype
            stored = (resource.url or "").split("?")[0].split("#")[0]
            names.append(posixpath.basename(stored))
    content_type, inline = disposition(
        response.headers.get("Content-Type"), names, declared,
        attachment=given_kind.lower() == "attachment")
    filename = next((n for n in names if n), None) or args.get("resource_id")
    response.headers["Content-Type"] = content_type
    response.headers["Content-Disposition"] = _content_disposition(
        "inline" if inline else "attachment", os.path.basename(filename or ""))
    if not inline:
        # a .gz saved as sent, never unpacked by the browser
        response.headers.pop("Content-Encoding", None)
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY


def _is_file(response) -> bool:
    if request.endpoint in OWN_FILE_ENDPOINTS:
        return False
    if _resource_download(request.endpoint) and response.status_code in (200, 206, 304):
        return True
    return "Content-Disposition" in response.headers


def secure_response(response):
    """Flask after-request hook: the safety headers of every answer."""
    for name, value in SAFETY_HEADERS.items():
        # a page that asked for a stricter policy keeps it (the request
        # pages send `no-referrer`: their URL may carry the private token)
        if name in _PAGE_MAY_TIGHTEN and name in response.headers:
            continue
        response.headers[name] = value
    if _is_file(response):
        _secure_file(response)
    else:
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response


def redirectable(url: Optional[str]) -> bool:
    """A resource link CKAN may redirect a download to: an http(s) URL, or a
    path on the portal itself (CKAN puts the site's URL in front)."""
    url = (url or "").strip()
    if not url:
        return False
    if url.startswith("/") and not url.startswith("//"):
        return True
    return urllib.parse.urlsplit(url).scheme.lower() in REDIRECT_SCHEMES


def refuse_unservable_download():
    """Flask before-request hook, after CKAN's (the user is known)."""
    if not _resource_download(request.endpoint):
        return None
    resource = _stored_resource((request.view_args or {}).get("resource_id"))
    if resource is None or resource.url_type == "upload" or redirectable(resource.url):
        return None
    # a resource the caller may not see answers as CKAN's view does
    from ckanext.satudata.workflow import access
    try:
        tk.get_action("resource_show")(access.page_context(), {"id": resource.id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None
    return tk.abort(404, tk._("No download is available"))

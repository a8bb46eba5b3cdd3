"""The web app behind a reverse proxy, bounded request bodies, the safety
headers of every answer (operations/headers.py) and the anonymous page cache
(page_cache/)."""
from __future__ import annotations

from werkzeug.middleware.proxy_fix import ProxyFix

import ckan.plugins.toolkit as tk
from ckanext.satudata.operations import headers, metrics
from ckanext.satudata.page_cache import invalidation as page_cache_invalidation
from ckanext.satudata.page_cache import web as page_cache


def max_upload_bytes() -> int:
    return tk.asint(tk.config.get("ckan.max_resource_size")) * 1024 * 1024


def make_middleware(app, config):
    # Trust X-Forwarded-For/-Proto only from as many proxies as configured
    # (nginx in front = 1); with 0 a client cannot pick the address the rate
    # limit counts by writing the header itself.
    hops = tk.asint(config.get("ckanext.satudata.trusted_proxy_count") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    # a body larger than the largest allowed upload (plus the form around it)
    # is refused with 413 before it is read
    app.config["MAX_CONTENT_LENGTH"] = max_upload_bytes() + 1024 * 1024
    # registered after CKAN's own hooks: the download check runs once CKAN
    # knows the user, the headers before CKAN's after-request hook
    app.before_request(headers.refuse_unservable_download)
    app.after_request(headers.secure_response)
    # a kept page is served before CKAN's own hook (once the request metrics'
    # clock runs: a served page is counted), and kept before the safety
    # headers (added to every serving)
    page_cache.install(app, after=(metrics._started,))
    page_cache_invalidation.install()
    return app

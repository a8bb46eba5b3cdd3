"""Where cached pages live: Redis, shared by every web node and worker."""
from __future__ import annotations

import hashlib
import json
import logging
import zlib
from typing import Optional

import ckan
import ckan.plugins.toolkit as tk

from ckanext.satudata.requests.ratelimit import fast_redis, portal_namespace

log = logging.getLogger(__name__)

# A page larger than this is served but not kept (a resource page with a
# huge description); pages are zlib-compressed, ~8x for HTML.
MAX_PAGE_BYTES = 2 * 1024 * 1024


def _site() -> str:
    return portal_namespace()


def generation_key() -> str:
    return "satudata:%s:page-generation" % _site()


def desk_generation_key() -> str:
    return "satudata:%s:desk-generation" % _site()


def enabled() -> bool:
    return tk.asbool(tk.config.get("ckanext.satudata.page_cache"))


def ttl() -> int:
    return tk.asint(tk.config.get("ckanext.satudata.page_cache_ttl"))


def _code() -> str:
    """What the code that renders a page is: a page rendered by another CKAN,
    plugin set or site URL is never served (`page-cache clear` after a
    deployment that changes templates)."""
    plugins = tk.config.get("ckan.plugins") or []
    if isinstance(plugins, str):
        plugins = plugins.split()
    return hashlib.sha1("|".join((
        ckan.__version__, " ".join(plugins), tk.config.get("ckan.site_url") or "",
        tk.config.get("ckan.locale_default") or ""))
        .encode()).hexdigest()[:12]


def current_generation() -> Optional[int]:
    """The generation pages are filed under now; None when Redis does not
    answer (then nothing is served from or put into the cache)."""
    try:
        return int(fast_redis().get(generation_key()) or 0)
    except Exception:  # noqa: BLE001 - a cache outage serves uncached pages
        log.warning("page cache: Redis does not answer; pages are rendered")
        return None


def next_generation() -> None:
    """Everything cached so far is out of date (the desk's counts too)."""
    try:
        with fast_redis().pipeline(transaction=False) as pipe:
            pipe.incr(generation_key())
            pipe.incr(desk_generation_key())
            pipe.execute()
    except Exception:  # noqa: BLE001
        # Entries expire after page_cache_ttl; until then a node could serve a
        # page of before this write. Said loudly: the operator can clear.
        log.error("page cache: could not move the generation on after a write; "
                  "cached pages may be up to %d s old (ckan satudata page-cache clear)",
                  ttl())


def current_desk_generation() -> Optional[int]:
    try:
        return int(fast_redis().get(desk_generation_key()) or 0)
    except Exception:  # noqa: BLE001
        return None


def next_desk_generation() -> None:
    """A request on the desk changed: the kept work counts are out of date."""
    try:
        fast_redis().incr(desk_generation_key())
    except Exception:  # noqa: BLE001
        log.error("page cache: could not move the desk generation on after a write; "
                  "the header's work counts may be up to %d s old", ttl())


def _today() -> str:
    """Pages say "due soon" or "overdue" (the update schedule): a page of
    yesterday is not served today, the date in the portal's time zone (WIB)."""
    from ckanext.satudata.workflow.clock import WIB, now
    return now().astimezone(WIB).strftime("%Y%m%d")


def page_key(generation: int, language: str, path_and_query: str) -> str:
    digest = hashlib.sha1(path_and_query.encode("utf-8", "surrogateescape")).hexdigest()
    return "satudata:%s:page:%d:%s:%s:%s:%s" % (_site(), generation, _code(), _today(),
                                                language, digest)


def get(key: str) -> Optional[dict]:
    try:
        blob = fast_redis().get(key)
    except Exception:  # noqa: BLE001
        return None
    if blob is None:
        return None
    try:
        return json.loads(zlib.decompress(blob))
    except (ValueError, zlib.error):
        return None


def put(key: str, page: dict) -> None:
    try:
        blob = zlib.compress(json.dumps(page).encode(), 6)
    except (TypeError, ValueError):   # not JSON: served, not kept
        log.warning("page cache: %s is not JSON, not kept", key)
        return
    if len(blob) > MAX_PAGE_BYTES:
        return
    try:
        fast_redis().set(key, blob, ex=ttl())
    except Exception:  # noqa: BLE001
        pass


def remembered(kind: str, parts: tuple, compute, desk: bool = False):
    """`compute()`'s answer (JSON), kept under the current generation like a
    page: a fragment many pages need (a dataset's quality score), recomputed
    after any write a page could show. With `desk`, under the desk
    generation, which also moves with every write to the request desk.
    Computed anew when Redis is away."""
    generation = current_desk_generation() if desk else current_generation()
    if generation is None or not enabled():
        return compute()
    digest = hashlib.sha1(json.dumps(parts, sort_keys=True, default=str)
                          .encode()).hexdigest()
    key = "satudata:%s:%s:%d:%s:%s" % (_site(), kind, generation, _today(), digest)
    kept = get(key)
    if kept is not None:
        return kept["value"]
    value = compute()
    put(key, {"value": value})
    return value


def remembered_for_visitors(kind: str, parts: tuple, compute):
    """`remembered` for visitors without an account, who all see the same
    (a fragment of the dataset page shared by many pages: its first view is
    the one the page cache cannot serve); anyone logged in gets `compute()`."""
    user = getattr(tk, "current_user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return compute()
    return remembered(kind, parts, compute)

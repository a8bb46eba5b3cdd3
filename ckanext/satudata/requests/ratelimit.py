"""Rate limit of data-request submissions (Redis): accepted submissions per
account, or per address for anonymous requesters.
If Redis is unreachable the limit is not applied: a real requester is never
turned away because of our outage (the submission itself lives in PostgreSQL)."""
from __future__ import annotations

import logging
from typing import Optional

from redis import Redis

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

# Seconds a Redis call may take before we give up on it. CKAN's own pool has
# no timeout, so a hung Redis (or one behind a firewall dropping packets)
# would hang every submission; with this it costs a second and fails open.
REDIS_TIMEOUT = 1.0

_clients: dict[str, Redis] = {}


def fast_redis() -> Redis:
    """A client for `ckan.redis.url` with short connect and read timeouts."""
    url = tk.config.get("ckan.redis.url")
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = Redis.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT)
    return client


def client_key(request, user=None) -> str:
    """Who a submission counts against: the account when logged in (many
    citizens share an office or a school's address), else the address."""
    if user is not None and getattr(user, "is_authenticated", False):
        return "user:%s" % user.id
    return "addr:%s" % (request.remote_addr or "unknown")


def _settings() -> tuple[int, int]:
    return (tk.asint(tk.config.get("ckanext.satudata.request_rate_limit")),
            tk.asint(tk.config.get("ckanext.satudata.request_rate_window")))


def portal_namespace() -> str:
    """This portal in a shared Redis: its site id and its database (two
    portals, or test runs, on one Redis never count or cache for each other;
    every node of one portal shares them)."""
    from sqlalchemy.engine import make_url
    database = make_url(tk.config.get("sqlalchemy.url")).database
    return "%s:%s" % (tk.config.get("ckan.site_id") or "default", database)


def _key(client: str, bucket: str) -> str:
    return "satudata:%s:ratelimit:%s:%s" % (portal_namespace(), bucket, client)


def retry_after(client: str, bucket: str = "request_create") -> Optional[int]:
    """Seconds to wait when `client` has used up its accepted submissions,
    else None. Looking does not count: only `record()` does."""
    limit, window = _settings()
    if limit <= 0:
        return None
    try:
        redis = fast_redis()
        pipe = redis.pipeline()
        pipe.get(_key(client, bucket))
        pipe.ttl(_key(client, bucket))
        count, ttl = pipe.execute()
        if count is not None and int(count) >= limit:
            if ttl < 0:   # a counter left without expiry would lock out for good
                redis.expire(_key(client, bucket), window)
                return window
            return max(int(ttl), 1)
    except Exception as e:  # Redis down: fail open, log it
        log.warning("satudata: rate limit not applied, Redis unavailable: %s", e)
    return None


def record(client: str, bucket: str = "request_create") -> None:
    """Count one accepted submission."""
    limit, window = _settings()
    if limit <= 0:
        return
    key = _key(client, bucket)
    try:
        # one MULTI/EXEC: the counter is never left without its expiry (a
        # counter without one would lock the client out for good)
        pipe = fast_redis().pipeline()
        pipe.set(key, 0, ex=window, nx=True)
        pipe.incr(key)
        pipe.ttl(key)
        _, _, ttl = pipe.execute()
        if ttl < 0:   # a counter left without expiry by an older version
            fast_redis().expire(key, window)
    except Exception as e:
        log.warning("satudata: submission not counted, Redis unavailable: %s", e)

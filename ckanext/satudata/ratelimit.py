"""Per-client-address rate limit for anonymous request submissions (Redis).
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


def retry_after(client: str, bucket: str = "request_create") -> Optional[int]:
    """Seconds to wait when `client` is over the limit, else None."""
    limit = tk.asint(tk.config.get("ckanext.satudata.request_rate_limit"))
    window = tk.asint(tk.config.get("ckanext.satudata.request_rate_window"))
    if limit <= 0:
        return None
    key = "satudata:ratelimit:%s:%s" % (bucket, client)
    try:
        redis = fast_redis()
        # one MULTI/EXEC: the counter is never left without its expiry (a
        # counter without one would lock the address out for good)
        pipe = redis.pipeline()
        pipe.set(key, 0, ex=window, nx=True)
        pipe.incr(key)
        pipe.ttl(key)
        _, count, ttl = pipe.execute()
        if ttl < 0:   # a counter left without expiry by an older version
            redis.expire(key, window)
            ttl = window
        if count > limit:
            return max(int(ttl), 1)
    except Exception as e:  # Redis down: fail open, log it
        log.warning("satudata: rate limit not applied, Redis unavailable: %s", e)
    return None

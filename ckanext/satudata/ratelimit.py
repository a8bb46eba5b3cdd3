"""Per-client-address rate limit for anonymous request submissions (Redis).
If Redis is unreachable the limit is not applied: a real requester is never
turned away because of our outage (the submission itself lives in PostgreSQL)."""
from __future__ import annotations

import logging
from typing import Optional

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis

log = logging.getLogger(__name__)


def retry_after(client: str, bucket: str = "request_create") -> Optional[int]:
    """Seconds to wait when `client` is over the limit, else None."""
    limit = tk.asint(tk.config.get("ckanext.satudata.request_rate_limit"))
    window = tk.asint(tk.config.get("ckanext.satudata.request_rate_window"))
    if limit <= 0:
        return None
    key = "satudata:ratelimit:%s:%s" % (bucket, client)
    try:
        redis = connect_to_redis()
        count = redis.incr(key)
        if count == 1:
            redis.expire(key, window)
        if count > limit:
            return max(int(redis.ttl(key)), 1)
    except Exception as e:  # Redis down: fail open, log it
        log.warning("satudata: rate limit not applied, Redis unavailable: %s", e)
    return None

"""Rate limit of data-request submissions (Redis).

A submission counts against the requester: the email address its receipt
and access token are sent to and, when logged in, the account
(`ckanext.satudata.request_rate_limit` each). One address is shared by a
whole kecamatan behind a mobile operator's CGNAT, a campus or a warnet, so
per address there is only a generous ceiling against floods
(`ckanext.satudata.request_rate_limit_per_address`). Only accepted
submissions count (`record`), per portal (site id and database) in a Redis
every web node shares.

If Redis is unreachable the limit is not applied: a real requester is never
turned away because of our outage (the submission itself lives in PostgreSQL)."""
from __future__ import annotations

import hashlib
import hmac
import logging
import math
from dataclasses import dataclass
from typing import Optional

from redis import Redis

import ckan.plugins.toolkit as tk

from ckanext.satudata.i18n import Nplural_

log = logging.getLogger(__name__)

# Seconds a Redis call may take before we give up on it. CKAN's own pool has
# no timeout, so a hung Redis (or one behind a firewall dropping packets)
# would hang every submission; with this it costs a second and fails open.
REDIS_TIMEOUT = 1.0
BUCKET = "request_create"
# who a limit is about: the requester (email, account) or the network
REQUESTER, NETWORK = "requester", "network"

_clients: dict[str, Redis] = {}


def fast_redis() -> Redis:
    """A client for `ckan.redis.url` with short connect and read timeouts."""
    url = tk.config.get("ckan.redis.url")
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = Redis.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT)
    return client


@dataclass(frozen=True)
class Counter:
    """One thing a submission counts against, with its limit per window."""
    client: str     # e.g. "email:<digest>", "user:<id>", "addr:<ip>"
    limit: int
    kind: str       # REQUESTER or NETWORK


def _settings() -> tuple[int, int, int]:
    return (tk.asint(tk.config.get("ckanext.satudata.request_rate_limit")),
            tk.asint(tk.config.get("ckanext.satudata.request_rate_limit_per_address")),
            tk.asint(tk.config.get("ckanext.satudata.request_rate_window")))


def mailbox(email) -> Optional[str]:
    """The mailbox an address reaches, for counting: trimmed, lower case,
    without a `+tag` (rina+1@… and rina+2@… are one person's mail)."""
    if not isinstance(email, str) or "@" not in email:
        return None
    local, _, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    return "%s@%s" % (local, domain) if local and domain else None


def _digest(box: str) -> str:
    """The mailbox as Redis keeps it: a keyed hash, so the keys do not list
    requesters' addresses."""
    secret = (tk.config.get("SECRET_KEY") or tk.config.get("beaker.session.secret")
              or "satudata").encode()
    return hmac.new(secret, box.encode(), hashlib.sha256).hexdigest()[:32]


def submitted_email(request, api: bool) -> Optional[str]:
    """The requester's email in a submission: the form's field, or the API
    call's body read as CKAN's API reads it (JSON, form, JSON as a form key)."""
    if not api:
        return request.form.get("email")
    from ckan.views.api import _get_request_data
    try:
        return _get_request_data().get("email")
    except Exception:   # a body the action refuses as well: the address counts
        return None


def counters(request, user=None, email=None) -> list[Counter]:
    """What a submission counts against: the mailbox it names, the account
    when logged in, and the address's flood ceiling."""
    limit, per_address, _ = _settings()
    found = []
    if limit > 0:
        box = mailbox(email)
        if box:
            found.append(Counter("email:%s" % _digest(box), limit, REQUESTER))
        if user is not None and getattr(user, "is_authenticated", False):
            found.append(Counter("user:%s" % user.id, limit, REQUESTER))
    if per_address > 0:
        found.append(Counter("addr:%s" % (request.remote_addr or "unknown"), per_address,
                             NETWORK))
    return found


def portal_namespace() -> str:
    """This portal in a shared Redis: its site id and its database (two
    portals, or test runs, on one Redis never count or cache for each other;
    every node of one portal shares them)."""
    from sqlalchemy.engine import make_url
    database = make_url(tk.config.get("sqlalchemy.url")).database
    return "%s:%s" % (tk.config.get("ckan.site_id") or "default", database)


def _key(client: str, bucket: str = BUCKET) -> str:
    return "satudata:%s:ratelimit:%s:%s" % (portal_namespace(), bucket, client)


@dataclass(frozen=True)
class Refusal:
    seconds: int
    kind: str       # REQUESTER or NETWORK

    @property
    def minutes(self) -> int:
        """The wait as a person is told it: whole minutes, rounded up."""
        return max(1, math.ceil(self.seconds / 60))


def retry_after(found: list[Counter], bucket: str = BUCKET) -> Optional[Refusal]:
    """How long to wait when one of `found` has used up its accepted
    submissions (the longest such wait), else None. Looking does not count:
    only `record()` does."""
    if not found:
        return None
    window = _settings()[2]
    try:
        redis = fast_redis()
        pipe = redis.pipeline()
        for counter in found:
            pipe.get(_key(counter.client, bucket))
            pipe.ttl(_key(counter.client, bucket))
        answers = pipe.execute()
        refusal = None
        for i, counter in enumerate(found):
            count, ttl = answers[2 * i], answers[2 * i + 1]
            if count is None or int(count) < counter.limit:
                continue
            if ttl < 0:   # a counter left without expiry would lock out for good
                redis.expire(_key(counter.client, bucket), window)
                ttl = window
            wait = Refusal(max(int(ttl), 1), counter.kind)
            if refusal is None or wait.seconds > refusal.seconds:
                refusal = wait
        return refusal
    except Exception as e:  # Redis down: fail open, log it
        log.warning("satudata: rate limit not applied, Redis unavailable: %s", e)
    return None


def record(found: list[Counter], bucket: str = BUCKET) -> None:
    """Count one accepted submission against each of `found`."""
    if not found:
        return
    window = _settings()[2]
    try:
        # one MULTI/EXEC: a counter is never left without its expiry (a
        # counter without one would lock the client out for good)
        pipe = fast_redis().pipeline()
        for counter in found:
            key = _key(counter.client, bucket)
            pipe.set(key, 0, ex=window, nx=True)
            pipe.incr(key)
            pipe.ttl(key)
        answers = pipe.execute()
        for i, counter in enumerate(found):
            if answers[3 * i + 2] < 0:   # left without expiry by an older version
                fast_redis().expire(_key(counter.client, bucket), window)
    except Exception as e:
        log.warning("satudata: submission not counted, Redis unavailable: %s", e)


# What the person is told, in minutes (the header Retry-After keeps seconds).
MESSAGES = {
    REQUESTER: Nplural_("Too many requests from this email address or account; try again in "
                        "%(minutes)d minute.",
                        "Too many requests from this email address or account; try again in "
                        "%(minutes)d minutes."),
    NETWORK: Nplural_("Too many requests from your network; try again in %(minutes)d minute.",
                      "Too many requests from your network; try again in %(minutes)d minutes."),
}


def page_message(refusal: Refusal) -> str:
    """The wait in the page's language alone."""
    singular, plural = MESSAGES[refusal.kind]
    return tk.ungettext(singular, plural, refusal.minutes, minutes=refusal.minutes)


def api_message(refusal: Refusal) -> str:
    """The wait for an API client, which has no page language: Bahasa
    Indonesia / English."""
    from ckanext.satudata.i18n import _catalogue
    singular, plural = MESSAGES[refusal.kind]
    values = {"minutes": refusal.minutes}
    english = (singular if refusal.minutes == 1 else plural) % values
    indonesian = _catalogue("id").ngettext(singular, plural, refusal.minutes) % values
    return english if indonesian == english else "%s / %s" % (indonesian, english)

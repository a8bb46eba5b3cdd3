"""`ckan satudata doctor`: checks a deployment and says what to fix (issue 27).

Each check answers {ok, detail, fix}. Run it on any node with that node's
ckan.ini; with `--node URL` for each web node it also proves every node signs
and reads with the same secret key and sees the same database (a token made
here is accepted there)."""
from __future__ import annotations

import os
import smtplib
import tempfile
import uuid
from typing import Any, Callable

import sqlalchemy as sa

import ckan.plugins.toolkit as tk


def _result(ok: bool, detail: str, fix: str = "") -> dict[str, Any]:
    return {"ok": ok, "detail": detail, "fix": "" if ok else fix}


def storage() -> dict[str, Any]:
    from ckanext.satudata.operations.backup import sources
    directories = sources(tk.config)["directories"]
    directories.pop("mail", None)
    if "storage" not in directories:
        return _result(False, "ckan.storage_path is not set",
                       "set ckan.storage_path to the shared storage (NFS or the like) "
                       "mounted at the same path on every node")
    for name, root in directories.items():
        try:
            os.makedirs(root, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=root, prefix=".doctor-") as f:
                f.write(b"ok")
                f.flush()
        except OSError as e:
            return _result(False, "%s (%s) not writable: %s" % (name, root, e),
                           "give the web and worker user write access to %s" % root)
    return _result(True, "writable: %s" % ", ".join(sorted(directories.values())))


def redis() -> dict[str, Any]:
    from ckanext.satudata.requests.ratelimit import fast_redis
    try:
        fast_redis().ping()
    except Exception as e:
        return _result(False, "Redis does not answer: %s" % e,
                       "start Redis and point ckan.redis.url at it (the same on every node)")
    return _result(True, tk.config.get("ckan.redis.url"))


def worker() -> dict[str, Any]:
    from ckanext.satudata.operations import health
    try:
        found = health._worker()
    except Exception as e:
        return _result(False, "cannot ask Redis about workers: %s" % e, "fix Redis first")
    if not found["ok"]:
        return _result(False, found.get("detail", "no worker"),
                       "run `ckan jobs worker` under supervision (one or more)")
    return _result(True, "%d worker(s) alive" % found["workers"])


def scheduler() -> dict[str, Any]:
    """One scheduler per queue: two would send every due mail twice were the
    outbox not claimed row by row; the lock says who runs."""
    from ckanext.satudata.requests.ratelimit import fast_redis
    try:
        holders = fast_redis().keys(scheduler_key("*"))
    except Exception as e:
        return _result(False, "cannot ask Redis: %s" % e, "fix Redis first")
    if not holders:
        return _result(False, "no `ckan satudata scheduler` has checked in for 3 minutes",
                       "run one `ckan satudata scheduler` (supervisord program `scheduler`)")
    if len(holders) > 1:
        return _result(False, "%d schedulers run: %s" % (len(holders), ", ".join(
            sorted(h.decode() if isinstance(h, bytes) else h for h in holders))),
            "keep one `ckan satudata scheduler` for the whole deployment")
    return _result(True, "one scheduler")


def scheduler_key(who: str) -> str:
    from ckan.lib import jobs
    return "%s:satudata-scheduler:%s" % (jobs.add_queue_name_prefix(""), who)


def mail_relay() -> dict[str, Any]:
    server = tk.config.get("smtp.server") or "localhost"
    host, _, port = server.partition(":")
    try:
        with smtplib.SMTP(host, int(port or 25), timeout=10) as smtp:
            code, _ = smtp.noop()
    except (OSError, smtplib.SMTPException) as e:
        return _result(False, "the mail relay %s does not answer: %s" % (server, e),
                       "check smtp.server (and the firewall); mails wait in the outbox meanwhile")
    return _result(code == 250, "%s answers (%d)" % (server, code),
                   "the relay answered NOOP with %d" % code)


def datastore_read_only() -> dict[str, Any]:
    url = tk.config.get("ckan.datastore.read_url")
    if not url:
        return _result(True, "no DataStore configured")
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            trans = conn.begin()
            try:
                conn.execute(sa.text('CREATE TABLE "_doctor_%s" (x int)' % uuid.uuid4().hex))
                wrote = True
            except sa.exc.DBAPIError:
                wrote = False
            finally:
                trans.rollback()
    except Exception as e:
        return _result(False, "the DataStore read URL does not connect: %s" % e,
                       "check ckan.datastore.read_url")
    finally:
        engine.dispose()
    return _result(not wrote, "the read-only user %s" % (
        "can create tables" if wrote else "cannot write"),
        "run `ckan datastore set-permissions | psql` and use a user of its own for "
        "ckan.datastore.read_url")


def node(url: str) -> Callable[[], dict[str, Any]]:
    """A token made here with this node's secret key, accepted by `url`."""
    def check() -> dict[str, Any]:
        import requests
        import ckan.model as model
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        context = {"user": site_user["name"], "ignore_auth": True}
        made = tk.get_action("api_token_create")(
            dict(context), {"user": site_user["name"], "name": "satudata-doctor"})
        model.repo.commit()
        try:
            answer = requests.get(url.rstrip("/") + "/api/3/action/api_token_list",
                                  params={"user_id": site_user["name"]},
                                  headers={"Authorization": made["token"]}, timeout=15)
            ok = answer.status_code == 200
            detail = "accepts this node's token" if ok else "refuses this node's token (%d)" % (
                answer.status_code)
        except Exception as e:
            ok, detail = False, "does not answer: %s" % e
        finally:
            from ckan.lib.api_token import decode
            jti = (decode(made["token"]) or {}).get("jti")
            if jti:
                tk.get_action("api_token_revoke")(dict(context), {"jti": jti})
                model.repo.commit()
        return _result(ok, "%s %s" % (url, detail),
                       "give every node the same SECRET_KEY (and api_token.jwt.* secrets) "
                       "and the same sqlalchemy.url")
    return check


CHECKS = {"storage": storage, "redis": redis, "worker": worker, "scheduler": scheduler,
          "mail_relay": mail_relay, "datastore_read_only": datastore_read_only}


def run(nodes: tuple = ()) -> dict[str, dict[str, Any]]:
    checks = dict(CHECKS)
    for url in nodes:
        checks["node %s" % url] = node(url)
    results = {}
    for name, check in checks.items():
        try:
            results[name] = check()
        except Exception as e:   # a check that cannot run is a finding, not a crash
            results[name] = _result(False, "%s: %s" % (type(e).__name__, e),
                                    "see the message")
    return results

"""Do the links of published datasets answer? (MQA's "accessURL / downloadURL
answers", issue 25.) Checked in the background, never while a page renders:
`ckan satudata quality check-links` (cron) queues a job that asks every link
resource of every published dataset once (HEAD, else GET, 10 s, redirects
followed) and keeps the answer in CKAN's task_status table (task type
``satudata_link_check``, key = the URL); quality/actions.py reads it.
Uploaded files are not asked over HTTP: they answer when the file exists.

Only public addresses are asked: a link to a loopback, private or link-local
address (the portal's own network) is recorded as not answering, so a
resource URL cannot make the server probe its neighbours.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import socket
from typing import Optional
from urllib.parse import urlsplit

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.quality import schedule
from ckanext.satudata.quality.actions import LINK_TASK

log = logging.getLogger(__name__)
TIMEOUT = 10


def _public_host(host: str) -> bool:
    if tk.asbool(tk.config.get("ckanext.satudata.link_check_private", False)):
        return True
    try:
        infos = socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError):
        return False
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            return False
    return bool(infos)


def answers(url: str) -> tuple[bool, str]:
    """(answers, why) for one URL."""
    import requests
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False, "not an http(s) link"
    if not _public_host(parts.hostname):
        return False, "not a public address"
    try:
        with requests.Session() as session:
            response = session.head(url, timeout=TIMEOUT, allow_redirects=True)
            if response.status_code in (405, 501) or response.status_code >= 400:
                response = session.get(url, timeout=TIMEOUT, allow_redirects=True, stream=True)
                response.close()
    except requests.RequestException as e:
        return False, type(e).__name__
    return response.status_code < 400, "HTTP %d" % response.status_code


def _record(resource_id: str, url: str, ok: bool, why: str) -> None:
    row = model.Session.query(model.TaskStatus).filter_by(
        entity_id=resource_id, task_type=LINK_TASK, key=url).first()
    if row is None:
        row = model.TaskStatus(entity_id=resource_id, entity_type="resource",
                               task_type=LINK_TASK, key=url)
        model.Session.add(row)
    row.value, row.error, row.state = ("ok" if ok else "failed"), why, "done"
    row.last_updated = dt.datetime.utcnow()


def check_links(package_ids: Optional[list[str]] = None) -> dict[str, int]:
    """Ask every link of the published datasets (or of `package_ids`); commit."""
    counts = {"ok": 0, "failed": 0}
    wanted = set(package_ids) if package_ids else None
    for item in schedule.published_datasets():
        if wanted is not None and item["id"] not in wanted:
            continue
        for res in model.Package.get(item["id"]).resources:
            if res.url_type == "upload" or not res.url:
                continue
            ok, why = answers(res.url)
            _record(res.id, res.url, ok, why)
            counts["ok" if ok else "failed"] += 1
        model.Session.commit()
    return counts


def enqueue() -> None:
    tk.enqueue_job(check_links, title="satudata: check dataset links", rq_kwargs={"timeout": 3600})

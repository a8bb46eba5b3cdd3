"""Helpers the satudata tests share (fixtures live in conftest.py)."""
import contextlib
import email
import email.policy
import pathlib
import socket
import subprocess
import sys
import threading
import time

import requests

import ckan.lib.jobs as jobs
import ckan.plugins.toolkit as tk
from ckan.tests import factories

# The repository root: scripts/, config/ and test.ini live there.
REPO_ROOT = pathlib.Path(__file__).resolve().parents[1]


def site_context():
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": user["name"], "ignore_auth": True}


class SdiDataset(factories.Dataset):
    """A dataset carrying the SDI fields the schema requires."""
    topic = "pemerintahan_umum"
    update_frequency = "tahunan"
    period_start = "2025"
    presentation_level = "kecamatan"
    unit = "jiwa"
    classification = "terbuka"


def as_user(user):
    return {"user": user["name"] if user else "", "ignore_auth": False}


def walidata_team():
    """One user per portal role (SPEC "People"), as user dicts by role (the
    `walidata` fixture; a module-scoped portal's builder calls it itself)."""
    import ckan.model as model
    from ckanext.satudata.workflow import roles
    team = {}
    for role in ("staf", "subkoord", "kabid"):
        team[role] = factories.User(name="%s-walidata" % role)
        roles.grant(team[role]["id"], role, None)
    model.repo.commit()
    return team


def transition(user, dataset, name, **kw):
    from ckan.tests import helpers
    return helpers.call_action("satudata_dataset_transition", context=as_user(user),
                               id=dataset, transition=name, **kw)


def walk(dataset, team, until="terbit"):
    """Take a dataset along the SOP chain with the team's users."""
    steps = [("assign", "subkoord", {"assignee": team["staf"]["name"]}),
             ("submit", "staf", {}), ("approve", "subkoord", {}),
             ("approve", "kabid", {}), ("publish", "staf", {})]
    result = None
    for name, role, extra in steps:
        result = transition(team[role], dataset, name, **extra)
        if result["state"] == until:
            break
    return result


class MailSink:
    """aiosmtpd handler keeping every message it is given (the smtp_sink fixture)."""

    def __init__(self):
        self.messages = []
        self.refused = []   # the smtp_sink fixture fails a test that made any
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        # a relay's strictness: a malformed header is refused (550), not kept
        from ckanext.satudata.operations.mail_sink import refusal
        raw = envelope.original_content or envelope.content
        reply = refusal(raw)
        if reply:
            with self._lock:
                self.refused.append(reply)
            return reply
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        with self._lock:
            self.messages.append({
                "to": list(envelope.rcpt_tos), "from": envelope.mail_from,
                "subject": str(msg["subject"]), "body": msg.get_content(),
                "message": msg,
            })
        return "250 Message accepted for delivery"

    def to(self, address):
        with self._lock:
            return [m for m in self.messages if address in m["to"]]

    def recipients(self):
        with self._lock:
            return {r for m in self.messages for r in m["to"]}


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_worker():
    """CKAN's RQ worker (it forks per job), burst mode: run what is queued."""
    worker = jobs.Worker(["default"])
    worker.work(burst=True)
    failed = jobs.get_queue().failed_job_registry
    assert failed.count == 0, "failed jobs: %s" % failed.get_job_ids()


@contextlib.contextmanager
def gunicorn_on_loopback(port, env, log_name, *gunicorn_args):
    """CKAN as deployed (gunicorn, config/wsgi.py) on a loopback port, with the
    given environment (its ini, database, Redis); yields the URL once it answers."""
    url = "http://127.0.0.1:%d" % port
    from tests.workers import WORKER
    if WORKER:   # one log per xdist worker: test-dcat-server-gw1.log
        log_name = log_name.replace(".log", "-%s.log" % WORKER)
    log = open(REPO_ROOT / ".run" / log_name, "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:%d" % port, "--timeout", "120",
         *gunicorn_args, "--pythonpath", str(REPO_ROOT / "config"), "wsgi:application"],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 90
        while True:
            try:
                if requests.get(url + "/api/3/action/status_show", timeout=5).ok:
                    break
            except requests.RequestException:
                pass
            assert proc.poll() is None, "server exited, see .run/%s" % log_name
            assert time.time() < deadline, "server did not start"
            time.sleep(0.05)   # the port answers 0.1-0.4 s after it is bound
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def preview_plugins():
    """test.ini's plugins plus the data preview as production runs it."""
    import configparser
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(REPO_ROOT / "test.ini")
    return ini["app:main"]["ckan.plugins"] + (
        " datastore xloader satudata_preview datatables_view image_view satudata_chart_view")


PREVIEW_PLUGINS = preview_plugins()


def with_the_preview():
    """The marks of a module testing the portal with its production preview
    (DataStore, xloader with a token, the default views), on an empty
    database with no job left from an earlier test."""
    import pytest
    return [
        pytest.mark.ckan_config("ckan.plugins", PREVIEW_PLUGINS),
        pytest.mark.ckan_config("ckanext.xloader.api_token", "test-token-not-used"),
        pytest.mark.ckan_config("ckan.views.default_views",
                                "datatables_view image_view satudata_chart"),
        pytest.mark.usefixtures("satudata_db", "with_plugins", "empty_queue"),
    ]



def built_once(request, kept: dict, build, row):
    """What `build()` returns, built once for the tests of a module that only
    read it: kept in `kept` (a module-scoped dict) while the row `row(kept)`
    names (``("group", id)`` or ``("user", id)``) is still in the database,
    built again on an emptied one when a test emptied it since (any test of
    the run: the order of tests does not matter). A test that writes takes
    `satudata_db` itself and gets an empty database and a build of its own.
    Call it from a function-scoped fixture that takes `with_plugins`."""
    if "satudata_db" in request.fixturenames:
        request.getfixturevalue("satudata_db")
        kept.clear()
        return build()
    if not kept or not _row_exists(*row(kept)):
        request.getfixturevalue("satudata_db")
        kept.clear()
        kept.update(build())
    return kept


def _row_exists(table: str, row_id: str) -> bool:
    import sqlalchemy as sa
    import ckan.model as model
    assert table in ("group", "user"), table
    with model.meta.engine.connect() as conn:   # what is committed, outside the test's session
        return conn.execute(sa.text('SELECT 1 FROM "%s" WHERE id = :id' % table),
                            {"id": row_id}).first() is not None

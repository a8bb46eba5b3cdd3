"""The loader really running: the portal served by gunicorn with the DataStore
and ckanext-xloader, `ckan jobs worker --burst` loading with the loader
account's token (`ckan preview token`). A load keeps a published dataset
published and reports back with a token that is not a sysadmin's; a held
revision's new file reaches the table only when the revision is published."""
import datetime
import io
import os
import re
import subprocess
import sys

import pytest
import requests
from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.helpers import (REPO_ROOT, SdiDataset, as_user, free_port, gunicorn_on_loopback,
                           site_context)

from tests.helpers import PREVIEW_PLUGINS as PLUGINS  # noqa: E402

# this process runs the DataStore's settle job as the worker would: same plugins
pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS),
              pytest.mark.ckan_config("ckanext.xloader.api_token", "test-token-not-used"),
              pytest.mark.usefixtures("satudata_db")]

ROOT = str(REPO_ROOT)
PREVIEW_PLUGINS = "datastore xloader satudata_preview datatables_view image_view satudata_chart_view"
CSV = b"kecamatan,penduduk\nGlagah,36210\nLicin,29340\nKabat,68120\n"
REVISED_CSV = b"kecamatan,penduduk\nGlagah,36999\nLicin,29999\nKabat,68999\nRogojampi,1\n"


def served_ini(token, port):
    """test.ini with the production preview plugins, the loader's token and a
    site id (so a job queue) of its own."""
    with open(os.path.join(ROOT, "test.ini")) as f:
        text = f.read()
    text = re.sub(r"(?m)^(ckan\.plugins = .*)$", r"\1 " + PREVIEW_PLUGINS, text, count=1)
    text = text.replace("%(here)s", ROOT)
    text = re.sub(r"(?m)^ckan\.site_id = .*\n", "", text)
    text = text.replace("[app:main]\n", "[app:main]\n"
                        "ckan.views.default_views = datatables_view satudata_chart\n"
                        "ckanext.xloader.api_token = %s\n"
                        "ckanext.xloader.jobs_db.uri = sqlite:///%s/.run/test-loader-%d.db\n"
                        "ckan.site_id = satudata-loader-%d\n" % (token, ROOT, port, port), 1)
    path = os.path.join(ROOT, ".run", "test-loader-%d.ini" % port)
    with open(path, "w") as f:
        f.write(text)
    return path


@pytest.fixture
def served(walidata, monkeypatch):
    from ckan.lib import jobs
    from ckanext.satudata.dissemination import live_data
    port = free_port()
    url = "http://127.0.0.1:%d" % port
    monkeypatch.setitem(tk.config, "ckan.site_url", url)
    org = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    people = dict(walidata, opd=factories.User(name="opd-dinkes"))
    helpers.call_action("organization_member_create", context=site_context(), id=org["id"],
                        username=people["opd"]["name"], role="editor")
    ds = SdiDataset(name="penduduk-kecamatan", owner_org=org["id"])
    res = helpers.call_action("resource_create", context=site_context(), package_id=ds["id"],
                              name="Penduduk 2025", format="CSV", url="penduduk.csv",
                              url_type="upload",
                              upload=FileStorage(io.BytesIO(CSV), "penduduk.csv", "text/csv"))
    loader = live_data.ensure_loader_user()
    token = helpers.call_action("api_token_create", context=site_context(), user=loader.name,
                                name="xloader-portal")["token"]
    model.repo.commit()
    ini = served_ini(token, port)
    redis_url = re.sub(r"/\d+$", "", tk.config["ckan.redis.url"]) + "/%d" % (2 + port % 14)
    env = dict(os.environ, CKAN_INI=ini, CKAN_SITE_URL=url, CKAN_REDIS_URL=redis_url)

    import redis
    import rq
    server_queue = rq.Queue("ckan:satudata-loader-%d:default" % port,
                            connection=redis.Redis.from_url(redis_url))

    def run_worker():
        # the burst worker runs what the server's queue holds: with nothing
        # queued it would start (~3 s of CPU) only to stop at once
        if not server_queue.count:
            return
        with open(os.path.join(ROOT, ".run", "test-loader-worker.log"), "ab") as log:
            subprocess.run([os.path.join(os.path.dirname(sys.executable), "ckan"), "-c", ini,
                            "jobs", "worker", "--burst"], cwd=ROOT, env=env, check=True,
                           timeout=180, stdout=log, stderr=subprocess.STDOUT)

    def transition_over_http(user, name, **fields):
        key = factories.APIToken(user=user["name"])["token"]
        answer = requests.post(url + "/api/3/action/satudata_dataset_transition",
                               json=dict(id=ds["id"], transition=name, **fields),
                               headers={"Authorization": key}, timeout=60)
        assert answer.ok, answer.text

    try:
        with gunicorn_on_loopback(port, env, "test-loader-server.log", "--workers", "1"):
            yield {"url": url, "people": people, "dataset": ds, "resource_id": res["id"],
                   "token": token, "run_worker": run_worker,
                   "transition": transition_over_http}
    finally:
        server_queue.empty()
        jobs.get_queue().empty()


def table(served):
    found = requests.get(served["url"] + "/api/3/action/datastore_search",
                         params={"resource_id": served["resource_id"]}, timeout=30).json()
    return found["result"] if found["success"] else found


def workflow(served):
    model.Session.remove()
    return helpers.call_action("satudata_dataset_workflow_show", id=served["dataset"]["id"])


def test_a_real_load_keeps_the_dataset_published(served):
    people = served["people"]
    publish_over_http(served)
    served["run_worker"]()
    rows = table(served)
    assert rows["total"] == 3, rows
    assert [r["kecamatan"] for r in rows["records"]] == ["Glagah", "Licin", "Kabat"]
    now = workflow(served)
    assert now["state"] == "terbit" and not now.get("pending_revision"), now
    # the loader reported back with its own token: the task is complete and the
    # default views exist (xloader_hook ran as the loader account)
    res_id = served["resource_id"]
    staf_key = factories.APIToken(user=people["staf"]["name"])["token"]
    status = requests.get(served["url"] + "/api/3/action/xloader_status",
                          params={"resource_id": res_id}, headers={"Authorization": staf_key},
                          timeout=30).json()["result"]
    assert status["status"] == "complete", status
    assert served["token"] not in str(status)
    views = requests.get(served["url"] + "/api/3/action/resource_view_list",
                         params={"id": res_id}, timeout=30).json()["result"]
    assert "datatables_view" in {v["view_type"] for v in views}
    # the DataStore's settle job (15 s after a write) patches last_modified
    from ckanext.datastore.logic.action import _patch_resource_last_modified
    _patch_resource_last_modified(res_id, datetime.datetime.now(datetime.timezone.utc))
    now = workflow(served)
    assert now["state"] == "terbit" and not now.get("pending_revision"), now
    # the Kabid's list of work holds nothing
    queue = helpers.call_action("satudata_review_queue", context=as_user(people["kabid"]))
    assert served["dataset"]["id"] not in str(queue)


def publish_over_http(served):
    """The chain in the server: publish queues the load in the server's own queue."""
    people = served["people"]
    served["transition"](people["subkoord"], "assign", assignee=people["staf"]["name"])
    for name, role in (("submit", "staf"), ("approve", "subkoord"), ("approve", "kabid"),
                       ("publish", "staf")):
        served["transition"](people[role], name)


def test_a_held_file_reaches_the_table_only_when_published(served):
    people = served["people"]
    publish_over_http(served)
    served["run_worker"]()
    assert table(served)["total"] == 3
    # an OPD editor uploads a new file: held in the revision
    helpers.call_action("resource_patch", context=as_user(people["opd"]),
                        id=served["resource_id"], url_type="upload", url="penduduk.csv",
                        upload=FileStorage(io.BytesIO(REVISED_CSV), "penduduk.csv",
                                           "text/csv"))
    model.repo.commit()
    assert workflow(served)["state"] == "penyusunan"
    served["run_worker"]()
    rows = table(served)
    assert rows["total"] == 3 and int(rows["records"][0]["penduduk"]) == 36210
    for name, role in (("submit", "staf"), ("approve", "subkoord"), ("approve", "kabid"),
                       ("publish", "staf")):
        served["transition"](people[role], name)
    served["run_worker"]()
    rows = table(served)
    assert rows["total"] == 4 and int(rows["records"][0]["penduduk"]) == 36999
    now = workflow(served)
    assert now["state"] == "terbit" and not now.get("pending_revision"), now

"""The background link check behind MQA's "URL answers" (quality/links.py):
a real HTTP server on loopback answers or not; the score reads the result
without an HTTP call of its own; private addresses are never asked."""
import http.server
import threading

import pytest

from ckan.tests import helpers

from ckanext.satudata.quality import links

from tests.helpers import SdiDataset, free_port, site_context
from tests.quality.published import mark_published

pytestmark = pytest.mark.usefixtures("satudata_db")


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.send_response(200 if self.path == "/ada.csv" else 404)
        self.end_headers()

    do_GET = do_HEAD

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    port = free_port()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % port
    httpd.shutdown()


def _points(name):
    result = helpers.call_action("satudata_quality_show", context={"ignore_auth": True}, id=name)
    return {i["key"]: i["points"] for i in result["score"]["indicators"]}


def test_link_check_feeds_the_score(server, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.satudata.link_check_private", True)
    org = helpers.call_action("organization_create", context=site_context(), name="dinkes",
                              title="Dinas Kesehatan")
    good = SdiDataset(owner_org=org["id"], name="ada", resources=[
        {"url": server + "/ada.csv", "name": "Ada", "format": "CSV"}])
    bad = SdiDataset(owner_org=org["id"], name="hilang", resources=[
        {"url": server + "/hilang.csv", "name": "Hilang", "format": "CSV"}])
    hidden = SdiDataset(owner_org=org["id"], name="draf", resources=[
        {"url": server + "/ada.csv", "name": "Draf", "format": "CSV"}])
    for ds in (good, bad):
        mark_published(ds["id"])
    assert _points("ada")["access_url_answers"] == 0          # not checked yet
    assert links.check_links() == {"ok": 1, "failed": 1}      # the draft is not asked
    assert _points("ada")["access_url_answers"] == 50
    assert _points("hilang")["access_url_answers"] == 0
    assert _points(hidden["name"])["access_url_answers"] == 0


def test_private_addresses_are_never_asked(server):
    assert links.answers(server + "/ada.csv") == (False, "not a public address")
    assert links.answers("file:///etc/passwd") == (False, "not an http(s) link")
    assert links.answers("http://169.254.169.254/latest/") == (False, "not a public address")

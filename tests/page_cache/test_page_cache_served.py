"""The page cache across web nodes: two gunicorn servers (two process groups,
as two nodes behind a balancer) sharing PostgreSQL and Redis. A page kept by
one node is never served by either after a change made through the other."""
import os
import re

import pytest
import requests

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.helpers import REPO_ROOT, as_user, free_port, gunicorn_on_loopback, site_context, walk
from tests.workers import redis_db

pytestmark = [pytest.mark.usefixtures("satudata_db"), pytest.mark.xdist_group("served")]

HEADER = "X-Satudata-Page-Cache"


@pytest.fixture(scope="module")
def nodes():
    """The two nodes, started once for the module (each start loads CKAN in
    four gunicorn workers): they read the database each test fills anew."""
    redis_url = re.sub(r"/\d+$", "", tk.config["ckan.redis.url"]) + "/%d" % redis_db(server=True)
    ports = free_port(), free_port()
    env = dict(os.environ, CKAN_INI=str(REPO_ROOT / "test.ini"), CKAN_REDIS_URL=redis_url)
    with gunicorn_on_loopback(ports[0], env, "test-page-cache-a.log", "--workers", "2") as a, \
            gunicorn_on_loopback(ports[1], env, "test-page-cache-b.log", "--workers", "2") as b:
        yield {"a": a, "b": b, "redis_url": redis_url}


@pytest.fixture
def two_nodes(nodes, walidata):
    import redis
    # what the nodes kept (pages, the generation) was of an earlier test's
    # data: their shared Redis database emptied, as two nodes started afresh
    redis.Redis.from_url(nodes["redis_url"]).flushdb()
    org = factories.Organization(name="dinsos", title="Dinas Sosial")
    opd = factories.User(name="opd-dinsos")
    helpers.call_action("organization_member_create", context=site_context(),
                        id=org["id"], username=opd["name"], role="editor")
    dataset = helpers.call_action(
        "package_create", context=as_user(opd), name="penerima-bansos",
        title="Penerima Bantuan Sosial", notes="Per kecamatan (sample data).",
        owner_org=org["id"], topic="perlindungan_sosial_kesehatan", update_frequency="tahunan",
        period_start="2025", presentation_level="kecamatan", unit="keluarga",
        classification="terbuka")
    walk(dataset["id"], walidata)
    admin = factories.Sysadmin()
    token = factories.APIToken(user=admin["name"])["token"]
    model.repo.commit()
    yield {"a": nodes["a"], "b": nodes["b"], "token": token, "org": org, "dataset": dataset,
           "people": walidata}


def visit(url):
    answer = requests.get(url, timeout=60)
    return answer


def kept_on(node, path):
    """Visit until the node serves the page from the cache (a node's two
    workers each render it at most once)."""
    for _ in range(6):
        seen = visit(node + path)
        if seen.headers.get(HEADER) == "hit":
            return seen
    raise AssertionError("never kept: %s" % seen.headers.get(HEADER))


def test_a_rename_on_one_node_shows_at_once_on_the_other(two_nodes):
    a, b = two_nodes["a"], two_nodes["b"]
    kept_on(a, "/dataset/penerima-bansos")
    kept_on(b, "/dataset/penerima-bansos")
    renamed = requests.post(b + "/api/3/action/organization_patch",
                            json={"id": two_nodes["org"]["id"],
                                  "title": "Dinas Sosial, PPKB Banyuwangi"},
                            headers={"Authorization": two_nodes["token"]}, timeout=60)
    assert renamed.ok, renamed.text
    seen = visit(a + "/dataset/penerima-bansos")
    assert seen.headers[HEADER] == "miss"
    assert "Dinas Sosial, PPKB Banyuwangi" in seen.text
    # the nodes share one cache: the other node serves the page just rendered
    seen = visit(b + "/dataset/penerima-bansos")
    assert seen.headers[HEADER] == "hit"
    assert "Dinas Sosial, PPKB Banyuwangi" in seen.text


def test_a_withdrawal_through_one_node_empties_the_other(two_nodes):
    a, b = two_nodes["a"], two_nodes["b"]
    kept_on(a, "/dataset/penerima-bansos")
    kept_on(a, "/dataset/")
    assert "Penerima Bantuan Sosial" in visit(a + "/dataset/").text
    kabid = factories.APIToken(user=two_nodes["people"]["kabid"]["name"])["token"]
    model.repo.commit()
    withdrawn = requests.post(b + "/api/3/action/satudata_dataset_transition",
                              json={"id": two_nodes["dataset"]["id"], "transition": "withdraw",
                                    "comment": "Ditarik: angka perlu dikoreksi."},
                              headers={"Authorization": kabid}, timeout=60)
    assert withdrawn.ok, withdrawn.text
    assert visit(a + "/dataset/penerima-bansos").status_code == 404
    assert "Penerima Bantuan Sosial" not in visit(a + "/dataset/").text

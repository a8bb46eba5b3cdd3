"""SQL statements per page (issue 28): counted with SQLAlchemy's events on the
real stack. Counts are deterministic (times are not): the documented ceilings
in docs/performance.md are asserted here, and no count grows with a dataset's
resources, views or history."""
import pytest
import sqlalchemy as sa
from sqlalchemy import event

import ckan.model as model
from ckan.tests import factories, helpers

from tests.helpers import as_user, site_context, transition, walk

pytestmark = pytest.mark.usefixtures("satudata_db")


class Statements:
    def __init__(self):
        self.seen = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.seen.append(statement)

    def __enter__(self):
        event.listen(sa.engine.Engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        event.remove(sa.engine.Engine, "before_cursor_execute", self)


def count(app, url, **kw):
    with Statements() as s:
        app.get(url, **kw)
    import os
    if os.environ.get("SATUDATA_SHOW_STATEMENTS"):
        print("\n=== %s: %d" % (url, len(s.seen)))
        for statement in s.seen:
            print("  " + " ".join(statement.split())[:160])
    return len(s.seen)


@pytest.fixture
def catalogue(walidata):
    org = factories.Organization(name="bappeda", title="Bappeda")
    opd = factories.User(name="opd-bappeda")
    helpers.call_action("organization_member_create", context=site_context(),
                        id=org["id"], username=opd["name"], role="editor")

    def dataset(name, resources=1):
        created = helpers.call_action(
            "package_create", context=as_user(opd), name=name, title=name.title(),
            notes="Contoh (sample data).", owner_org=org["id"], topic="pembangunan_daerah",
            update_frequency="tahunan", period_start="2025", presentation_level="kecamatan",
            unit="persen", classification="terbuka",
            resources=[{"name": "Tabel %d" % i, "url": "http://example.com/%d.csv" % i,
                        "format": "CSV"} for i in range(resources)])
        walk(created["id"], walidata)
        return helpers.call_action("package_show", id=created["id"])
    return dataset


# CKAN's own dataset view asks `resource_view_list` once per resource (the
# resource, its views): stock's cost per resource, which the portal adds nothing to.
CORE_STATEMENTS_PER_RESOURCE = 2


@pytest.mark.ckan_config("ckanext.satudata.page_cache", "false")
def test_a_dataset_page_grows_with_its_resources_only_as_stock_ckans(app, catalogue):
    catalogue("satu", resources=1)
    catalogue("delapan", resources=8)
    count(app, "/dataset/satu")   # templates compiled, caches warm
    count(app, "/dataset/delapan")
    extra = count(app, "/dataset/delapan") - count(app, "/dataset/satu")
    assert extra <= 7 * CORE_STATEMENTS_PER_RESOURCE


@pytest.mark.ckan_config("ckanext.satudata.page_cache", "false")
def test_a_dataset_page_costs_the_same_after_many_edits(app, catalogue, walidata):
    fresh = catalogue("baru")
    edited = catalogue("sering-diubah")
    for i in range(4):   # four published revisions: history entries
        helpers.call_action("package_patch", context=site_context(), id=edited["id"],
                            notes="Revisi %d (sample data)." % i)
        for name, role in (("submit", "staf"), ("approve", "subkoord"), ("approve", "kabid"),
                           ("publish", "staf")):
            transition(walidata[role], edited["id"], name)
    count(app, "/dataset/baru")
    assert count(app, "/dataset/sering-diubah") <= count(app, "/dataset/baru")


def test_a_kept_page_costs_no_statement(app, catalogue):
    published = catalogue("murah")
    resource = "/dataset/murah/resource/%s" % published["resources"][0]["id"]
    for url in ("/dataset/murah", "/dataset/", "/", resource):
        app.get(url)
        # served ahead of CKAN's own hook, whose check of the site settings
        # (system_info) is a statement on every request it handles
        assert count(app, url) == 0, url


# The ceilings docs/performance.md gives per page type (a page rendered for a
# visitor with the page cache off, and for the Subkoord): a change that adds
# a statement to a page fails here and is named in the docs, or taken out.
CEILINGS = {"home": 26, "search": 7, "dataset": 33, "resource": 8, "dataset, staff": 78}


@pytest.mark.ckan_config("ckanext.satudata.page_cache", "false")
def test_each_page_type_stays_within_its_documented_statements(app, catalogue, walidata):
    published = catalogue("tercatat")
    resource = "/dataset/tercatat/resource/%s" % published["resources"][0]["id"]
    staff = {"headers": {"Authorization": factories.APIToken(user=walidata["subkoord"]["name"])["token"]}}
    pages = {"home": ("/", {}), "search": ("/dataset/", {}), "dataset": ("/dataset/tercatat", {}),
             "resource": (resource, {}), "dataset, staff": ("/dataset/tercatat", staff)}
    counted = {}
    for kind, (url, kw) in pages.items():
        # templates compiled, caches warm; a person's first request of the
        # run records their last_active (a write: kept counts computed again)
        count(app, url, **kw)
        count(app, url, **kw)
        counted[kind] = count(app, url, **kw)
    over = {kind: (n, CEILINGS[kind]) for kind, n in counted.items() if n > CEILINGS[kind]}
    assert not over, "statements (counted, documented ceiling): %s" % over

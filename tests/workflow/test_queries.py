"""Query counts: the review queue, the request board and the OPD inbox cost a
number of SQL statements that does not grow with the number of items, and
portal roles are read once per user and request.

Statements are counted on the real PostgreSQL engine (SQLAlchemy's
``before_cursor_execute`` event) around one call or one page render, for a
few items and for ten times as many.
"""
import contextlib
import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy import event

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.satudata.model import data_request as request_table
from tests.helpers import SdiDataset, as_user, site_context
from tests.requests.helpers import ANON, RINA

pytestmark = pytest.mark.usefixtures("satudata_db")


class Statements(list):
    def matching(self, text):
        return [s for s in self if text in s]


@contextlib.contextmanager
def counted():
    """The SQL statements run inside the block (on every connection)."""
    engine = model.Session.get_bind()
    seen = Statements()

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def headers(user):
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def render(app, url, user):
    """Statements of one page render (after a first render that warms caches)."""
    auth = headers(user)
    app.get(url, headers=auth, status=200)
    with counted() as seen:
        page = app.get(url, headers=auth, status=200)
    return page.body, seen


# -- workflow 1: the review queue ---------------------------------------------------

def _datasets(org, start, stop):
    for i in range(start, stop):
        SdiDataset(name="dataset-antrian-%02d" % i, title="Dataset antrian %02d" % i,
                   owner_org=org["id"])


def test_review_queue_costs_the_same_for_3_and_30_datasets(app, walidata):
    org = factories.Organization(name="dinkes")
    subkoord = walidata["subkoord"]
    counts = {}
    for n, (start, stop) in ((3, (0, 3)), (30, (3, 30))):
        _datasets(org, start, stop)
        model.Session.remove()  # nothing of the datasets left in the identity map
        with counted() as seen:
            queue = helpers.call_action("satudata_review_queue", context=as_user(subkoord))
        assert len(queue) == n and {i["allowed_transitions"][0] for i in queue} == {"assign"}
        body, rendered = render(app, "/satudata/antrian-review", subkoord)
        assert "Dataset antrian %02d" % (n - 1) in body
        counts[n] = (len(seen), len(rendered))
    assert counts[30] == counts[3], counts
    # the action: the caller (CKAN reads it by name a few times), its roles
    # and one query for the whole queue, datasets joined
    assert len(seen.matching("FROM satudata_dataset_workflow")) == 1, seen
    assert len(seen.matching("FROM package")) == 0, seen
    assert len(seen.matching("SELECT satudata_portal_role.role")) == 1, seen


def test_review_queue_still_leaves_out_deleted_and_published(app, walidata):
    org = factories.Organization(name="dinkes")
    _datasets(org, 0, 3)
    helpers.call_action("package_delete", context=site_context(), id="dataset-antrian-01")
    queue = helpers.call_action("satudata_review_queue", context=as_user(walidata["subkoord"]))
    assert [i["name"] for i in queue] == ["dataset-antrian-00", "dataset-antrian-02"]
    assert queue[0]["title"] == "Dataset antrian 00" and queue[0]["owner_org"] == org["id"]
    # an OPD member (no portal role) has nothing to do in the queue
    member = factories.User()
    helpers.call_action("organization_member_create", context=site_context(),
                        id=org["id"], username=member["name"], role="editor")
    assert helpers.call_action("satudata_review_queue", context=as_user(member)) == []


def test_the_review_queue_page_reads_in_pages_oldest_first(app, walidata, monkeypatch):
    """A Subkoord facing hundreds of datasets reads them a page at a time, the
    oldest first; the count above the table is of all of them."""
    from ckanext.satudata.dissemination import views
    monkeypatch.setattr(views, "REVIEW_QUEUE_PAGE_SIZE", 2)
    org = factories.Organization(name="dinkes")
    _datasets(org, 0, 3)
    first = app.get("/satudata/antrian-review", headers=headers(walidata["subkoord"])).body
    second = app.get("/satudata/antrian-review?page=2",
                     headers=headers(walidata["subkoord"])).body
    assert "Dataset antrian 00" in first and "Dataset antrian 01" in first
    assert "Dataset antrian 02" not in first and "Dataset antrian 02" in second
    assert "Dataset antrian 00" not in second
    assert "3 datasets" in first and 'href="/satudata/antrian-review?page=2"' in first


def test_the_dashboard_lists_the_first_twenty_and_counts_all(app, walidata):
    org = factories.Organization(name="dinkes")
    _datasets(org, 0, 22)
    body = app.get("/dashboard/", headers=headers(walidata["subkoord"])).body
    reviews = body[body.index("satudata-dashboard-reviews"):]
    reviews = reviews[:reviews.index("</ul>")]
    assert reviews.count("<li") == 20 and "Dataset antrian 19" in reviews
    assert "Dataset antrian 20" not in reviews
    assert "The first 20 of 22 are listed here." in body
    assert "Datasets waiting for you (22)" in body


# -- workflow 2: the request board and the OPD inbox -----------------------------------

def _file_requests(n, org=None, assignee=None):
    numbers = []
    for i in range(n):
        numbers.append(helpers.call_action(
            "satudata_request_create", context=dict(ANON),
            **dict(RINA, title="Permintaan data %02d" % i))["number"])
    # spread them over statuses and give some an OPD and an assignee, so the
    # joins of the board have something to join
    for i, number in enumerate(numbers):
        values = {"status": ("baru", "diperiksa", "di_opd")[i % 3]}
        if i % 3 == 2 and org is not None:
            values["organization_id"] = org["id"]
        if i % 3 == 1 and assignee is not None:
            values["assignee_id"] = assignee["id"]
        if i % 5 == 0:
            values["due_date"] = dt.date(2020, 1, 2)   # past the legal deadline
        model.Session.execute(sa.update(request_table)
                              .where(request_table.c.number == number).values(**values))
    model.repo.commit()
    return numbers


@pytest.mark.parametrize("url", ["/satudata/permintaan", "/satudata/permintaan?mine=1",
                                 "/satudata/permintaan?status=baru&q=permintaan"])
def test_request_board_costs_the_same_for_3_and_30_requests(app, walidata, url):
    org = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    staf = walidata["staf"]
    counts = {}
    _file_requests(3, org, staf)
    counts[3] = len(render(app, url, staf)[1])
    _file_requests(27, org, staf)
    body, seen = render(app, url, staf)
    counts[30] = len(seen)
    assert counts[30] == counts[3], counts
    # one GROUP BY for the counts per status, not one count per status
    assert len(seen.matching("GROUP BY satudata_data_request.status")) == 1
    # the counts, the list's size, its page and the header's "your work"
    assert len(seen.matching("FROM satudata_data_request")) <= 4, seen
    assert "Permintaan data" in body


def test_request_board_pages_and_totals(app, walidata):
    org = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    staf = walidata["staf"]
    numbers = _file_requests(30, org, staf)
    body = app.get("/satudata/permintaan", headers=headers(staf)).body
    # 30 open, 6 of them past the deadline (i % 5 == 0), 20 rows on the first page
    assert body.count("satudata-board-row") == 20
    assert "30 requests" in body                     # test.ini: English pages
    assert "Past the legal deadline: 6" in body
    # the closest deadline first: the overdue ones lead
    overdue = [numbers[i] for i in range(0, 30, 5)]
    first = body.index(overdue[-1])
    assert all(body.index(n) <= first for n in overdue)
    second = app.get("/satudata/permintaan?page=2", headers=headers(staf)).body
    assert second.count("satudata-board-row") == 10
    shown = {n for n in numbers if n in body} | {n for n in numbers if n in second}
    assert shown == set(numbers)
    assert "Dinas Kesehatan" in body
    # mine: the ten assigned to staf
    mine = app.get("/satudata/permintaan?mine=1", headers=headers(staf)).body
    assert mine.count("satudata-board-row") == 10
    assert all(numbers[i] in mine for i in range(1, 30, 3))


def test_opd_inbox_costs_the_same_for_3_and_30_requests(app, walidata):
    org = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    editor = factories.User(name="petugas-dinkes")
    helpers.call_action("organization_member_create", context=site_context(),
                        id=org["id"], username=editor["name"], role="editor")
    counts = {}
    _file_requests(9, org)          # 3 of them sent to the OPD
    body, seen = render(app, "/satudata/permintaan/opd", editor)
    counts[3] = len(seen)
    assert body.count("Permintaan data") == 3
    _file_requests(81, org)         # 30 sent to the OPD
    body, seen = render(app, "/satudata/permintaan/opd", editor)
    counts[30] = len(seen)
    assert body.count("Permintaan data") == 30
    assert counts[30] == counts[3], counts


# -- portal roles: once per user and request ----------------------------------------

def test_a_page_reads_the_roles_once_per_user(app, walidata):
    org = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    _file_requests(6, org, walidata["staf"])
    _datasets(org, 0, 3)
    for url in ("/satudata/permintaan", "/satudata/antrian-review", "/dashboard/datasets"):
        _, seen = render(app, url, walidata["subkoord"])
        assert len(seen.matching("SELECT satudata_portal_role.role")) == 1, (url, len(seen))


def test_roles_in_a_request_follow_grant_and_revoke_at_once(app):
    from ckanext.satudata.workflow import roles
    user = factories.User()
    with app.flask_app.test_request_context():
        with counted() as seen:
            assert roles.roles_of(user["id"]) == []
            assert not roles.is_walidata_team(user["id"])
            assert roles.roles_of(user["id"]) == []
        assert len(seen.matching("SELECT satudata_portal_role.role")) == 1
        roles.grant(user["id"], "staf", None)
        assert roles.roles_of(user["id"]) == ["staf"]
        roles.grant(user["id"], "kabid", None)
        assert roles.roles_of(user["id"]) == ["kabid", "staf"]
        roles.roles_of(user["id"]).append("subkoord")      # a copy: the cache stays
        assert roles.roles_of(user["id"]) == ["kabid", "staf"]
        roles.revoke(user["id"], "staf")
        assert roles.roles_of(user["id"]) == ["kabid"]
        model.Session.commit()
    # a new request reads again
    with app.flask_app.test_request_context():
        model.Session.execute(sa.text(
            "DELETE FROM satudata_portal_role WHERE user_id = :u"), {"u": user["id"]})
        assert roles.roles_of(user["id"]) == []


def test_no_roles_kept_outside_a_request():
    """CLI commands and background jobs see every change, even one made
    behind roles.py's back."""
    from ckanext.satudata.workflow import roles
    user = factories.User()
    roles.grant(user["id"], "subkoord", None)
    with counted() as seen:
        assert roles.roles_of(user["id"]) == ["subkoord"]
        model.Session.execute(sa.text(
            "DELETE FROM satudata_portal_role WHERE user_id = :u"), {"u": user["id"]})
        assert roles.roles_of(user["id"]) == []
    assert len(seen.matching("SELECT satudata_portal_role.role")) == 2


def test_role_changes_through_the_actions_show_in_the_same_and_next_request(app, sysadmin):
    target = factories.User()
    auth = headers(sysadmin)
    app.post("/api/action/satudata_role_grant", headers=auth,
             json={"user": target["name"], "role": "staf"}, status=200)
    # the next request of the new Staf already sees the board
    app.get("/satudata/permintaan", headers=headers(target), status=200)
    app.post("/api/action/satudata_role_revoke", headers=auth,
             json={"user": target["name"], "role": "staf"}, status=200)
    app.get("/satudata/permintaan", headers=headers(target), status=403)

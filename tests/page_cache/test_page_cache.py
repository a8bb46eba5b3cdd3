"""The anonymous page cache (page_cache/): a visitor's second look at a page
comes from Redis, and every change a page could show is there at once:
publish, withdrawal, a revision published, a view, a DataStore load, an OPD
renamed, the language. Logged-in users never get a kept page."""
import datetime as dt
import re

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata.page_cache import invalidation, store
from ckanext.satudata.page_cache.web import HEADER
from tests.helpers import as_user, site_context, transition, walk
from tests.helpers import preview_plugins as _preview_plugins

pytestmark = pytest.mark.usefixtures("satudata_db")

PREVIEW_PLUGINS = _preview_plugins()
TOKEN = re.compile(r'<meta name="_csrf_token" content="([^"]+)"')


@pytest.fixture
def people(walidata):
    org = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    opd = factories.User(name="opd-dinkes")
    helpers.call_action("organization_member_create", context=site_context(),
                        id=org["id"], username=opd["name"], role="editor")
    return dict(walidata, opd=opd, org=org)


def make(people, name, notes="Jumlah puskesmas per kecamatan (sample data)."):
    return helpers.call_action(
        "package_create", context=as_user(people["opd"]), name=name,
        title=name.replace("-", " ").title(), notes=notes, owner_org=people["org"]["id"],
        topic="perlindungan_sosial_kesehatan", update_frequency="tahunan", period_start="2025",
        presentation_level="kecamatan", unit="unit", classification="terbuka",
        resources=[{"name": "Tabel", "url": "http://example.com/puskesmas.csv",
                    "format": "CSV"}])


@pytest.fixture
def published(people):
    dataset = make(people, "jumlah-puskesmas")
    walk(dataset["id"], people)
    return helpers.call_action("package_show", id=dataset["id"])


def without_token(page):
    return page.body.replace(TOKEN.search(page.body).group(1), "")


def look(app, url, **kw):
    return app.get(url, **kw)


def test_a_visitors_second_look_is_kept_and_carries_their_own_token(app, published):
    first = look(app, "/dataset/jumlah-puskesmas")
    second = look(app, "/dataset/jumlah-puskesmas")
    assert first.status_code == second.status_code == 200
    assert first.headers[HEADER] == "miss"
    assert second.headers[HEADER] == "hit"
    one, two = TOKEN.search(first.body), TOKEN.search(second.body)
    assert one and two and "satudata-csrf-token" not in second.body
    assert first.body.replace(one.group(1), "") == second.body.replace(two.group(1), "")
    # another visitor (a session of their own) gets the kept page with their
    # own CSRF token, never the first visitor's
    other = app.flask_app.test_client().get("/dataset/jumlah-puskesmas")
    assert other.headers[HEADER] == "hit"
    theirs = TOKEN.search(other.get_data(as_text=True))
    assert theirs and theirs.group(1) != one.group(1)
    # the safety headers are on the kept page too, and the same caching: a
    # page with a visitor's own token is private to them (a shared cache in
    # front must not hand it to another visitor)
    for name in ("Content-Security-Policy", "Cache-Control", "Vary", "X-Frame-Options"):
        assert second.headers[name] == first.headers[name], name
    assert second.headers["Cache-Control"] == "private"
    assert "Cookie" in second.headers["Vary"]


@pytest.mark.parametrize("url", ["/dataset/", "/", "/dataset/jumlah-puskesmas/resource/{rid}"])
def test_the_other_visitor_pages_are_kept(app, published, url):
    url = url.format(rid=published["resources"][0]["id"])
    assert look(app, url).headers[HEADER] == "miss"
    assert look(app, url).headers[HEADER] == "hit"


def test_a_logged_in_user_never_gets_or_fills_a_kept_page(app, published, people):
    stranger = factories.User()
    with_passwords = (factories.User(password="Kunci-uji-2026"),
                      factories.Sysadmin(password="Kunci-uji-2026"))
    look(app, "/dataset/jumlah-puskesmas")   # kept for visitors
    for user in (people["opd"], people["staf"], stranger):
        token = factories.APIToken(user=user["name"])["token"]
        seen = look(app, "/dataset/jumlah-puskesmas", headers={"Authorization": token})
        assert HEADER not in seen.headers
    # logged in through the login form, then remembered by its cookie alone
    for user in with_passwords:
        form = look(app, "/user/login")
        done = app.post("/user/login", follow_redirects=False, data={
            "login": user["name"], "password": "Kunci-uji-2026", "remember": "63072000",
            "_csrf_token": TOKEN.search(form.body).group(1)})
        assert done.status_code == 302
        seen = look(app, "/dataset/jumlah-puskesmas")
        assert HEADER not in seen.headers and "_logout" in seen.body
        remembered = app.client.get_cookie(tk.config["REMEMBER_COOKIE_NAME"],
                                           domain=tk.config["ckan.site_url"].split("//")[1])
        assert remembered is not None
        app.client = app.test_client()   # the session gone, the remember cookie kept
        app.client.set_cookie(remembered.key, remembered.value, domain=remembered.domain)
        seen = look(app, "/dataset/jumlah-puskesmas")
        assert HEADER not in seen.headers and "_logout" in seen.body
        app.client = app.test_client()
    # and a visitor after them is served the kept page still: a login (CKAN
    # notes the person's last activity) is nothing a visitor's page shows
    assert look(app, "/dataset/jumlah-puskesmas").headers[HEADER] == "hit"


def test_publishing_shows_at_once_on_the_kept_search_page(app, published, people):
    assert "Jumlah Posyandu" not in look(app, "/dataset/").body
    assert look(app, "/dataset/").headers[HEADER] == "hit"
    posyandu = make(people, "jumlah-posyandu")
    assert "Jumlah Posyandu" not in look(app, "/dataset/").body   # not before the chain
    walk(posyandu["id"], people)
    seen = look(app, "/dataset/")
    assert seen.headers[HEADER] == "miss"
    assert "Jumlah Posyandu" in seen.body


def test_withdrawing_removes_the_kept_page_at_once(app, published, people):
    look(app, "/dataset/jumlah-puskesmas")
    assert look(app, "/dataset/jumlah-puskesmas").headers[HEADER] == "hit"
    transition(people["kabid"], published["id"], "withdraw", comment="Ditarik untuk koreksi.")
    assert look(app, "/dataset/jumlah-puskesmas", status=404)


def test_a_published_revision_shows_at_once(app, published, people):
    look(app, "/dataset/jumlah-puskesmas")
    helpers.call_action("package_patch", context=as_user(people["opd"]), id=published["id"],
                        notes="Teks revisi yang sudah disetujui (sample data).")
    assert "Teks revisi" not in look(app, "/dataset/jumlah-puskesmas").body   # held
    for name, role in (("submit", "staf"), ("approve", "subkoord"), ("approve", "kabid")):
        transition(people[role], published["id"], name)
        assert "Teks revisi" not in look(app, "/dataset/jumlah-puskesmas").body
    transition(people["staf"], published["id"], "publish")
    seen = look(app, "/dataset/jumlah-puskesmas")
    assert seen.headers[HEADER] == "miss"
    assert "Teks revisi" in seen.body


@pytest.mark.ckan_config("ckan.plugins", PREVIEW_PLUGINS)
@pytest.mark.ckan_config("ckan.views.default_views", "")
@pytest.mark.usefixtures("with_plugins")
class TestWithThePreview:
    def test_a_new_view_shows_at_once_on_the_resource_page(self, app, published):
        url = "/dataset/jumlah-puskesmas/resource/%s" % published["resources"][0]["id"]
        look(app, url)
        assert look(app, url).headers[HEADER] == "hit"
        helpers.call_action("resource_view_create", context=site_context(),
                            resource_id=published["resources"][0]["id"], view_type="image_view",
                            title="Peta Sebaran Puskesmas", image_url="http://example.com/p.png")
        seen = look(app, url)
        assert seen.headers[HEADER] == "miss"
        assert "Peta Sebaran Puskesmas" in seen.body

    def test_a_datastore_load_shows_at_once_on_the_resource_page(self, app, published):
        resource = published["resources"][0]
        url = "/dataset/jumlah-puskesmas/resource/%s" % resource["id"]
        before = look(app, url)
        assert look(app, url).headers[HEADER] == "hit"
        helpers.call_action("datastore_create", context=site_context(),
                            resource_id=resource["id"], force=True,
                            records=[{"kecamatan": "Glagah", "puskesmas": 2}])
        seen = look(app, url)
        assert seen.headers[HEADER] == "miss"
        assert without_token(seen) != without_token(before)   # the page offers the table


    def test_a_first_view_with_datastore_data_asks_no_table_size(self, app, published):
        """The quality score reads the data dictionary's labels; the sizes and
        row count `datastore_info` gives by default cost a query each, and the
        database's size (`pg_database_size`) walks every file of it."""
        from tests.page_cache.test_queries_per_page import Statements
        resource = published["resources"][0]
        helpers.call_action("datastore_create", context=site_context(),
                            resource_id=resource["id"], force=True,
                            fields=[{"id": "kecamatan", "type": "text"},
                                    {"id": "puskesmas", "type": "int"}],
                            records=[{"kecamatan": "Glagah", "puskesmas": 2}])
        with Statements() as s:
            page = look(app, "/dataset/jumlah-puskesmas")
        assert page.headers[HEADER] == "miss"
        asked = " ".join(s.seen)
        assert "pg_database_size" not in asked and "pg_relation_size" not in asked
        # the dictionary is still read: the table's columns lack a label
        quality = helpers.call_action("satudata_quality_show", id=published["id"])
        [dictionary] = [i for i in quality["score"]["indicators"]
                        if i["key"] == "data_dictionary"]
        assert dictionary["points"] == 0 and dictionary["fix_args"] == ["Tabel"]


def test_renaming_the_opd_shows_at_once(app, published, people):
    look(app, "/dataset/jumlah-puskesmas")
    helpers.call_action("organization_patch", context=site_context(), id=people["org"]["id"],
                        title="Dinas Kesehatan Kabupaten Banyuwangi")
    page = look(app, "/dataset/jumlah-puskesmas").body
    assert "Dinas Kesehatan Kabupaten Banyuwangi" in page
    # the OPD box too (kept for visitors apart from the page: h.satudata_dataset_opd)
    box = page[page.index('<h2 class="heading">'):]
    assert box[:box.index("</h2>")].split(">", 1)[1].strip().startswith(
        "Dinas Kesehatan Kabupaten Banyuwangi")


def test_each_language_has_its_own_page(app, published):
    default = tk.config["ckan.locale_default"]
    other = "en" if default == "id" else "id"
    assert look(app, "/dataset/jumlah-puskesmas").headers[HEADER] == "miss"
    switched = look(app, "/%s/dataset/jumlah-puskesmas" % other)
    assert switched.headers[HEADER] == "miss"
    assert 'lang="%s"' % other in switched.body
    assert look(app, "/%s/dataset/jumlah-puskesmas" % other).headers[HEADER] == "hit"
    assert 'lang="%s"' % default in look(app, "/dataset/jumlah-puskesmas").body


def test_a_datastore_write_moves_the_generation():
    before = store.current_generation()
    table = '"0b8e9c44-5f8a-4d7e-9a7e-2f1c3f4f6a11"'   # a DataStore table: a resource id
    with model.meta.engine.begin() as conn:   # a connection of its own, as the loader's
        conn.execute(sa.text("CREATE TABLE %s (x int)" % table))
    assert store.current_generation() > before
    with model.meta.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE %s" % table))


def test_only_a_committed_write_moves_the_generation(published):
    before = store.current_generation()
    model.Session.execute(sa.text("UPDATE package SET notes = 'x' WHERE id = :id"),
                          {"id": published["id"]})
    model.Session.rollback()
    model.Session.remove()
    assert store.current_generation() == before
    model.Session.execute(sa.text("SELECT * FROM package"))
    model.Session.execute(sa.text("UPDATE satudata_outbox SET attempts = attempts"))
    model.Session.commit()
    model.Session.remove()
    assert store.current_generation() == before   # nothing a page shows
    model.Session.execute(sa.text("UPDATE package SET notes = notes WHERE id = :id"),
                          {"id": published["id"]})
    model.Session.commit()
    model.Session.remove()
    assert store.current_generation() > before


@pytest.mark.parametrize("statement, seen", [
    ('INSERT INTO package (id) VALUES (1)', True),
    ('UPDATE "group" SET title = 1', True),
    ('DELETE FROM public.resource_view WHERE id = 1', True),
    ('WITH x AS (SELECT 1) UPDATE satudata_dataset_workflow SET state = 1', True),
    ('INSERT INTO satudata_search_index VALUES (1) ON CONFLICT (id) DO UPDATE SET x = 1', True),
    ('INSERT INTO "0b8e9c44-5f8a-4d7e-9a7e-2f1c3f4f6a11" VALUES (1)', True),
    ('TRUNCATE TABLE system_info', True),
    # a person's last activity alone is on no visitor's page; anything beside it is
    ('UPDATE "user" SET last_active=%(last_active)s WHERE "user".id = %(user_id)s', False),
    ('UPDATE "user" SET fullname=%(fullname)s, last_active=%(last_active)s '
     'WHERE "user".id = %(user_id)s', True),
    ('UPDATE "user" SET last_active=%(last_active)s, fullname=%(fullname)s '
     'WHERE "user".id = %(user_id)s', True),
    ("UPDATE \"user\" SET last_active = now() WHERE name = 'x'; "
     "UPDATE package SET title = 'y'", True),
    ('UPDATE "user" SET fullname = %(f)s WHERE id = %(i)s', True),
    ('SELECT * FROM package FOR UPDATE', False),
    ('UPDATE satudata_outbox SET attempts = 1', False),
    ('INSERT INTO satudata_data_request (id) VALUES (1)', False),
    ('INSERT INTO satudata_personal_access_log (at) VALUES (now())', False),
    ('UPDATE api_token SET last_access = now()', False),
    ('INSERT INTO activity (id) VALUES (1)', False),
])
def test_which_writes_a_page_could_show(statement, seen):
    assert invalidation.writes_pages(statement) is seen


def test_each_table_named_unseen_exists():
    """A prefix that names no table protects nothing (and a misspelt one let
    each look at the request board empty the cache, below)."""
    tables = set(model.Session.execute(sa.text(
        "SELECT tablename FROM pg_tables WHERE tablename LIKE 'satudata%%'")).scalars())
    for prefix in invalidation.SATUDATA_UNSEEN_PREFIXES + invalidation.DESK_PREFIXES:
        assert any(t.startswith(prefix) for t in tables), prefix


def test_the_staff_reading_the_request_board_leaves_kept_pages_alone(app, people, published):
    """The board logs each view of a requester's details (privacy/log.py): a
    write no public page shows, so it moves no generation."""
    from tests.requests.helpers import RINA
    helpers.call_action("satudata_request_create", context={"user": "", "ignore_auth": False},
                        **RINA)
    model.repo.commit()
    token = factories.APIToken(user=people["subkoord"]["name"])["token"]
    app.get("/satudata/permintaan", headers={"Authorization": token})
    look(app, "/dataset/jumlah-puskesmas")
    before = (store.current_generation(), store.current_desk_generation())
    for _ in range(2):
        body = app.get("/satudata/permintaan", headers={"Authorization": token}).body
        assert "Universitas Jember" in body   # the requester's institution
    assert model.Session.execute(sa.text(
        "SELECT count(*) FROM satudata_personal_access_log")).scalar() >= 2
    assert (store.current_generation(), store.current_desk_generation()) == before
    assert look(app, "/dataset/jumlah-puskesmas").headers[HEADER] == "hit"


@pytest.mark.parametrize("statement, desk", [
    ('INSERT INTO satudata_data_request (id) VALUES (1)', True),
    ('UPDATE satudata_request_event SET note = 1', True),
    ('INSERT INTO satudata_objection (id) VALUES (1)', True),
    ('SELECT * FROM satudata_data_request FOR UPDATE', False),
    ('UPDATE satudata_outbox SET attempts = 1', False),
    ('INSERT INTO satudata_personal_access_log (id) VALUES (1)', False),
    ('INSERT INTO package (id) VALUES (1)', False),   # moves both, as a page write
])
def test_which_writes_change_the_request_desk(statement, desk):
    assert invalidation.writes_desk(statement) is desk


def test_clearing_after_a_deployment_serves_no_kept_page(app, cli, published):
    from ckan.cli.cli import ckan
    look(app, "/dataset/jumlah-puskesmas")
    assert look(app, "/dataset/jumlah-puskesmas").headers[HEADER] == "hit"
    result = cli.invoke(ckan, ["satudata", "page-cache", "clear"])
    assert result.exit_code == 0, result.output
    assert look(app, "/dataset/jumlah-puskesmas").headers[HEADER] == "miss"


def test_the_quality_badge_is_kept_and_follows_a_change(app, published, people):
    from ckanext.satudata.quality import actions as quality
    shown = helpers.call_action("package_show", id=published["id"])
    calls = []
    real = quality.quality_of

    def counted(pkg_dict, *a, **kw):
        calls.append(pkg_dict["id"])
        return real(pkg_dict, *a, **kw)
    quality.quality_of, saved = counted, quality.quality_of
    try:
        with app.flask_app.test_request_context():
            first = quality.satudata_quality_score(shown)
            assert quality.satudata_quality_score(shown) == first
            assert len(calls) == 1   # the second page took the kept card
            helpers.call_action("package_patch", context=site_context(), id=published["id"],
                                tag_string="kesehatan,puskesmas")
            quality.satudata_quality_score(helpers.call_action("package_show",
                                                               id=published["id"]))
            assert len(calls) == 2
    finally:
        quality.quality_of = saved


# the header's badge of new dashboard activities (theme/header.html)
NEW_ACTIVITIES = re.compile(r'<li class="notifications[^"]*">.*?<span class="badge">(\d+)</span>', re.S)


def test_the_kept_new_activity_count_is_cores_count_after_every_change(app, people):
    """The count of new activities in a logged-in person's header is kept
    under the page generation: after each change it is the number CKAN's own
    action answers (the oracle), never the one kept before it."""
    follower = factories.User(name="pengikut")
    token = factories.APIToken(user=follower["name"])["token"]
    first, second = make(people, "puskesmas"), make(people, "posyandu")
    walk(first["id"], people)
    walk(second["id"], people)
    model.repo.commit()

    def shown():
        body = app.get("/dataset/", headers={"Authorization": token}).body
        return int(NEW_ACTIVITIES.search(body).group(1))

    def cores():
        return helpers.call_action("dashboard_new_activities_count",
                                   context={"user": follower["name"]})

    colleague = factories.User(name="rekan", fullname="Rekan Kerja")

    def renamed(fullname):
        return lambda: helpers.call_action("user_patch", context=site_context(),
                                           id=colleague["id"], fullname=fullname)

    steps = [
        ("nothing followed", lambda: None),
        ("follows a dataset", lambda: helpers.call_action(
            "follow_dataset", context={"user": follower["name"]}, id=first["id"])),
        ("follows a colleague", lambda: helpers.call_action(
            "follow_user", context={"user": follower["name"]}, id=colleague["id"])),
        ("the colleague changes their name", renamed("Rekan Kerja Dinkes")),
        ("and again", renamed("Rekan Dinkes")),
        ("reads the dashboard", lambda: app.get("/dashboard/", headers={"Authorization": token})),
        ("the colleague changes once more", renamed("Rekan")),
        ("unfollows the colleague", lambda: helpers.call_action(
            "unfollow_user", context={"user": follower["name"]}, id=colleague["id"])),
    ]
    seen = []
    for name, change in steps:
        change()
        model.repo.commit()
        shown()   # kept now, if it is kept at all
        seen.append((name, shown(), cores()))
    assert all(kept == core for _, kept, core in seen), seen
    # the steps really moved the count (else the oracle proves nothing)
    assert len({core for _, _, core in seen}) > 1, repr(seen)[-400:]


# the header's badge of what waits for the person (theme/header.html) and the
# dashboard's own fresh count of the same ("Your work", user/dashboard.html)
WAITING = re.compile(r'class="satudata-waiting">\s*<span class="badge ([^"]*)">(\d+)</span>')
YOUR_WORK = re.compile(r'id="satudata-my-work-title"[^>]*>[^<]*<span class="badge bg-secondary">'
                       r'(\d+)</span>\s*(?:<span class="badge bg-danger">(\d+))?')


def test_the_kept_waiting_badge_is_the_fresh_work_count_after_every_change(
        app, people, monkeypatch):
    """The Subkoord's header badge (how many items wait, red when one is
    overdue) is kept per person under the desk generation and the minute:
    after each change (a dataset moved, a citizen's request filed or
    assigned, time passing an SOP standard time) it is what the dashboard's
    freshly built work list counts, never the number kept before it."""
    from ckanext.satudata.workflow import clock
    from tests.requests.helpers import RINA
    now = {"at": dt.datetime(2026, 11, 25, 9, 0, tzinfo=clock.WIB)}   # a Wednesday
    monkeypatch.setattr(clock, "now", lambda: now["at"])
    subkoord = people["subkoord"]
    token = factories.APIToken(user=subkoord["name"])["token"]
    dataset = make(people, "jumlah-posyandu")
    model.repo.commit()

    def shown():
        body = app.get("/dashboard/", headers={"Authorization": token}).body
        badge, fresh = WAITING.search(body), YOUR_WORK.search(body)
        kept = (int(badge.group(2)), "bg-danger" in badge.group(1)) if badge else (0, False)
        return kept, (int(fresh.group(1)), bool(fresh.group(2)))

    filed = {}

    def file_request():
        filed.update(helpers.call_action("satudata_request_create",
                                         context={"user": "", "ignore_auth": False}, **RINA))

    def later(minutes):
        def move():
            now["at"] += dt.timedelta(minutes=minutes)
        return move

    generation = {}

    def note_generation():
        generation["before"] = store.current_generation()

    steps = [
        ("a new dataset waits for the Subkoord's assignment", lambda: None),
        ("assigned to the Staf", lambda: transition(
            subkoord, dataset["id"], "assign", assignee=people["staf"]["name"])),
        ("submitted", lambda: transition(people["staf"], dataset["id"], "submit")),
        ("a citizen files a request (the desk only)",
         lambda: (note_generation(), file_request())),
        ("an hour later: the request's 10 minutes are over", later(60)),
        ("the Subkoord assigns the request", lambda: helpers.call_action(
            "satudata_request_transition", context=as_user(subkoord), id=filed["id"],
            transition="assign", assignee=people["staf"]["name"])),
        ("the Subkoord approves the dataset", lambda: transition(
            subkoord, dataset["id"], "approve")),
    ]
    seen = []
    for name, change in steps:
        change()
        model.repo.commit()
        shown()   # kept now, if it is kept at all
        seen.append((name,) + shown())
        if name.startswith("a citizen"):
            # a request on the desk leaves every visitor's kept page alone
            assert store.current_generation() == generation["before"]
    assert all(kept == fresh for _, kept, fresh in seen), seen
    # the steps really moved the badge, its number and its colour
    assert len({fresh for _, _, fresh in seen}) >= 4, seen
    assert any(fresh[1] for _, _, fresh in seen) and not seen[0][2][1], seen


def test_the_kept_related_list_shows_a_new_publication_at_once(app, people):
    """The related datasets of a topic are kept for visitors under the page
    generation: a dataset published after a look is in the list at once,
    a draft never is."""
    first = make(people, "puskesmas-pembantu")
    walk(first["id"], people)
    look(app, "/dataset/puskesmas-pembantu")
    draft = make(people, "posyandu-aktif")
    model.repo.commit()
    page = look(app, "/dataset/puskesmas-pembantu").body
    assert "Posyandu Aktif" not in page
    walk(draft["id"], people)
    model.repo.commit()
    related = look(app, "/dataset/puskesmas-pembantu").body
    related = related[related.index('class="satudata-related"'):]
    assert "Posyandu Aktif" in related[:related.index("</section>")]

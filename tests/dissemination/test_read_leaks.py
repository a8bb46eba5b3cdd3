"""Issue 9, "no trace of unpublished work": CKAN's read paths that read its
tables directly (tags, formats, members, autocomplete, activity, followers,
task statuses), hidden datasets answering exactly as missing ones (API,
pages, DCAT) and the search index's internal fields, through CKAN's real
stack."""
import json
import re
import uuid

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.search import SearchQueryError
from ckan.tests import factories, helpers

from tests.helpers import built_once, as_user, site_context, walidata_team, walk

# A test that only reads the world shares one build (below); a test that
# writes has a database and a world of its own. The readers come first, so a
# run in the file's order builds the shared world once.
WRITES = pytest.mark.usefixtures("satudata_db")

SECRET_TAGS = {"rahasia-dinkes", "stunting-draf"}
PUBLIC_TAG = "publik-kesehatan"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _dataset(owner, org, name, title, tags, fmt):
    return helpers.call_action(
        "package_create", context=as_user(owner), name=name, title=title,
        notes="Data contoh (sample data).", owner_org=org["id"],
        topic="perlindungan_sosial_kesehatan", update_frequency="tahunan",
        period_start="2025", presentation_level="kecamatan", unit="jiwa",
        classification="terbuka", tag_string=",".join(sorted(tags)),
        resources=[{"url": "http://example.com/%s.%s" % (name, fmt.lower()),
                    "name": title, "format": fmt}])


def build_world(walidata):
    """Owning OPD (Dinkes) with one unpublished and one published dataset,
    both in a group; another OPD with an editor and a read-only member."""
    dinkes = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    dispendik = factories.Organization(name="dispendik", title="Dinas Pendidikan")
    group = factories.Group(name="kesehatan-publik")
    people = dict(walidata, opd=factories.User(name="opd-dinkes"),
                  other_opd=factories.User(name="opd-dispendik"),
                  reader=factories.User(name="pembaca-dispendik"),
                  stranger=factories.User(name="warga"))
    for org, user, role in ((dinkes, "opd", "editor"), (dispendik, "other_opd", "editor"),
                            (dispendik, "reader", "member")):
        helpers.call_action("organization_member_create", context=site_context(),
                            id=org["id"], username=people[user]["name"], role=role)
    public = _dataset(people["opd"], dinkes, "jumlah-puskesmas", "Jumlah Puskesmas",
                      {PUBLIC_TAG}, "CSV")
    walk(public["id"], walidata)
    hidden = _dataset(people["opd"], dinkes, "rahasia-angka-stunting", "Rahasia Angka Stunting",
                      SECRET_TAGS, "SHP")
    for dataset in (public, hidden):
        helpers.call_action("member_create", context=site_context(), id=group["id"],
                            object=dataset["id"], object_type="package", capacity="public")
    return {"people": people, "public": public, "hidden": hidden, "group": group,
            "dinkes": dinkes}


@pytest.fixture(scope="module")
def _shared():
    return {}


@pytest.fixture
def world(request, _shared, with_plugins):
    """The world, built once for the tests that only read it (~1 s a build):
    built again only when a test of the module emptied the database since. A
    test that writes takes `satudata_db` and gets an empty database and a
    world of its own."""
    return built_once(request, _shared, lambda: build_world(walidata_team()),
                      lambda kept: ("group", kept["dinkes"]["id"]))



OUTSIDERS = ("anonymous", "stranger", "other_opd", "reader")
INSIDERS = ("opd", "staf", "subkoord", "kabid")


def _user(world, who):
    return None if who == "anonymous" else world["people"][who]


def _call(world, who, action, **kw):
    return helpers.call_action(action, context=as_user(_user(world, who)), **kw)


def _traces(world, who):
    """What `who` learns of the hidden dataset through the table-reading paths."""
    hidden, public, group = world["hidden"], world["public"], world["group"]
    call = lambda action, **kw: _call(world, who, action, **kw)  # noqa: E731
    seen = {}
    tags = set(call("tag_list"))
    assert PUBLIC_TAG in tags, "control: %s must see the published tag" % who
    seen["tag_list"] = bool(SECRET_TAGS & tags)
    seen["tag_list_all_fields"] = bool(
        SECRET_TAGS & {t["name"] for t in call("tag_list", all_fields=True)})
    seen["tag_list_query"] = bool(SECRET_TAGS & set(call("tag_list", query="a")))
    searched = call("tag_search", query="a")
    assert PUBLIC_TAG in {t["name"] for t in searched["results"]}, "control: %s" % who
    seen["tag_search"] = bool(SECRET_TAGS & {t["name"] for t in searched["results"]})
    seen["tag_search_count"] = searched["count"] != len(searched["results"]) \
        or call("tag_search", query="rahasia")["count"] > 0
    paged = call("tag_search", query="a", limit=1, offset=0)
    seen["tag_search_paged"] = paged["count"] != searched["count"]
    seen["tag_autocomplete"] = bool(SECRET_TAGS & set(call("tag_autocomplete", q="a")))
    try:
        call("tag_show", id="rahasia-dinkes")
        seen["tag_show"] = True
    except tk.ObjectNotFound:
        seen["tag_show"] = False
    assert call("tag_show", id=PUBLIC_TAG)["name"] == PUBLIC_TAG
    formats = call("format_autocomplete", q="s")
    assert "csv" in formats, "control: %s must see the published format" % who
    seen["format_autocomplete"] = "shp" in formats
    seen["package_autocomplete"] = any(
        p["name"] == hidden["name"] for p in call("package_autocomplete", q="rahasia"))
    found = call("resource_search", query="name:Rahasia")
    seen["resource_search"] = found["count"] > 0 or bool(found["results"])
    for owner, ref in (("group", group["id"]), ("organization", world["dinkes"]["id"])):
        members = {m[0] for m in call("member_list", id=ref, object_type="package")}
        assert public["id"] in members, "control: %s, %s members" % (who, owner)
        seen["member_list_%s" % owner] = hidden["id"] in members
        everything = {m[0] for m in call("member_list", id=ref)}
        seen["member_list_%s_untyped" % owner] = hidden["id"] in everything
    shown = {p["name"] for p in call("group_package_show", id=group["id"])}
    seen["group_package_show"] = hidden["name"] in shown
    seen["group_show_count"] = call("group_show", id=group["id"])["package_count"] > 1
    creator = call("user_show", id="opd-dinkes", include_datasets=True)
    seen["user_show"] = creator["number_created_packages"] > 1 \
        or hidden["name"] in {d["name"] for d in creator.get("datasets") or []}
    seen["recently_changed"] = any(
        a["object_id"] == hidden["id"]
        for a in call("recently_changed_packages_activity_list", limit=100))
    return seen


class TestIndexFields:
    def _search(self, world, who, **kw):
        return _call(world, who, "package_search", include_private=True, **kw)

    def test_internal_fields_stay_with_the_walidata_team(self, app, world):
        internal = re.compile(r"^(satudata_|permission_labels$)")
        asks = [{"fl": "*"}, {"fl": "name,permission_labels,satudata_state,"
                                    "satudata_revision_pending"},
                {"facet.field": json.dumps(["permission_labels", "satudata_state",
                                            "satudata_revision_pending", "tags"])}]
        for who in OUTSIDERS + ("opd",):
            for ask in asks:
                result = self._search(world, who, **ask)
                names = {k for r in result["results"] for k in r}
                facets = set(result["facets"]) | set(result["search_facets"])
                assert result["count"] >= 1, (who, ask)
                assert not {n for n in names | facets if internal.match(n)}, (who, ask)
                if "fl" in ask:
                    assert "name" in names
                else:
                    assert "tags" in facets
            for fq in ("satudata_state:terbit", "satudata_revision_pending:true",
                       "permission_labels:public", "+satudata\\_state:konsep"):
                with pytest.raises(SearchQueryError):
                    self._search(world, who, fq=fq)
            with pytest.raises(SearchQueryError):
                self._search(world, who, q="satudata_state:konsep")
            with pytest.raises(SearchQueryError):
                self._search(world, who, sort="satudata_state asc")
        body = app.get("/api/3/action/package_search", query_string={
            "fl": "*", "facet.field": '["permission_labels","satudata_state"]'}).body
        assert "permission_labels" not in body and "satudata_state" not in body
        assert "jumlah-puskesmas" in body
        page = app.get("/dataset/", query_string={"q": "satudata_state:konsep"})
        assert page.status_code in (200, 400) and world["hidden"]["title"] not in page.body
        refused = app.get("/api/3/action/package_search", query_string={
            "fq": "satudata_revision_pending:true"}, status=400).json
        assert refused["error"]["__type"] == "Search Query Error"

        for who in ("staf", "subkoord", "kabid"):
            result = self._search(world, who, fl="*", fq="satudata_state:konsep",
                                  **{"facet.field": ["satudata_state"]})
            assert [r["name"] for r in result["results"]] == [world["hidden"]["name"]]
            assert result["results"][0]["satudata_state"] == "konsep"
            assert result["results"][0]["permission_labels"]
            assert result["facets"]["satudata_state"] == {"konsep": 1}


class TestTableReads:
    def test_outsiders_find_no_trace_insiders_see_their_own(self, world):
        for who in OUTSIDERS:
            leaks = {path for path, seen in _traces(world, who).items() if seen}
            assert not leaks, "%s learns of the unpublished dataset via %s" % (who, sorted(leaks))
        for who in INSIDERS:
            seen = _traces(world, who)
            for path in ("tag_list", "tag_list_all_fields", "tag_search", "tag_autocomplete",
                         "tag_show", "format_autocomplete", "package_autocomplete",
                         "member_list_group", "member_list_organization"):
                assert seen[path], "%s cannot see its own dataset via %s" % (who, path)

    def test_tag_list_over_the_api(self, app, world):
        listed = set(app.get("/api/3/action/tag_list").json["result"])
        assert PUBLIC_TAG in listed and not SECRET_TAGS & listed
        token = factories.APIToken(user="staf-walidata")["token"]
        listed = set(app.get("/api/3/action/tag_list",
                             headers={"Authorization": token}).json["result"])
        assert SECRET_TAGS <= listed

    def test_unused_and_missing_tags(self, world):
        with pytest.raises(tk.ObjectNotFound):
            _call(world, "anonymous", "tag_show", id="tidak-pernah-ada")
        missing, hidden = [], []
        for ref, sink in (("tidak-pernah-ada", missing), ("rahasia-dinkes", hidden)):
            try:
                _call(world, "stranger", "tag_show", id=ref)
            except tk.ObjectNotFound as error:
                sink.append(str(error))
        assert missing == hidden and len(hidden) == 1

    @WRITES   # publishes
    def test_after_publication_everyone_sees(self, world):
        walk(world["hidden"]["id"], world["people"])
        for who in OUTSIDERS + INSIDERS:
            seen = _traces(world, who)
            # recently_changed: activity stays with the team (as in the leak
            # matrix of test_dataset_workflow.py)
            hidden = {path for path, visible in seen.items()
                      if not visible and path not in ("tag_search_count", "tag_search_paged",
                                                      "recently_changed")}
            assert not hidden, "%s cannot see the published dataset via %s" % (who, hidden)


def _token(user):
    return factories.APIToken(user=user["name"])["token"] if user else None


def _get(app, url, user_token, **kw):
    headers = {"Authorization": user_token} if user_token else {}
    return app.get(url, headers=headers, follow_redirects=False, **kw)


def _normalised(body, *identifiers):
    for ident in filter(None, identifiers):
        body = body.replace(ident, "<ID>")
    # per-request tokens of the page chrome, not of the answer
    body = re.sub(r'(csrf[^"]*"\s+(?:value|content)=")[^"]*"', r'\1"', body)
    return body


class TestHiddenIsMissing:
    def _paths(self, world):
        """(label, url template, hidden identifiers); {d}, {r}, {v} get the
        dataset, resource and view identifiers."""
        return [
            ("package_show", "/api/3/action/package_show?id={d}"),
            ("resource_show", "/api/3/action/resource_show?id={r}"),
            ("resource_view_list", "/api/3/action/resource_view_list?id={r}"),
            ("resource_view_show", "/api/3/action/resource_view_show?id={v}"),
            ("package_activity_list", "/api/3/action/package_activity_list?id={d}"),
            ("package_relationships_list", "/api/3/action/package_relationships_list?id={d}"),
            ("package_collaborator_list", "/api/3/action/package_collaborator_list?id={d}"),
            ("dataset_follower_count", "/api/3/action/dataset_follower_count?id={d}"),
            ("workflow_show", "/api/3/action/satudata_dataset_workflow_show?id={d}"),
            ("history", "/api/3/action/satudata_dataset_history?id={d}"),
            ("dataset page", "/dataset/{d}"),
            ("dataset activity page", "/dataset/activity/{d}"),
            ("dataset groups page", "/dataset/groups/{d}"),
            ("resource page", "/dataset/{d}/resource/{r}"),
            ("download", "/dataset/{d}/resource/{r}/download"),
            ("dcat rdf", "/dataset/{d}.rdf"),
            ("dcat ttl", "/dataset/{d}.ttl"),
            ("dcat jsonld", "/dataset/{d}.jsonld"),
        ]

    def _view(self, world):
        resource = world["hidden"]["resources"][0]
        views = helpers.call_action("resource_view_list", context=site_context(),
                                    id=resource["id"])
        return views[0]["id"] if views else None

    @WRITES   # a relationship
    def test_hidden_answers_as_missing(self, app, world):
        hidden = world["hidden"]
        real = {"r": hidden["resources"][0]["id"], "v": self._view(world)}
        helpers.call_action("package_relationship_create", context=site_context(),
                            subject=hidden["id"], object=world["public"]["id"],
                            type="depends_on")
        for who in OUTSIDERS:
            token = _token(_user(world, who))
            for by in ("id", "name"):
                shown = dict(real, d=hidden[by])
                fake = {"d": str(uuid.uuid4()) if by == "id" else "tidak-ada-%s" % who,
                        "r": str(uuid.uuid4()), "v": str(uuid.uuid4())}
                for label, url in self._paths(world):
                    if "{v}" in url and not real["v"]:
                        continue  # no view plugin enabled: no view to hide
                    got = _get(app, url.format(**shown), token)
                    missing = _get(app, url.format(**fake), token)
                    where = "%s, %s by %s" % (who, label, by)
                    assert got.status_code == missing.status_code == 404, \
                        "%s: %s vs missing %s" % (where, got.status_code, missing.status_code)
                    body = _normalised(got.body, *shown.values())
                    assert body == _normalised(missing.body, *fake.values()), where
                    assert hidden["title"] not in got.body, where
                    if by == "name":
                        assert hidden["id"] not in got.body, where
                    if label.endswith(("show", "list", "count", "history")):
                        assert not UUID.search(got.json["error"].get("message", "")), where

    @WRITES   # publishes
    def test_insiders_and_after_publication(self, app, world):
        hidden = world["hidden"]
        ids = {"d": hidden["name"], "r": hidden["resources"][0]["id"],
               "v": self._view(world)}
        readable = ("package_show", "resource_show", "resource_view_list", "resource_view_show",
                    "package_activity_list", "dataset page", "dataset activity page",
                    "dataset groups page", "resource page", "dcat rdf")
        for who in ("opd", "staf", "kabid"):
            token = _token(_user(world, who))
            for label, url in self._paths(world):
                if label.startswith(readable) and (ids["v"] or "{v}" not in url):
                    got = _get(app, url.format(**ids), token)
                    assert got.status_code == 200, "%s cannot reach %s" % (who, label)
        walk(hidden["id"], world["people"])
        for who in OUTSIDERS:
            token = _token(_user(world, who))
            for label, url in self._paths(world):
                if label.startswith(readable) and (ids["v"] or "{v}" not in url):
                    got = _get(app, url.format(**ids), token)
                    assert got.status_code == 200, "%s cannot reach published %s" % (who, label)
            # a readable dataset keeps core's refusals: the workflow stays internal
            with pytest.raises(tk.NotAuthorized):
                _call(world, who, "satudata_dataset_workflow_show", id=hidden["id"])

    @WRITES   # a task status, a follower
    def test_activity_follow_and_task_status(self, world):
        hidden = world["hidden"]
        activity = helpers.call_action("package_activity_list", context=site_context(),
                                       id=hidden["id"])[0]["id"]
        helpers.call_action("task_status_update", context=site_context(),
                            entity_id=hidden["id"], entity_type="package",
                            task_type="xloader", key="status", value="complete")
        task = {"entity_id": hidden["id"], "task_type": "xloader", "key": "status"}

        def outcome(who, action, **kw):
            try:
                _call(world, who, action, **kw)
                return "ok"
            except tk.ObjectNotFound as error:
                return "missing: %s" % error
            except (tk.NotAuthorized, tk.ValidationError) as error:
                return "%s: %s" % (type(error).__name__, error)

        checks = [("activity_show", {"id": activity, "include_data": False},
                   {"id": str(uuid.uuid4()), "include_data": False}),
                  ("activity_data_show", {"id": activity}, {"id": str(uuid.uuid4())}),
                  ("activity_diff", {"id": activity, "object_type": "package"},
                   {"id": str(uuid.uuid4()), "object_type": "package"}),
                  ("dataset_follower_count", {"id": hidden["id"]}, {"id": str(uuid.uuid4())}),
                  ("task_status_show", task, dict(task, entity_id=str(uuid.uuid4())))]
        for who in OUTSIDERS:
            for action, real, fake in checks:
                got, missing = outcome(who, action, **real), outcome(who, action, **fake)
                assert got.startswith("missing") and got == missing, \
                    "%s, %s: %r vs %r" % (who, action, got, missing)
            if who != "anonymous":
                for action in ("am_following_dataset", "follow_dataset"):
                    got = outcome(who, action, id=hidden["id"])
                    assert got == outcome(who, action, id=str(uuid.uuid4())) \
                        and got.startswith("missing"), "%s, %s: %s" % (who, action, got)
        for who in ("opd", "staf"):
            for action, real, _ in checks:
                if action != "activity_diff":  # the first activity has no previous one
                    assert outcome(who, action, **real) == "ok", (who, action)
            assert outcome(who, "follow_dataset", id=hidden["id"]) == "ok"


@WRITES   # users
def test_the_caller_is_the_named_user_and_read_once_per_request():
    """read_guard takes the user the request already identified, never
    another one: a context naming one user with another's object is answered
    with the named user, from the database."""
    import sqlalchemy as sa
    from ckanext.satudata.dissemination import read_guard
    staf = model.User.get(factories.User(name="staf-kenal")["id"])
    other = model.User.get(factories.User(name="orang-lain")["id"])
    model.Session.commit()
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        assert read_guard._caller({"user": "staf-kenal", "auth_user_obj": staf}) is staf
        assert read_guard._caller({"user": staf.id, "auth_user_obj": staf}) is staf
        assert statements == []
        named = read_guard._caller({"user": "staf-kenal", "auth_user_obj": other})
        assert named.id == staf.id and len(statements) == 1
        assert read_guard._caller({"user": "orang-lain"}).id == other.id
        assert read_guard._caller({"user": ""}) is None
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)

"""Issue 22, "Trust at the seams" (medium and low): views of another OPD's
resources, an OPD admin un-making their own OPD, and the activities of
datasets the caller cannot read. Each as the attacker tried it, through
CKAN's real stack (actions, the API and the pages)."""
import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.helpers import as_user, site_context, walk

pytestmark = pytest.mark.usefixtures("satudata_db")

WITH_IMAGE_VIEW = ("satudata satudata_search satudata_theme activity scheming_datasets "
                   "scheming_organizations dcat structured_data image_view")


def _dataset(people, author, org, name):
    return helpers.call_action(
        "package_create", context=as_user(people[author]), name=name,
        title="Judul %s" % name, notes="Data contoh (sample data).", owner_org=org["id"],
        topic="pemerintahan_umum", update_frequency="tahunan", period_start="2025",
        presentation_level="kecamatan", unit="jiwa", classification="terbuka",
        resources=[{"url": "http://example.com/%s.csv" % name, "name": "Data",
                    "format": "CSV"}])


@pytest.fixture
def people(walidata):
    """OPD A (Dinkes) with an editor and an admin; OPD B (Dispendik) with an editor."""
    dinkes = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    dispendik = factories.Organization(name="dispendik", title="Dinas Pendidikan")
    found = dict(walidata, dinkes=dinkes, dispendik=dispendik,
                 opd=factories.User(name="opd-dinkes"),
                 admin=factories.User(name="admin-dinkes"),
                 other_opd=factories.User(name="opd-dispendik"),
                 stranger=factories.User(name="warga"))
    for org, who, role in ((dinkes, "opd", "editor"), (dinkes, "admin", "admin"),
                           (dispendik, "other_opd", "editor")):
        helpers.call_action("organization_member_create", context=site_context(),
                            id=org["id"], username=found[who]["name"], role=role)
    return found


def _image_view(resource_id, title, context=None):
    return helpers.call_action("resource_view_create", context=context or site_context(),
                               resource_id=resource_id, view_type="image_view", title=title,
                               image_url="http://example.com/%s.png" % title.lower())


# -- 1. a view is authorised against its own resource ------------------------------------

@pytest.mark.ckan_config("ckan.plugins", WITH_IMAGE_VIEW)
@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("published", [True, False], ids=["published", "unpublished"])
def test_an_editor_cannot_change_another_opds_view_by_naming_own_resource(people, published):
    theirs = _dataset(people, "opd", people["dinkes"], "penduduk")
    if published:
        walk(theirs["id"], people)
    their_resource = theirs["resources"][0]["id"]
    view = _image_view(their_resource, "Resmi")
    # OPD B's editor owns a resource they may change the views of
    mine = _dataset(people, "other_opd", people["dispendik"], "sekolah")
    my_resource = mine["resources"][0]["id"]
    attacker = as_user(people["other_opd"])
    _image_view(my_resource, "Milikku", context=attacker)   # control: their own works

    for sent in (my_resource, their_resource):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("resource_view_update", context=dict(attacker),
                                id=view["id"], resource_id=sent, view_type="image_view",
                                title="Diubah", image_url="http://attacker.example/x.png")
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("resource_view_delete", context=dict(attacker), id=view["id"])
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("resource_view_reorder", context=dict(attacker),
                            id=their_resource, order=[view["id"]])
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("resource_view_clear", context=dict(attacker))
    stored = model.ResourceView.get(view["id"])
    assert (stored.resource_id, stored.title) == (their_resource, "Resmi")
    assert stored.config["image_url"] == "http://example.com/resmi.png"


@pytest.mark.ckan_config("ckan.plugins", WITH_IMAGE_VIEW)
@pytest.mark.usefixtures("with_plugins")
def test_an_editor_cannot_move_own_view_onto_another_opds_resource(people):
    theirs = _dataset(people, "opd", people["dinkes"], "penduduk")
    mine = _dataset(people, "other_opd", people["dispendik"], "sekolah")
    attacker = as_user(people["other_opd"])
    view = _image_view(mine["resources"][0]["id"], "Milikku", context=attacker)
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("resource_view_update", context=dict(attacker), id=view["id"],
                            resource_id=theirs["resources"][0]["id"], view_type="image_view",
                            title="Pindah", image_url="http://attacker.example/x.png")
    assert model.ResourceView.get(view["id"]).resource_id == mine["resources"][0]["id"]
    # the owner still edits their own view (without naming the resource too)
    helpers.call_action("resource_view_update", context=dict(attacker), id=view["id"],
                        view_type="image_view", title="Judul baru",
                        image_url="http://example.com/baru.png")
    assert model.ResourceView.get(view["id"]).title == "Judul baru"


# -- 2. an OPD stays an OPD below sysadmin --------------------------------------------------

@pytest.mark.parametrize("action", ["organization_patch", "organization_update"])
@pytest.mark.parametrize("change", [{"state": "deleted"}, {"is_organization": False},
                                    {"is_organization": "false"}, {"type": "group"},
                                    {"approval_status": "pending"}])
def test_an_opd_admin_cannot_delete_or_unmake_their_opd(app, people, action, change):
    published = _dataset(people, "opd", people["dinkes"], "penduduk")
    walk(published["id"], people)
    org = people["dinkes"]
    data = dict(change, id=org["id"])
    if action == "organization_update":
        data.update(name=org["name"], title=org["title"])
    with pytest.raises((tk.NotAuthorized, tk.ValidationError)) as refused:
        helpers.call_action(action, context=as_user(people["admin"]), **data)
    if change != {"type": "group"}:   # core refuses a type change by itself
        assert "sysadmin" in str(refused.value)
    group = model.Group.get(org["id"])
    assert (group.state, group.is_organization, group.type, group.approval_status) == \
        ("active", True, "organization", "approved")
    app.get("/dataset/%s" % published["name"], status=200)
    # what an admin may change stays open to them
    edited = helpers.call_action("organization_patch", context=as_user(people["admin"]),
                                 id=org["id"], title="Dinas Kesehatan Kabupaten")
    assert edited["title"] == "Dinas Kesehatan Kabupaten"


def test_the_refusal_is_bilingual_over_the_api(app, people):
    token = factories.APIToken(user=people["admin"]["name"])["token"]
    answer = app.post("/api/3/action/organization_patch", headers={"Authorization": token},
                      json={"id": "dinkes", "state": "deleted"}, status=403).json
    message = answer["error"]["message"]
    assert " / " in message and "sysadmin" in message
    assert model.Group.get("dinkes").state == "active"


def test_the_dataset_page_of_an_unorganised_opd_answers(app, people):
    """A sysadmin (or an old database) made the OPD a plain group: the
    published dataset's page still answers, it is not a 500."""
    published = _dataset(people, "opd", people["dinkes"], "penduduk")
    walk(published["id"], people)
    helpers.call_action("organization_patch", context=site_context(), id="dinkes",
                        is_organization=False)
    assert model.Group.get("dinkes").is_organization is False
    page = app.get("/dataset/%s" % published["name"], status=200)
    assert published["title"] in page.body
    app.get("/dataset/%s/resource/%s" % (published["name"], published["resources"][0]["id"]),
            status=200)


# -- 3. activities of a dataset the caller cannot read -------------------------------------

LIST_ACTIONS = ("user_activity_list", "dashboard_activity_list", "organization_activity_list",
                "recently_changed_packages_activity_list", "group_activity_list")


@pytest.fixture
def hidden_views(people):
    """An unpublished dataset of Dinkes whose resource got a view from its
    editor (who follows nothing; the stranger follows them)."""
    hidden = _dataset(people, "opd", people["dinkes"], "rahasia-stunting")
    resource = hidden["resources"][0]["id"]
    view = _image_view(resource, "Peta-rahasia", context=as_user(people["opd"]))
    group = factories.Group(name="kesehatan")
    helpers.call_action("member_create", context=site_context(), id=group["id"],
                        object=hidden["id"], object_type="package", capacity="public")
    helpers.call_action("follow_user", context=as_user(people["stranger"]), id="opd-dinkes")
    helpers.call_action("follow_group", context=as_user(people["stranger"]), id="kesehatan")
    return dict(dataset=hidden, view=view, group=group)


def _activities(action, who):
    data = {"user_activity_list": {"id": "opd-dinkes"}, "dashboard_activity_list": {},
            "organization_activity_list": {"id": "dinkes"},
            "group_activity_list": {"id": "kesehatan"},
            "recently_changed_packages_activity_list": {}}[action]
    return helpers.call_action(action, context=as_user(who), limit=100, **data)


def _mentions(activities, hidden):
    return [a for a in activities if a.get("object_id") == hidden["dataset"]["id"]
            or hidden["view"]["id"] in str(a.get("data"))
            or hidden["dataset"]["name"] in str(a.get("data"))]


@pytest.mark.ckan_config("ckan.plugins", WITH_IMAGE_VIEW)
@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("action", LIST_ACTIONS)
def test_activities_of_a_hidden_dataset_stay_hidden(people, hidden_views, action):
    everything = _activities(action, people["opd"]) if action != "dashboard_activity_list" \
        else helpers.call_action(action, context=as_user(people["opd"]), limit=100)
    if action == "user_activity_list":   # control: the owner sees the views' activities
        assert any("resource view" in a["activity_type"]
                   for a in _mentions(everything, hidden_views))
    for who in ("stranger", "other_opd"):
        leaked = _mentions(_activities(action, people[who]), hidden_views)
        assert not leaked, "%s sees %s through %s" % (
            who, sorted(a["activity_type"] for a in leaked), action)
    # once published, everyone reads them
    walk(hidden_views["dataset"]["id"], people)
    if action == "user_activity_list":
        seen = _mentions(_activities(action, people["stranger"]), hidden_views)
        assert any("resource view" in a["activity_type"] for a in seen)


@pytest.mark.ckan_config("ckan.plugins", WITH_IMAGE_VIEW)
@pytest.mark.usefixtures("with_plugins")
def test_the_user_activity_page_shows_no_hidden_view(app, people, hidden_views):
    token = factories.APIToken(user=people["stranger"]["name"])["token"]
    page = app.get("/user/activity/opd-dinkes", headers={"Authorization": token}, status=200)
    assert hidden_views["dataset"]["title"] not in page.body
    assert hidden_views["dataset"]["id"] not in page.body
    assert "Peta-rahasia" not in page.body
    own = app.get("/user/activity/opd-dinkes", status=200,
                  headers={"Authorization": factories.APIToken(user="opd-dinkes")["token"]})
    assert hidden_views["dataset"]["title"] in own.body   # control


@pytest.mark.ckan_config("ckan.plugins", WITH_IMAGE_VIEW)
@pytest.mark.usefixtures("with_plugins")
def test_a_page_of_activities_keeps_its_length(people, hidden_views):
    """What is left out is made up from older activities: core's "older"
    link counts on a full page."""
    for n in range(4):
        helpers.call_action("user_patch", context=as_user(people["opd"]),   # visible ones
                            id="opd-dinkes", fullname="Petugas Dinkes %d" % n)
    for n in range(4):
        _image_view(hidden_views["dataset"]["resources"][0]["id"], "Lagi-%d" % n,
                    context=as_user(people["opd"]))
    everything = helpers.call_action("user_activity_list", context=as_user(people["stranger"]),
                                     id="opd-dinkes", limit=100)
    assert len(everything) >= 4
    page = helpers.call_action("user_activity_list", context=as_user(people["stranger"]),
                               id="opd-dinkes", limit=3)
    assert [a["id"] for a in page] == [a["id"] for a in everything[:3]]


@pytest.mark.ckan_config("ckan.plugins", WITH_IMAGE_VIEW)
@pytest.mark.usefixtures("with_plugins")
def test_a_hidden_view_activity_answers_as_missing(people, hidden_views):
    from ckanext.activity.model import Activity
    activity = model.Session.query(Activity).filter(
        Activity.activity_type == "new resource view").one()
    for action in ("activity_show", "activity_data_show"):
        with pytest.raises(tk.ObjectNotFound):
            helpers.call_action(action, context=as_user(people["stranger"]), id=activity.id)

"""Issue 23, "Staff": a queue of real work. On the demo data each role's work
list (/dashboard "Your work") and header count hold exactly the items whose
SOP step waits for that person; what they merely may do (withdraw a live
dataset, discard a revision, read a request at another desk) is no work.
Staff land on the list when they log in. The reviewer's return note shows on
the list and in the workflow panel. Real stack: the demo loader's own
actions, pages over the app."""
import re

import pytest

import ckan.model as model
from ckan.cli.cli import ckan as ckan_cli
from ckan.tests import factories, helpers

from ckanext.satudata.demo import data as demo
from ckanext.satudata.dissemination import rules as d
from ckanext.satudata.workflow.machine import Actor

from tests.helpers import built_once, as_user

pytestmark = [pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")]

BENCANA = "jumlah-kejadian-bencana-per-kecamatan"   # returned with demo.RETURN_NOTE


def load_demo_portal(cli, tmp_path, monkeypatch):
    """The demo data of `scripts/portal up`, and one thing a walk of the portal
    adds: the OPD editor edits one of its published datasets (a revision that
    the Subkoord may discard and the Kabid may withdraw); and a citizen."""
    password = tmp_path / "password"
    monkeypatch.setenv("SATUDATA_DEMO_PASSWORD_FILE", str(password))
    loaded = cli.invoke(ckan_cli, ["satudata", "load-demo"])
    assert loaded.exit_code == 0, loaded.output
    dinkes = model.Group.get("dinkes")
    live = next(p for p in model.Session.query(model.Package).filter_by(
        owner_org=dinkes.id, private=False, state="active"))
    helpers.call_action("package_patch", context=as_user({"name": "opd-dinkes"}),
                        id=live.id, notes="Catatan diperbarui oleh OPD.")
    assert helpers.call_action("satudata_dataset_workflow_show",
                               id=live.id)["pending_revision"]
    return {"revision": live.name, "password": password.read_text().strip(),
            "citizen": factories.User(password="Warga-Banyuwangi-2026")}


@pytest.fixture(scope="module")
def _shared():
    return {}


@pytest.fixture
def demo_portal(request, _shared, with_plugins):
    """The demo portal, loaded once for the tests that only look at it (~1.5 s
    a load): loaded again only when a test of the module emptied the database
    since. A test that writes takes `satudata_db` and gets an empty database
    and a portal of its own. (What the lookers leave: API tokens, logins.)"""
    return built_once(request, _shared, lambda: load_demo_portal(
        *(request.getfixturevalue(name) for name in ("cli", "tmp_path", "monkeypatch"))),
        lambda kept: ("user", kept["citizen"]["id"]))


def _requests_by_title():
    return {r["title"]: r["number"]
            for r in helpers.call_action("satudata_request_list")["results"]}


def _work(app, user_name):
    """(datasets listed, request numbers listed, header count) of the page."""
    token = factories.APIToken(user=user_name)["token"]
    body = app.get("/dashboard/", headers={"Authorization": token}).body
    count = re.search(r'class="satudata-waiting">\s*<span class="badge[^"]*">(\d+)</span>', body)
    section = body[body.index('class="satudata-my-work'):] if "satudata-my-work" in body else ""
    reviews = section[section.index("satudata-dashboard-reviews"):].split("</ul>")[0] \
        if "satudata-dashboard-reviews" in section else ""
    requests = section[section.index("satudata-dashboard-requests"):].split("</ul>")[0] \
        if "satudata-dashboard-requests" in section else ""
    return (set(re.findall(r'href="/dataset/([\w-]+)#alur-diseminasi"', reviews)),
            set(re.findall(r"PDS-\d{4}-\d{5}", requests)),
            int(count.group(1)) if count else 0)


def test_each_roles_work_list_and_count_on_demo_data(app, demo_portal):
    numbers = _requests_by_title()
    curah_hujan = numbers["Curah hujan bulanan per kecamatan"]        # baru: the Subkoord's
    homestay = numbers["Jumlah homestay per desa wisata"]              # di_opd: Dinkes's
    expected = {
        "subkoord": ({"produksi-padi-per-kecamatan",                   # assign
                      "jumlah-keluarga-penerima-pkh-per-kecamatan"},   # first review
                     {curah_hujan}),
        "kabid": ({"luas-daerah-irigasi-per-kecamatan"}, set()),       # second review
        "staf": ({"jumlah-sanggar-seni-per-kecamatan",                 # submit
                  "timbulan-sampah-per-kecamatan",                     # publish
                  BENCANA,                                             # resume after return
                  demo_portal["revision"]},                            # submit the revision
                 set()),
        "opd-dinkes": (set(), {homestay}),
    }
    for who, (datasets, requests) in expected.items():
        assert _work(app, who) == (datasets, requests, len(datasets) + len(requests)), who
    # a citizen (and a reader of no desk) has no work list and no count
    citizen = demo_portal["citizen"]
    assert _work(app, citizen["name"]) == (set(), set(), 0)


def test_the_queue_action_names_the_task_not_every_possible_action(demo_portal):
    queue = {i["name"]: i for i in helpers.call_action(
        "satudata_review_queue", context=as_user({"name": "kabid"}))}
    assert list(queue) == ["luas-daerah-irigasi-per-kecamatan"]
    assert queue["luas-daerah-irigasi-per-kecamatan"]["tasks"] == ["approve", "return"]
    subkoord = {i["name"]: i["tasks"] for i in helpers.call_action(
        "satudata_review_queue", context=as_user({"name": "subkoord"}))}
    # the revision is possible to discard or withdraw for the Subkoord: no task
    assert demo_portal["revision"] not in subkoord
    assert subkoord["produksi-padi-per-kecamatan"] == ["assign"]


@pytest.mark.parametrize("state, actor, assignee, expected", [
    (d.TERBIT, Actor("k", frozenset({"kabid"})), None, []),
    (d.PENYUSUNAN, Actor("k", frozenset({"kabid"})), "s", []),      # withdraw only
    (d.PENYUSUNAN, Actor("sk", frozenset({"subkoord"})), "s", []),  # discard/withdraw only
    (d.PENYUSUNAN, Actor("s", frozenset({"staf"})), "s", ["submit"]),
    (d.DIKEMBALIKAN, Actor("s2", frozenset({"staf"})), "s", []),
    (d.DISETUJUI_KABID, Actor("s2", frozenset({"staf"})), "s", []),  # not the assignee
    (d.DISETUJUI_KABID, Actor("s2", frozenset({"staf"})), None, ["publish"]),
])
def test_waiting_on_is_the_steps_own_work(state, actor, assignee, expected):
    approvals = (("subkoord", "a", "h"), ("kabid", "b", "h"))
    item = d.Item(state=state, assignee_id=assignee, published=True, content_hash="h",
                  approvals=approvals, classification="terbuka", revision_by="opd")
    assert d.waiting_on(item, actor) == expected


def _lands_on(app, name, password):
    """Where the login form sends the person, through CKAN's own redirects
    (/user/login -> user.me -> the route after login)."""
    app.client = app.test_client()   # a browser of its own: no one logged in yet
    response = app.post("/user/login", data={"login": name, "password": password},
                        follow_redirects=False)
    seen = []
    while response.status_code == 302 and len(seen) < 4:
        seen.append(response.headers["Location"].split("?")[0])
        if not seen[-1].endswith(("/user/logged_in", "/user/me", "/dashboard/masuk")):
            break
        response = app.get(seen[-1], follow_redirects=False)
    return seen[-1] if seen else None


def test_staff_land_on_their_work_list_after_login(app, demo_portal):
    for who in ("kabid", "staf", "subkoord", "opd-dinkes"):
        assert _lands_on(app, who, demo_portal["password"]).endswith("/dashboard/"), who
    # a citizen lands on their requests (issue 23), not an empty "Dataset Saya"
    citizen = demo_portal["citizen"]   # password "Warga-Banyuwangi-2026"
    assert _lands_on(app, citizen["name"], "Warga-Banyuwangi-2026").endswith(
        "/permintaan-data/saya")


@pytest.mark.usefixtures("satudata_db")   # writes: transitions
def test_return_note_shows_on_the_work_list_and_in_the_panel(app, demo_portal):
    token = factories.APIToken(user="staf")["token"]
    auth = {"Authorization": token}
    body = app.get("/dashboard/", headers=auth).body
    reviews = body[body.index("satudata-dashboard-reviews"):].split("</ul>")[0]
    item = reviews[reviews.index(BENCANA):].split("</li>")[0]
    assert "satudata-return-note" in item and "definisi operasional" in item
    page = app.get("/dataset/%s" % BENCANA, headers=auth).body
    panel = page[page.index('id="alur-diseminasi"'):]
    assert "satudata-return-note" in panel.split("<details")[0]
    assert demo.RETURN_NOTE.split(" (")[0] in panel.split("<details")[0]
    # the note stays while the dataset is revised, and goes when it is resubmitted
    staf = {"name": "staf"}
    helpers.call_action("satudata_dataset_transition", context=as_user(staf),
                        id=BENCANA, transition="resume")
    shown = helpers.call_action("satudata_dataset_workflow_show", id=BENCANA)
    assert shown["return_note"]["comment"] == demo.RETURN_NOTE
    helpers.call_action("satudata_dataset_transition", context=as_user(staf),
                        id=BENCANA, transition="submit")
    assert helpers.call_action("satudata_dataset_workflow_show",
                               id=BENCANA)["return_note"] is None

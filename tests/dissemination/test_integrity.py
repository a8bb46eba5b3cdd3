"""Integrity of the live version (issue 9): the published dataset changes only
inside `publish` — metadata, resources, tags and the bytes of its files — and
nobody signs off content they wrote. Real uploads on disk, real HTTP."""
import hashlib
import io

import pytest
from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.helpers import as_user, site_context, transition, walk
from ckanext.satudata.dissemination import revision_files

pytestmark = pytest.mark.usefixtures("satudata_db")

V1 = b"kecamatan,jiwa\nGlagah,100\n"        # sample data
V2 = b"kecamatan,jiwa\nGlagah,999999\n"     # the tampered file
V3 = b"kecamatan,jiwa\nGlagah,101\nKabat,55\n"


def sha(data):
    return hashlib.sha256(data).hexdigest()


def upload(data, name="penduduk.csv"):
    return FileStorage(io.BytesIO(data), filename=name)


@pytest.fixture
def people(walidata):
    dinkes = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    dispendik = factories.Organization(name="dispendik", title="Dinas Pendidikan")
    opd, other = factories.User(name="opd-dinkes"), factories.User(name="opd-dispendik")
    member = factories.User(name="anggota-dinkes")
    for org, user, role in ((dinkes, opd, "editor"), (dispendik, other, "editor"),
                            (dinkes, member, "member")):
        helpers.call_action("organization_member_create", context=site_context(),
                            id=org["id"], username=user["name"], role=role)
    return dict(walidata, opd=opd, other_opd=other, member=member,
                stranger=factories.User(name="warga"), dinkes=dinkes)


def new_dataset(people, author="opd", name="penduduk-kecamatan", **extra):
    return helpers.call_action(
        "package_create", context=as_user(people[author]), name=name,
        title="Jumlah Penduduk", notes="Data contoh (sample data).",
        owner_org=people["dinkes"]["id"], topic="pemerintahan_umum",
        update_frequency="tahunan", period_start="2025", presentation_level="kecamatan",
        unit="jiwa", classification="terbuka", tag_string="penduduk", **extra)


@pytest.fixture
def published(people):
    """A published dataset whose one resource is an uploaded CSV (V1)."""
    dataset = new_dataset(people)
    helpers.call_action("resource_create", context=as_user(people["opd"]),
                        package_id=dataset["id"], name="Data", format="CSV",
                        upload=upload(V1))
    walk(dataset["id"], people)
    return helpers.call_action("package_show", context=as_user(None), id=dataset["id"])


def public_bytes(app, dataset_id):
    """What an anonymous visitor downloads, per resource name."""
    shown = helpers.call_action("package_show", context=as_user(None), id=dataset_id)
    files = {}
    for res in shown["resources"]:
        resp = app.get("/dataset/%s/resource/%s/download" % (dataset_id, res["id"]))
        assert resp.status_code == 200, res
        files[res["name"]] = resp.data
    return files


def workflow(dataset_id):
    return helpers.call_action("satudata_dataset_workflow_show",
                               context={"ignore_auth": True}, id=dataset_id)


def sign_off_and_publish(people, dataset_id):
    for name, role in (("submit", "staf"), ("approve", "subkoord"), ("approve", "kabid"),
                       ("publish", "staf")):
        transition(people[role], dataset_id, name)


class TestFileBytes:
    def test_replaced_file_stays_held_until_publish(self, app, people, published):
        dataset_id, res = published["id"], published["resources"][0]
        assert sha(public_bytes(app, dataset_id)["Data"]) == sha(V1)

        # the OPD editor replaces the file of the live dataset
        helpers.call_action("resource_update", context=as_user(people["opd"]),
                            id=res["id"], name="Data", format="CSV", upload=upload(V2))
        assert sha(public_bytes(app, dataset_id)["Data"]) == sha(V1)
        held = revision_files.held_file(dataset_id, res["id"])
        assert held and sha(open(held, "rb").read()) == sha(V2)
        assert workflow(dataset_id)["pending_revision"] is not None

        # sending the live fields back withdraws the revision and its file
        live = helpers.call_action("package_show", context=as_user(people["opd"]),
                                   id=dataset_id)
        helpers.call_action("package_update", context=as_user(people["opd"]), **live)
        assert workflow(dataset_id)["pending_revision"] is None
        assert revision_files.held_file(dataset_id, res["id"]) is None
        assert sha(public_bytes(app, dataset_id)["Data"]) == sha(V1)

        # a new replacement goes through the chain, and only publish swaps the bytes
        helpers.call_action("resource_patch", context=as_user(people["opd"]),
                            id=res["id"], upload=upload(V3))
        for name, role in (("submit", "staf"), ("approve", "subkoord"), ("approve", "kabid")):
            transition(people[role], dataset_id, name)
            assert sha(public_bytes(app, dataset_id)["Data"]) == sha(V1)
        transition(people["staf"], dataset_id, "publish")
        assert sha(public_bytes(app, dataset_id)["Data"]) == sha(V3)
        assert revision_files.held_file(dataset_id, res["id"]) is None

    @pytest.mark.parametrize("action", ["resource_create", "package_update"])
    def test_new_uploads_on_a_live_dataset_wait(self, app, people, published, action):
        dataset_id = published["id"]
        context = as_user(people["opd"])
        if action == "resource_create":
            helpers.call_action("resource_create", context=context, package_id=dataset_id,
                                name="Baru", format="CSV", upload=upload(V2, "baru.csv"))
        else:
            live = helpers.call_action("package_show", context=context, id=dataset_id)
            live["resources"][0]["upload"] = upload(V2)
            helpers.call_action("package_update", context=context, **live)
        assert public_bytes(app, dataset_id) == {"Data": V1}
        sign_off_and_publish(people, dataset_id)
        expected = {"Data": V1, "Baru": V2} if action == "resource_create" else {"Data": V2}
        assert public_bytes(app, dataset_id) == expected

    def test_clearing_an_upload_keeps_the_live_file(self, app, people, published):
        res = published["resources"][0]
        helpers.call_action("resource_update", context=as_user(people["opd"]), id=res["id"],
                            name="Data", url="http://example.com/data.csv", clear_upload="true")
        assert public_bytes(app, published["id"]) == {"Data": V1}

    def test_upload_through_the_resource_form(self, app, people, published):
        """The web form, as an OPD editor uses it (real multipart POST)."""
        res = published["resources"][0]
        user = model.User.get(people["opd"]["name"])
        resp = app.post(
            "/dataset/%s/resource/%s/edit" % (published["name"], res["id"]),
            data={"name": "Data", "format": "CSV", "url": "",
                  "upload": (io.BytesIO(V2), "penduduk.csv"), "save": ""},
            headers={"Authorization": factories.APIToken(user=user.name)["token"]},
            content_type="multipart/form-data", follow_redirects=False)
        assert resp.status_code in (200, 302), resp.body[:500]
        assert workflow(published["id"])["pending_revision"] is not None
        assert public_bytes(app, published["id"]) == {"Data": V1}

    def test_reviewers_download_the_held_file(self, app, people, published):
        res = published["resources"][0]
        helpers.call_action("resource_update", context=as_user(people["opd"]),
                            id=res["id"], name="Data", format="CSV", upload=upload(V2))
        url = "/dataset/%s/revisi/resource/%s/download" % (published["name"], res["id"])
        for who in ("subkoord", "kabid", "opd"):
            token = factories.APIToken(user=people[who]["name"])["token"]
            resp = app.get(url, headers={"Authorization": token})
            assert resp.status_code == 200 and resp.data == V2, who
        for who in (None, "stranger", "other_opd"):
            headers = {} if who is None else {
                "Authorization": factories.APIToken(user=people[who]["name"])["token"]}
            assert app.get(url, headers=headers).status_code == 404, who


class TestAuthorNeverSignsOff:
    def test_creator_is_a_preparer(self, people):
        dataset = new_dataset(people, author="kabid")
        walk(dataset["id"], people, until="disetujui_subkoord")
        with pytest.raises(tk.NotAuthorized, match="prepared"):
            transition(people["kabid"], dataset["id"], "approve")

    @pytest.mark.parametrize("write", ["package_patch", "resource_create", "package_revise"])
    def test_edit_in_konsep_makes_a_preparer(self, people, write):
        dataset = new_dataset(people)
        context = as_user(people["subkoord"])
        if write == "package_patch":
            helpers.call_action("package_patch", context=context, id=dataset["id"],
                                notes="Konsep oleh Subkoord. Data contoh (sample data).")
        elif write == "resource_create":
            helpers.call_action("resource_create", context=context, package_id=dataset["id"],
                                name="Konsep", url="http://example.com/k.csv")
        else:
            helpers.call_action("package_revise", context=context,
                                match={"id": dataset["id"]}, update={"unit": "orang"})
        walk(dataset["id"], people, until="diajukan")
        with pytest.raises(tk.NotAuthorized, match="prepared"):
            transition(people["subkoord"], dataset["id"], "approve")

    def test_revision_author_on_a_live_dataset(self, people, published):
        helpers.call_action("resource_update", context=as_user(people["subkoord"]),
                            id=published["resources"][0]["id"], name="Data",
                            upload=upload(V2))
        transition(people["staf"], published["id"], "submit")
        with pytest.raises(tk.NotAuthorized, match="prepared"):
            transition(people["subkoord"], published["id"], "approve")


class TestWithdrawAndDelete:
    def test_withdraw_takes_it_offline_with_a_reason(self, app, people, published):
        dataset_id = published["id"]
        helpers.call_action("resource_update", context=as_user(people["opd"]),
                            id=published["resources"][0]["id"], name="Data", upload=upload(V2))
        with pytest.raises(tk.ValidationError, match="reason"):
            transition(people["subkoord"], dataset_id, "withdraw")
        for who in ("staf", "opd", "member", "other_opd", "stranger"):
            with pytest.raises(tk.NotAuthorized):
                transition(people[who], dataset_id, "withdraw", comment="x")
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("satudata_dataset_transition", context=as_user(None),
                                id=dataset_id, transition="withdraw", comment="x")
        shown = transition(people["kabid"], dataset_id, "withdraw",
                           comment="Angka dikoreksi BPS")
        assert shown["state"] == "konsep" and shown["published"] is False
        assert shown["pending_revision"] is None
        assert revision_files.held_file(dataset_id, published["resources"][0]["id"]) is None
        assert app.get("/dataset/%s" % dataset_id).status_code == 404
        with pytest.raises((tk.NotAuthorized, tk.ObjectNotFound)):
            helpers.call_action("package_show", context=as_user(None), id=dataset_id)
        log = helpers.call_action("satudata_dataset_history", context={"ignore_auth": True},
                                  id=dataset_id)
        assert log[-1]["transition"] == "withdraw"
        assert log[-1]["comment"] == "Angka dikoreksi BPS"

    @pytest.mark.parametrize("who", ["opd", "staf", "subkoord", "kabid", "member",
                                     "other_opd", "stranger"])
    def test_published_dataset_is_not_deleted_below_sysadmin(self, app, people, published,
                                                              who):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("package_delete", context=as_user(people[who]),
                                id=published["id"])
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("bulk_update_delete", context=as_user(people[who]),
                                datasets=[published["id"]], org_id=people["dinkes"]["id"])
        assert helpers.call_action("package_show", context=as_user(None),
                                   id=published["id"])["state"] == "active"

    def test_sysadmin_delete_is_logged(self, people, published):
        helpers.call_action("package_delete", context=site_context(), id=published["id"])
        log = helpers.call_action("satudata_dataset_history", context={"ignore_auth": True},
                                  id=published["id"])
        assert log[-1]["transition"] == "delete"

    def test_unpublished_dataset_delete_by_its_opd_is_logged(self, people):
        dataset = new_dataset(people)
        helpers.call_action("package_delete", context=as_user(people["opd"]), id=dataset["id"])
        log = helpers.call_action("satudata_dataset_history", context={"ignore_auth": True},
                                  id=dataset["id"])
        assert [e["transition"] for e in log] == ["create", "delete"]
        assert log[-1]["actor"] == "opd-dinkes"


def test_owner_org_of_a_published_dataset_moves_only_through_review(people, published):
    dispendik = model.Group.get("dispendik")
    helpers.call_action("organization_member_create", context=site_context(),
                        id="dispendik", username="opd-dinkes", role="editor")
    for who in ("opd", "staf", "kabid", "other_opd", "stranger"):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("package_owner_org_update", context=as_user(people[who]),
                                id=published["id"], organization_id=dispendik.id)
    assert helpers.call_action("package_show", context=as_user(None),
                               id=published["id"])["owner_org"] == people["dinkes"]["id"]
    # as a revision it waits for both sign-offs
    helpers.call_action("package_patch", context=as_user(people["opd"]), id=published["id"],
                        owner_org=dispendik.id)
    assert helpers.call_action("package_show", context=as_user(None),
                               id=published["id"])["owner_org"] == people["dinkes"]["id"]
    sign_off_and_publish(people, published["id"])
    assert helpers.call_action("package_show", context=as_user(None),
                               id=published["id"])["owner_org"] == dispendik.id


class TestRelationships:
    def test_relationships_do_not_break_the_chain_or_the_index(self, people, published, cli):
        other = new_dataset(people, name="penduduk-desa")
        for who in ("opd", "staf", "stranger"):
            with pytest.raises(tk.NotAuthorized):
                helpers.call_action("package_relationship_create", context=as_user(people[who]),
                                    subject=other["id"], object=published["id"],
                                    type="child_of")
        # a sysadmin still may; the chain and the index keep working
        helpers.call_action("package_relationship_create", context=site_context(),
                            subject=other["id"], object=published["id"], type="child_of")
        walk(other["id"], people)
        helpers.call_action("package_patch", context=as_user(people["opd"]),
                            id=published["id"], title="Jumlah Penduduk (revisi)")
        sign_off_and_publish(people, published["id"])
        assert helpers.call_action("package_show", context=as_user(None),
                                   id=published["id"])["title"] == "Jumlah Penduduk (revisi)"
        from ckan.cli.cli import ckan
        result = cli.invoke(ckan, ["search-index", "rebuild"])
        assert result.exit_code == 0, result.output


def test_upload_url_is_content_by_its_file_name_only():
    """A sign-off survives the page's language prefix and a new ckan.site_url:
    package_show makes an upload's URL absolute with both."""
    from ckanext.satudata.dissemination.service import content_hash
    def dataset(url):
        return {"title": "x", "resources": [{"id": "r1", "url_type": "upload", "url": url}]}
    same = [content_hash(dataset(u)) for u in (
        "http://test.ckan.net/dataset/d/resource/r1/download/data.csv",
        "http://test.ckan.net/en/dataset/d/resource/r1/download/data.csv",
        "https://satudata.banyuwangikab.go.id/dataset/d/resource/r1/download/data.csv")]
    assert len(set(same)) == 1
    assert content_hash(dataset("http://test.ckan.net/dataset/d/resource/r1/download/lain.csv")) \
        != same[0]
    linked = {"title": "x", "resources": [{"id": "r1", "url": "http://example.org/a.csv"}]}
    assert content_hash(linked) != content_hash(
        {"title": "x", "resources": [{"id": "r1", "url": "http://example.org/b/a.csv"}]})


WITH_IMAGE_VIEW = "satudata satudata_search satudata_theme activity scheming_datasets scheming_organizations dcat structured_data image_view"


@pytest.mark.ckan_config("ckan.plugins", WITH_IMAGE_VIEW)
@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("who", ["opd", "staf", "subkoord", "kabid", "member", "other_opd",
                                 "stranger"])
def test_views_of_a_published_dataset_change_only_by_sysadmin(people, published, who):
    """A view (an image URL, a chart) is part of what the public sees."""
    res_id = published["resources"][0]["id"]
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("resource_view_create", context=as_user(people[who]),
                            resource_id=res_id, view_type="image_view", title="Tempelan",
                            image_url="http://attacker.example/fake.png")
    # a sysadmin's view exists: nobody else may change or drop it
    helpers.call_action("resource_view_create", context=site_context(), resource_id=res_id,
                        view_type="image_view", title="Resmi",
                        image_url="http://example.com/resmi.png")
    views = helpers.call_action("resource_view_list", context=as_user(None), id=res_id)
    assert views
    for view in views:
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("resource_view_update", context=as_user(people[who]),
                                id=view["id"], resource_id=res_id, title="Diubah",
                                view_type=view["view_type"])
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("resource_view_delete", context=as_user(people[who]),
                                id=view["id"])
    assert helpers.call_action("resource_view_list", context=as_user(None),
                               id=res_id) == views


@pytest.mark.ckan_config("ckan.plugins", WITH_IMAGE_VIEW)
@pytest.mark.usefixtures("with_plugins")
def test_views_of_an_unpublished_dataset_stay_with_its_editors(people):
    dataset = new_dataset(people, name="belum-terbit")
    res = helpers.call_action("resource_create", context=as_user(people["opd"]),
                              package_id=dataset["id"], name="Data", format="CSV",
                              upload=upload(V1))
    view = helpers.call_action("resource_view_create", context=as_user(people["opd"]),
                               resource_id=res["id"], view_type="image_view", title="Gambar",
                               image_url="http://example.com/i.png")
    assert view["title"] == "Gambar"

"""Workflow 1, Diseminasi Data Sektoral, through CKAN's real stack: the chain,
visibility until `terbit` on every path, no bypass, concurrency, content
hashes, revisions of live datasets and the append-only log."""
import logging
import threading

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.helpers import SdiDataset, as_user, site_context, transition, walk

pytestmark = pytest.mark.usefixtures("satudata_db")

NOT_PUBLISHED = ["konsep", "penyusunan", "diajukan", "disetujui_subkoord",
                 "disetujui_kabid", "dikembalikan"]


SYSTEM = "system"  # ignore_auth; None is the anonymous visitor


def workflow(dataset, user=SYSTEM):
    context = {"ignore_auth": True} if user == SYSTEM else as_user(user)
    return helpers.call_action("satudata_dataset_workflow_show", context=context, id=dataset)


def history(dataset, user=SYSTEM):
    context = {"ignore_auth": True} if user == SYSTEM else as_user(user)
    return helpers.call_action("satudata_dataset_history", context=context, id=dataset)


def bring_to(dataset, team, state):
    if state == "konsep":
        return
    if state == "dikembalikan":
        walk(dataset, team, until="diajukan")
        transition(team["subkoord"], dataset, "return", comment="lengkapi narasi")
    else:
        walk(dataset, team, until=state)
    assert workflow(dataset)["state"] == state


@pytest.fixture
def people(walidata):
    """The Walidata team, the owning OPD (Dinkes), another OPD and a stranger."""
    dinkes = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    dispendik = factories.Organization(name="dispendik", title="Dinas Pendidikan")
    opd_dinkes = factories.User(name="opd-dinkes")
    opd_dispendik = factories.User(name="opd-dispendik")
    for org, user in ((dinkes, opd_dinkes), (dispendik, opd_dispendik)):
        helpers.call_action("organization_member_create", context=site_context(),
                            id=org["id"], username=user["name"], role="editor")
    return dict(walidata, opd=opd_dinkes, other_opd=opd_dispendik,
                stranger=factories.User(name="warga"), dinkes=dinkes, dispendik=dispendik)


@pytest.fixture
def dataset(people):
    """A dataset created by the owning OPD, with one resource."""
    return helpers.call_action(
        "package_create", context=as_user(people["opd"]), name="angka-kematian-ibu",
        title="Angka Kematian Ibu", notes="Data contoh (sample data).",
        owner_org=people["dinkes"]["id"], topic="perlindungan_sosial_kesehatan",
        update_frequency="tahunan", period_start="2025", presentation_level="kecamatan",
        unit="per 100.000 kelahiran hidup", classification="terbuka",
        tag_string="kesehatan,ibu",
        resources=[{"url": "http://example.com/aki.csv", "name": "AKI", "format": "CSV"}])


class TestChain:
    def test_konsep_to_terbit_through_the_api(self, people, dataset):
        assert dataset["private"] is True
        shown = workflow(dataset["id"], people["subkoord"])
        assert shown["state"] == "konsep"
        assert shown["allowed_transitions"] == ["assign"]
        assert shown["sla"]["standard_minutes"] == 120
        assert shown["sla"]["entered_at"].endswith("+07:00")

        result = walk(dataset["id"], people)
        assert result["state"] == "terbit" and result["published"] is True
        assert helpers.call_action("package_show", context=as_user(None),
                                   id=dataset["id"])["private"] is False
        log = history(dataset["id"], people["kabid"])
        assert [(e["transition"], e["from_state"], e["to_state"]) for e in log] == [
            ("create", None, "konsep"), ("assign", "konsep", "penyusunan"),
            ("submit", "penyusunan", "diajukan"),
            ("approve", "diajukan", "disetujui_subkoord"),
            ("approve", "disetujui_subkoord", "disetujui_kabid"),
            ("publish", "disetujui_kabid", "terbit")]
        assert [e["actor"] for e in log][1:] == ["subkoord-walidata", "staf-walidata",
                                                 "subkoord-walidata", "kabid-walidata",
                                                 "staf-walidata"]
        assert all(e["at"].endswith("+07:00") and e["content_hash"] for e in log)

    def test_return_requires_comment_and_goes_back_to_penyusunan(self, people, dataset):
        bring_to(dataset["id"], people, "diajukan")
        with pytest.raises(tk.ValidationError, match="comment"):
            transition(people["subkoord"], dataset["id"], "return")
        transition(people["subkoord"], dataset["id"], "return", comment="Narasi kurang")
        assert workflow(dataset["id"])["state"] == "dikembalikan"
        transition(people["staf"], dataset["id"], "resume")
        assert workflow(dataset["id"])["state"] == "penyusunan"
        assert history(dataset["id"])[-2]["comment"] == "Narasi kurang"

    @pytest.mark.parametrize("who", ["opd", "other_opd", "stranger", "staf", "kabid", None])
    def test_wrong_people_cannot_approve(self, people, dataset, who):
        bring_to(dataset["id"], people, "diajukan")
        with pytest.raises(tk.NotAuthorized):
            transition(people.get(who), dataset["id"], "approve")
        assert workflow(dataset["id"])["state"] == "diajukan"

    def test_assignee_must_be_staf(self, people, dataset):
        with pytest.raises(tk.ValidationError, match="staf role"):
            transition(people["subkoord"], dataset["id"], "assign",
                       assignee=people["kabid"]["name"])

    def test_expected_state_guards_stale_pages(self, people, dataset):
        bring_to(dataset["id"], people, "diajukan")
        with pytest.raises(tk.ValidationError, match="reload"):
            transition(people["subkoord"], dataset["id"], "approve", expected_state="konsep")
        assert workflow(dataset["id"])["state"] == "diajukan"
        transition(people["subkoord"], dataset["id"], "approve", expected_state="diajukan")

    def test_bad_input_is_a_validation_error(self, people, dataset):
        for bad in ({"transition": "teleport"}, {"transition": "assign", "assignee": "nobody"},
                    {"transition": "approve", "expected_state": "limbo"}):
            with pytest.raises(tk.ValidationError):
                helpers.call_action("satudata_dataset_transition",
                                    context=as_user(people["subkoord"]), id=dataset["id"], **bad)
        with pytest.raises(tk.ObjectNotFound):
            transition(people["subkoord"], "no-such-dataset", "assign")

    def test_holding_both_review_roles_does_not_allow_two_sign_offs(self, people, dataset):
        from ckanext.satudata.workflow import roles
        roles.grant(people["subkoord"]["id"], "kabid", None)
        model.repo.commit()
        bring_to(dataset["id"], people, "disetujui_subkoord")
        with pytest.raises(tk.NotAuthorized, match="twice"):
            transition(people["subkoord"], dataset["id"], "approve")

    def test_preparer_never_approves(self, people, dataset):
        from ckanext.satudata.workflow import roles
        roles.grant(people["staf"]["id"], "subkoord", None)
        model.repo.commit()
        bring_to(dataset["id"], people, "diajukan")
        with pytest.raises(tk.NotAuthorized, match="prepared"):
            transition(people["staf"], dataset["id"], "approve")

    def test_sysadmin_is_no_exception(self, people, dataset):
        sysadmin = factories.Sysadmin()
        with pytest.raises(tk.NotAuthorized):
            transition(sysadmin, dataset["id"], "assign", assignee=people["staf"]["name"])

    @pytest.mark.ckan_config("ckanext.satudata.sysadmin_acts_as_any_role", "true")
    def test_sysadmin_may_act_when_configured(self, people, dataset):
        sysadmin = factories.Sysadmin()
        transition(sysadmin, dataset["id"], "assign", assignee=people["staf"]["name"])
        assert workflow(dataset["id"])["state"] == "penyusunan"

    @pytest.mark.parametrize("classification", ["terbatas", "tertutup"])
    def test_only_terbuka_is_published(self, people, dataset, classification):
        helpers.call_action("package_patch", context=as_user(people["opd"]),
                            id=dataset["id"], classification=classification)
        bring_to(dataset["id"], people, "disetujui_kabid")
        with pytest.raises(tk.ValidationError, match="Terbuka"):
            transition(people["staf"], dataset["id"], "publish")
        assert helpers.call_action("package_show", id=dataset["id"])["private"] is True

    def test_review_queue(self, people, dataset):
        queue = lambda who: [(i["name"], i["allowed_transitions"]) for i in helpers.call_action(  # noqa
            "satudata_review_queue", context=as_user(people[who]))]
        assert queue("subkoord") == [("angka-kematian-ibu", ["assign"])]
        assert queue("staf") == [] and queue("kabid") == [] and queue("opd") == []
        bring_to(dataset["id"], people, "disetujui_subkoord")
        assert queue("kabid") == [("angka-kematian-ibu", ["approve", "return"])]
        assert queue("subkoord") == []
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("satudata_review_queue", context=as_user(None))


class TestVisibilityUntilTerbit:
    """The leak matrix: outsiders see nothing until `terbit`, on every path."""

    def _outsiders(self, people):
        return {"anonymous": None, "stranger": people["stranger"],
                "other_opd": people["other_opd"]}

    def _insiders(self, people):
        return {"opd": people["opd"], "staf": people["staf"], "subkoord": people["subkoord"],
                "kabid": people["kabid"]}

    # what an insider must see; the rest of the matrix is asked of outsiders
    # only (an insider's page count or activity was never asserted)
    INSIDER_PATHS = ("package_show", "resource_show", "package_search", "dataset_page",
                     "resource_page", "workflow_show", "history")

    def _sees(self, app, user, dataset, paths=None):
        """What `user` can learn of the dataset through each path (``paths``:
        only those; None: every path of the matrix)."""
        seen = {}
        want = lambda *names: paths is None or any(n in paths for n in names)  # noqa: E731
        name, dataset_id = dataset["name"], dataset["id"]
        resource_id = dataset["resources"][0]["id"]
        context = lambda: as_user(user)  # noqa: E731
        call = lambda action, **kw: helpers.call_action(action, context=context(), **kw)  # noqa

        if want("package_show"):
            try:
                call("package_show", id=dataset_id)
                seen["package_show"] = True
            except (tk.NotAuthorized, tk.ObjectNotFound):
                seen["package_show"] = False
        if want("resource_show"):
            try:
                call("resource_show", id=resource_id)
                seen["resource_show"] = True
            except (tk.NotAuthorized, tk.ObjectNotFound):
                seen["resource_show"] = False
        if want("package_search", "search_facets"):
            search = call("package_search", q="kematian", include_private=True,
                          **{"facet.field": ["tags", "organization"]})
            seen["package_search"] = search["count"] > 0
            seen["search_facets"] = "ibu" in search["facets"]["tags"]
        if want("package_list"):
            seen["package_list"] = name in call("package_list")
        if want("current_package_list"):
            seen["current_package_list"] = name in [
                p["name"] for p in call("current_package_list_with_resources")]
        if want("organization_show"):
            org = call("organization_show", id="dinkes", include_datasets=True)
            seen["organization_show"] = org["package_count"] > 0 or bool(org.get("packages"))
        if want("organization_list_count"):
            orgs = call("organization_list", all_fields=True, include_dataset_count=True)
            seen["organization_list_count"] = {o["name"]: o["package_count"]
                                               for o in orgs}["dinkes"] > 0
        if want("package_activity"):
            try:
                activities = call("package_activity_list", id=dataset_id)
                seen["package_activity"] = len(activities) > 0
            except (tk.NotAuthorized, tk.ObjectNotFound):
                seen["package_activity"] = False
        if want("organization_activity"):
            org_activity = call("organization_activity_list", id="dinkes")
            seen["organization_activity"] = any(a.get("object_id") == dataset_id
                                                for a in org_activity)
        if want("user_activity"):
            creator_activity = call("user_activity_list", id="opd-dinkes")
            seen["user_activity"] = any(a.get("object_id") == dataset_id
                                        for a in creator_activity)
        headers = {}
        if user:
            headers["Authorization"] = factories.APIToken(user=user["name"])["token"]
            if want("dashboard_activity"):
                dashboard = call("dashboard_activity_list")
                seen["dashboard_activity"] = any(a.get("object_id") == dataset_id
                                                 for a in dashboard)
        if want("dataset_page"):
            seen["dataset_page"] = app.get("/dataset/%s" % name,
                                           headers=headers).status_code == 200
        if want("resource_page"):
            seen["resource_page"] = app.get("/dataset/%s/resource/%s" % (name, resource_id),
                                            headers=headers).status_code == 200
        if want("resource_download"):
            seen["resource_download"] = app.get(
                "/dataset/%s/resource/%s/download" % (name, resource_id),
                headers=headers, follow_redirects=False).status_code in (200, 302)
        if want("dataset_search_page"):
            seen["dataset_search_page"] = "Angka Kematian Ibu" in app.get(
                "/dataset/", query_string={"q": "kematian"}, headers=headers).body
        if want("organization_page"):
            seen["organization_page"] = "Angka Kematian Ibu" in app.get(
                "/organization/dinkes", headers=headers).body
        if want("dcat_catalog"):
            catalog = app.get("/catalog.ttl", headers=headers).body
            seen["dcat_catalog"] = dataset_id in catalog or "Angka Kematian Ibu" in catalog
        if want("dcat_dataset"):
            seen["dcat_dataset"] = app.get("/dataset/%s.rdf" % name,
                                           headers=headers).status_code == 200
        if want("workflow_show"):
            seen["workflow_show"] = self._can("satudata_dataset_workflow_show", user, dataset_id)
        if want("history"):
            seen["history"] = self._can("satudata_dataset_history", user, dataset_id)
        return seen

    def _can(self, action, user, dataset_id):
        try:
            helpers.call_action(action, context=as_user(user), id=dataset_id)
            return True
        except (tk.NotAuthorized, tk.ObjectNotFound):
            return False

    @pytest.mark.parametrize("state", NOT_PUBLISHED)
    def test_not_published_is_invisible_to_outsiders(self, app, people, dataset, state):
        bring_to(dataset["id"], people, state)
        for who, user in self._outsiders(people).items():
            seen = self._sees(app, user, dataset)
            leaks = {path for path, visible in seen.items() if visible}
            assert not leaks, "%s sees a %s dataset through %s" % (who, state, sorted(leaks))
        for who, user in self._insiders(people).items():
            seen = self._sees(app, user, dataset, paths=self.INSIDER_PATHS)
            for path in self.INSIDER_PATHS:
                assert seen[path], "%s cannot see its %s dataset via %s" % (who, state, path)

    def test_after_terbit_everyone_sees_it(self, app, people, dataset):
        walk(dataset["id"], people)
        seen_by = {}
        for who, user in dict(self._outsiders(people), **self._insiders(people)).items():
            seen = seen_by[who] = self._sees(app, user, dataset)
            public_paths = {p: v for p, v in seen.items()
                            if p not in ("workflow_show", "history")}
            hidden = {p for p, v in public_paths.items() if not v}
            # activity from before publication stays with the team; the
            # publication itself is what the public sees from now on
            hidden -= {"package_activity", "organization_activity", "user_activity",
                       "dashboard_activity"}
            assert not hidden, "%s cannot see the published dataset via %s" % (who, hidden)
        # the workflow itself stays internal (read in the loop above: nothing
        # changed since, so asking again would only repeat every request)
        assert not seen_by["anonymous"]["workflow_show"]
        assert not seen_by["other_opd"]["history"]


class TestNoBypass:
    def test_create_cannot_publish(self, people, caplog, monkeypatch):
        # alembic's fileConfig in migrate_db_for disables loggers made before it
        monkeypatch.setattr(logging.getLogger("ckanext.satudata.dissemination.actions"),
                            "disabled", False)
        with caplog.at_level(logging.WARNING):
            created = SdiDataset(name="langsung-terbit", owner_org=people["dinkes"]["id"],
                                 private=False, satudata_state="terbit")
        assert created["private"] is True
        assert workflow(created["id"])["state"] == "konsep"
        assert "workflow-controlled keys" in caplog.text

    @pytest.mark.parametrize("action, extra", [
        ("package_update", {}), ("package_patch", {}),
    ])
    def test_update_and_patch_cannot_publish(self, people, dataset, action, extra):
        bring_to(dataset["id"], people, "disetujui_kabid")
        data = helpers.call_action("package_show", id=dataset["id"]) \
            if action == "package_update" else {"id": dataset["id"]}
        data.update(private=False, satudata_state="terbit",
                    extras=[{"key": "satudata_state", "value": "terbit"}])
        helpers.call_action(action, context=as_user(people["opd"]), **data)
        assert helpers.call_action("package_show", id=dataset["id"])["private"] is True
        assert workflow(dataset["id"])["state"] == "disetujui_kabid"
        assert "satudata_state" not in {e["key"] for e in helpers.call_action(
            "package_show", id=dataset["id"]).get("extras", [])}

    def test_revise_cannot_publish(self, people, dataset):
        helpers.call_action("package_revise", context=as_user(people["opd"]),
                            match={"id": dataset["id"]}, update={"private": False})
        assert helpers.call_action("package_show", id=dataset["id"])["private"] is True

    def test_bulk_update_public_cannot_publish(self, people, dataset):
        helpers.call_action("bulk_update_public", context=site_context(),
                            datasets=[dataset["id"]], org_id=people["dinkes"]["id"])
        assert helpers.call_action("package_show", id=dataset["id"])["private"] is True
        assert workflow(dataset["id"])["state"] == "konsep"

    def test_bulk_update_private_cannot_unpublish_silently(self, people, dataset):
        walk(dataset["id"], people)
        helpers.call_action("bulk_update_private", context=site_context(),
                            datasets=[dataset["id"]], org_id=people["dinkes"]["id"])
        assert helpers.call_action("package_show", id=dataset["id"])["private"] is False
        assert workflow(dataset["id"])["state"] == "terbit"

    def test_owner_org_update_does_not_publish(self, people, dataset):
        helpers.call_action("package_owner_org_update", context=site_context(),
                            id=dataset["id"], organization_id=people["dispendik"]["id"])
        assert helpers.call_action("package_show", id=dataset["id"])["private"] is True

    def test_publish_refused_when_content_changed_after_sign_off(self, people, dataset):
        bring_to(dataset["id"], people, "disetujui_kabid")
        # a change that bypasses package_update (e.g. a direct DB edit)
        pkg = model.Package.get(dataset["id"])
        pkg.notes = "diubah diam-diam"
        model.repo.commit()
        with pytest.raises(tk.ValidationError, match="approval of this content"):
            transition(people["staf"], dataset["id"], "publish")
        assert helpers.call_action("package_show", id=dataset["id"])["private"] is True


class TestContentHash:
    def test_change_after_approval_voids_it(self, people, dataset):
        bring_to(dataset["id"], people, "disetujui_subkoord")
        before = workflow(dataset["id"])
        assert [a["level"] for a in before["approvals"]] == ["subkoord"]
        helpers.call_action("package_patch", context=as_user(people["opd"]),
                            id=dataset["id"], unit="per 1.000 kelahiran hidup")
        after = workflow(dataset["id"])
        assert after["state"] == "penyusunan" and after["approvals"] == []
        assert after["content_hash"] != before["content_hash"]
        assert history(dataset["id"])[-1]["transition"] == "void"

    def test_resource_change_voids_too(self, people, dataset):
        bring_to(dataset["id"], people, "diajukan")
        helpers.call_action("resource_create", context=as_user(people["staf"]),
                            package_id=dataset["id"], url="http://example.com/2.csv",
                            name="Tambahan")
        assert workflow(dataset["id"])["state"] == "penyusunan"

    def test_editor_becomes_a_preparer(self, people, dataset):
        bring_to(dataset["id"], people, "diajukan")
        helpers.call_action("package_patch", context=as_user(people["subkoord"]),
                            id=dataset["id"], notes="dikoreksi langsung oleh subkoord")
        transition(people["staf"], dataset["id"], "submit")
        with pytest.raises(tk.NotAuthorized, match="prepared"):
            transition(people["subkoord"], dataset["id"], "approve")

    def test_no_op_save_keeps_approvals(self, people, dataset):
        bring_to(dataset["id"], people, "disetujui_subkoord")
        current = helpers.call_action("package_show", id=dataset["id"])
        helpers.call_action("package_update", context=as_user(people["opd"]), **current)
        assert workflow(dataset["id"])["state"] == "disetujui_subkoord"


class TestRevisionWhileLive:
    def test_published_version_stays_until_revision_is_published(self, app, people, dataset):
        walk(dataset["id"], people)
        helpers.call_action("package_patch", context=as_user(people["opd"]),
                            id=dataset["id"], title="Angka Kematian Ibu (revisi 2026)")
        public = helpers.call_action("package_show", context=as_user(None), id=dataset["id"])
        assert public["title"] == "Angka Kematian Ibu" and public["private"] is False
        assert "revisi" not in app.get("/dataset/angka-kematian-ibu").body
        assert helpers.call_action("package_search", context=as_user(None),
                                   q="revisi")["count"] == 0
        shown = workflow(dataset["id"], people["subkoord"])
        assert shown["state"] == "penyusunan" and shown["published"] is True
        assert {"field": "title", "live": "Angka Kematian Ibu",
                "revision": "Angka Kematian Ibu (revisi 2026)"} in \
            shown["pending_revision"]["diff"]

        # a second edit builds on the pending revision, not on the live version
        helpers.call_action("package_patch", context=as_user(people["opd"]),
                            id=dataset["id"], unit="per 100.000 KH")
        diff_fields = {c["field"] for c in workflow(dataset["id"])["pending_revision"]["diff"]}
        assert {"title", "unit"} <= diff_fields

        for name, role in (("submit", "staf"), ("approve", "subkoord"), ("approve", "kabid")):
            transition(people[role], dataset["id"], name)
            assert helpers.call_action("package_show", context=as_user(None),
                                       id=dataset["id"])["title"] == "Angka Kematian Ibu"
        transition(people["staf"], dataset["id"], "publish")
        live = helpers.call_action("package_show", context=as_user(None), id=dataset["id"])
        assert live["title"] == "Angka Kematian Ibu (revisi 2026)"
        assert live["unit"] == "per 100.000 KH" and live["private"] is False
        assert workflow(dataset["id"])["pending_revision"] is None
        assert helpers.call_action("package_search", context=as_user(None),
                                   q="revisi")["count"] == 1

    def test_new_resource_on_a_live_dataset_waits_for_review(self, people, dataset):
        walk(dataset["id"], people)
        created = helpers.call_action("resource_create", context=as_user(people["staf"]),
                                      package_id=dataset["id"], url="http://example.com/i.png",
                                      name="Infografis AKI", resource_type="infografis")
        assert created["name"] == "Infografis AKI"
        live = helpers.call_action("package_show", context=as_user(None), id=dataset["id"])
        assert [r["name"] for r in live["resources"]] == ["AKI"]
        for name, role in (("submit", "staf"), ("approve", "subkoord"), ("approve", "kabid"),
                           ("publish", "staf")):
            transition(people[role], dataset["id"], name)
        live = helpers.call_action("package_show", context=as_user(None), id=dataset["id"])
        assert [r["name"] for r in live["resources"]] == ["AKI", "Infografis AKI"]
        assert live["resources"][1]["id"] == created["id"]


class TestConcurrency:
    def test_simultaneous_approvals_make_one_transition(self, people, dataset):
        from ckanext.satudata.workflow import roles
        reviewers = [factories.User() for _ in range(6)]
        for reviewer in reviewers:
            roles.grant(reviewer["id"], "subkoord", None)
        model.repo.commit()
        bring_to(dataset["id"], people, "diajukan")
        dataset_id = dataset["id"]
        barrier = threading.Barrier(len(reviewers))
        outcomes = []

        def approve(reviewer):
            try:
                barrier.wait(timeout=10)
                # what a reviewer's page sends: the state it showed
                helpers.call_action("satudata_dataset_transition", context=as_user(reviewer),
                                    id=dataset_id, transition="approve",
                                    expected_state="diajukan")
                outcomes.append("ok")
            except tk.ValidationError:
                outcomes.append("refused")
            except Exception as e:  # anything else is a failure, made visible
                outcomes.append(repr(e))
            finally:
                model.Session.remove()

        threads = [threading.Thread(target=approve, args=(r,)) for r in reviewers]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(outcomes) == ["ok"] + ["refused"] * (len(reviewers) - 1)
        approvals = [e for e in history(dataset_id) if e["transition"] == "approve"]
        assert len(approvals) == 1
        assert workflow(dataset_id)["state"] == "disetujui_subkoord"
        assert len(workflow(dataset_id)["approvals"]) == 1


class TestAppendOnlyLog:
    def test_update_and_delete_refused_by_the_database(self, people, dataset):
        for statement in ("UPDATE satudata_dataset_transition_log SET comment = 'x'",
                          "DELETE FROM satudata_dataset_transition_log"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                model.Session.execute(sa.text(statement))
            model.Session.rollback()
        assert len(history(dataset["id"])) == 1

    def test_log_survives_delete_and_purge(self, people, dataset):
        walk(dataset["id"], people, until="diajukan")
        helpers.call_action("package_delete", context=site_context(), id=dataset["id"])
        helpers.call_action("dataset_purge", context=site_context(), id=dataset["id"])
        log = history(dataset["id"], people["kabid"])
        assert [e["transition"] for e in log] == ["create", "assign", "submit", "delete",
                                                  "purge"]
        # by name too, and still refused to outsiders; the owning OPD keeps access
        assert history("angka-kematian-ibu", people["staf"]) == log
        assert history(dataset["id"], people["opd"]) == log
        for outsider in (None, people["stranger"], people["other_opd"]):
            with pytest.raises(tk.ObjectNotFound):  # as for a dataset that never was
                history(dataset["id"], outsider)


def test_walidata_team_creates_datasets_for_any_opd(people):
    created = helpers.call_action(
        "package_create", context=as_user(people["staf"]), name="dibuat-staf",
        title="Dibuat Staf", notes="Data contoh (sample data).",
        owner_org=people["dispendik"]["id"], topic="pendidikan_tenaga_kerja",
        update_frequency="tahunan", period_start="2025", presentation_level="kecamatan",
        unit="sekolah", classification="terbuka")
    assert created["private"] is True and created["creator_user_id"] == people["staf"]["id"]
    with pytest.raises(tk.NotAuthorized):   # an outsider still cannot
        helpers.call_action("package_create", context=as_user(people["stranger"]),
                            name="dibuat-warga", title="x", notes="x",
                            owner_org=people["dispendik"]["id"])

"""The DataStore table of a published resource is part of the live version
(dissemination/live_data.py): what the loader keeps never makes a revision,
direct DataStore writes are refused below sysadmin, hidden tables answer as
missing ones, and no answer holds the loader's token."""
import datetime
import json
import re
import uuid

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.helpers import (SdiDataset, as_user, site_context, transition, walk,
                           with_the_preview)
from tests.theme.test_preview import RECORDS

pytestmark = with_the_preview()

JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")


@pytest.fixture
def portal(walidata):
    dinkes = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    dispendik = factories.Organization(name="dispendik", title="Dinas Pendidikan")
    people = dict(walidata, opd=factories.User(name="opd-dinkes"),
                  other_opd=factories.User(name="opd-dispendik"),
                  reader=factories.User(name="anggota-dinkes"),
                  stranger=factories.User(name="warga"), admin=factories.Sysadmin())
    for org, user, role in ((dinkes, "opd", "editor"), (dispendik, "other_opd", "editor"),
                            (dinkes, "reader", "member")):
        helpers.call_action("organization_member_create", context=site_context(),
                            id=org["id"], username=people[user]["name"], role=role)

    def dataset(name, published=True):
        ds = SdiDataset(name=name, owner_org=dinkes["id"],
                        resources=[{"url": "http://example.invalid/%s.csv" % name,
                                    "format": "CSV", "name": name}])
        if published:
            walk(ds["id"], people)
        res_id = ds["resources"][0]["id"]
        helpers.call_action("datastore_create", context=site_context(), resource_id=res_id,
                            force=True, fields=[{"id": "kecamatan", "type": "text"},
                                                {"id": "penduduk", "type": "int"}],
                            records=RECORDS)
        return ds, res_id
    return people, dataset


def flow(ds):
    return helpers.call_action("satudata_dataset_workflow_show", id=ds["id"])


def log_of(ds):
    return [e["transition"] for e in
            helpers.call_action("satudata_dataset_history", id=ds["id"])]


def anonymous_search(res_id):
    return helpers.call_action("datastore_search", context={"user": "", "ignore_auth": False},
                               resource_id=res_id)


# -- what the loader keeps is never a revision -----------------------------------

def loader_round(res_id, file_hash):
    """Every resource write one xloader load and the DataStore make, as they
    make them (ckanext-xloader 2.5, CKAN 2.12)."""
    from ckanext.datastore.logic.action import _patch_resource_last_modified
    from ckanext.xloader import jobs, utils
    # the job's metadata (xloader_submit) with the flags set_datastore_active adds
    utils.set_resource_metadata({
        "ignore_hash": True, "ckan_url": "http://127.0.0.1:5000", "resource_id": res_id,
        "set_url_type": False, "task_created": "2026-12-07 01:00:00",
        "original_url": "http://example.invalid/x.csv", "queue_name": "default",
        "datastore_active": True, "datastore_contains_all_records_of_source_file": True})
    jobs.update_resource({"id": res_id, "hash": file_hash}, patch_only=True)
    # the DataStore's settle job, 15 s after a write
    _patch_resource_last_modified(res_id, datetime.datetime.now(datetime.timezone.utc))


def test_loads_keep_a_published_dataset_published(portal):
    people, dataset = portal
    ds, res_id = dataset("jumlah-penduduk")
    before = log_of(ds)
    for n in range(3):
        loader_round(res_id, "sha1-of-load-%d" % n)
        now = flow(ds)
        assert now["state"] == "terbit" and not now.get("pending_revision"), now
    assert log_of(ds) == before
    live = helpers.call_action("resource_show", context={"user": "", "ignore_auth": False},
                               id=res_id)
    assert live["hash"] == "sha1-of-load-2" and live["datastore_active"] is True
    assert live["last_modified"]
    # the job's bookkeeping did not become resource fields
    assert not {"ckan_url", "original_url", "task_created", "queue_name"} & set(live)
    # the Kabid's work list does not fill with published datasets
    queue = helpers.call_action("satudata_review_queue", context=as_user(people["kabid"]))
    assert ds["id"] not in json.dumps(queue)
    # and the chain still holds for people: an editor's change is a revision
    helpers.call_action("resource_patch", context=as_user(people["opd"]), id=res_id,
                        description="diubah")
    assert flow(ds)["state"] == "penyusunan"


@pytest.mark.parametrize("who", ["opd", "staf", "admin_token_less"])
def test_a_person_cannot_write_loader_fields_onto_the_live_version(portal, who):
    """hash and last_modified are what harvesters compare: a person's patch of
    them takes the chain like any edit (or is refused), never the loader's shortcut."""
    people, dataset = portal
    ds, res_id = dataset("jumlah-penduduk")
    user = people["opd" if who == "admin_token_less" else who]
    try:
        helpers.call_action("resource_patch", context=as_user(user), id=res_id,
                            hash="palsu", datastore_active=False)
    except tk.NotAuthorized:
        pass
    live = helpers.call_action("resource_show", context={"user": "", "ignore_auth": False},
                               id=res_id)
    assert live["hash"] != "palsu" and live["datastore_active"] is True


def test_a_revision_published_later_reloads_and_stays_published(portal):
    people, dataset = portal
    ds, res_id = dataset("jumlah-penduduk")
    loader_round(res_id, "first")
    helpers.call_action("resource_patch", context=as_user(people["opd"]), id=res_id,
                        description="revisi")
    for name, role in (("submit", "staf"), ("approve", "subkoord"), ("approve", "kabid"),
                       ("publish", "staf")):
        transition(people[role], ds["id"], name)
    assert flow(ds)["state"] == "terbit"
    loader_round(res_id, "second")
    now = flow(ds)
    assert now["state"] == "terbit" and not now.get("pending_revision")
    # a later withdraw and re-walk signs off the live content as it is now
    transition(people["subkoord"], ds["id"], "withdraw", comment="periksa ulang")
    walk(ds["id"], people)
    assert flow(ds)["state"] == "terbit"


# -- direct DataStore writes -----------------------------------------------------

WRITES = {
    "datastore_upsert": dict(method="insert", records=[{"kecamatan": "Palsu", "penduduk": 1}]),
    "datastore_create": dict(records=[{"kecamatan": "Palsu", "penduduk": 1}]),
    "datastore_delete": dict(filters={"kecamatan": "Glagah"}),
    "datastore_records_delete": dict(filters={"kecamatan": "Glagah"}),
}


@pytest.mark.parametrize("who", ["opd", "staf", "subkoord", "kabid", "other_opd", "reader",
                                 "stranger", None])
def test_direct_writes_to_a_published_table_are_refused(portal, who):
    people, dataset = portal
    ds, res_id = dataset("jumlah-penduduk")
    for action in sorted(WRITES):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action(action, context=as_user(people[who] if who else None),
                                resource_id=res_id, force=True, **WRITES[action])
    found = anonymous_search(res_id)
    assert found["total"] == 2
    assert {r["kecamatan"] for r in found["records"]} == {"Glagah", "Licin"}


def test_a_sysadmin_may_still_repair_a_table(portal):
    people, dataset = portal
    ds, res_id = dataset("jumlah-penduduk")
    helpers.call_action("datastore_upsert", context=as_user(people["admin"]),
                        resource_id=res_id, force=True, method="insert",
                        records=[{"kecamatan": "Kabat", "penduduk": 68120}])
    assert anonymous_search(res_id)["total"] == 3
    assert flow(ds)["state"] == "terbit"


def test_writes_over_http_are_refused_for_the_owning_editor(portal, app):
    people, dataset = portal
    ds, res_id = dataset("jumlah-penduduk")
    token = factories.APIToken(user=people["opd"]["name"])["token"]
    answer = app.post("/api/3/action/datastore_upsert", headers={"Authorization": token},
                      json={"resource_id": res_id, "force": True, "method": "insert",
                            "records": [{"kecamatan": "Palsu", "penduduk": 1}]})
    assert answer.status_code == 403
    body = app.get("/api/3/action/datastore_search", query_string={"resource_id": res_id}).json
    assert body["result"]["total"] == 2


# -- hidden tables answer as missing ---------------------------------------------

def _answer(app, path, params, token=None):
    headers = {"Authorization": token} if token else {}
    answer = app.get(path, query_string=params, headers=headers)
    return answer.status_code, answer.json["error"] if answer.status_code != 200 else None


@pytest.mark.parametrize("path,key", [
    ("/api/3/action/datastore_search", "resource_id"),
    ("/api/3/action/datastore_info", "id"),
    ("/api/3/action/xloader_status", "resource_id"),
])
def test_withdrawn_and_concept_tables_answer_as_missing(portal, app, path, key):
    people, dataset = portal
    withdrawn, withdrawn_res = dataset("ditarik")
    transition(people["subkoord"], withdrawn["id"], "withdraw", comment="data keliru")
    concept, concept_res = dataset("konsep-rahasia", published=False)
    missing = _answer(app, path, {key: str(uuid.uuid4())})
    assert missing[0] == 404
    for token in (None, factories.APIToken(user=people["stranger"]["name"])["token"],
                  factories.APIToken(user=people["other_opd"]["name"])["token"]):
        for res_id in (withdrawn_res, concept_res):
            status, error = _answer(app, path, {key: res_id}, token)
            assert (status, error) == missing, (path, res_id)
            assert res_id not in json.dumps(error)


def test_staff_and_the_owning_opd_still_read_their_table(portal):
    people, dataset = portal
    concept, concept_res = dataset("konsep", published=False)
    for who in ("opd", "staf", "reader"):
        found = helpers.call_action("datastore_search", context=as_user(people[who]),
                                    resource_id=concept_res)
        assert found["total"] == 2


# -- no credential in any answer ---------------------------------------------------

@pytest.fixture
def loader_token(portal, tmp_path, monkeypatch):
    """The loader's real token in ckanext-xloader's job record, as a load leaves it."""
    from ckanext.satudata.dissemination import live_data
    from ckanext.xloader import db
    people, dataset = portal
    ds, res_id = dataset("jumlah-penduduk")
    loader = live_data.ensure_loader_user()
    token = helpers.call_action("api_token_create", context=site_context(),
                                user=loader.name, name="xloader-portal")["token"]
    site = helpers.call_action("get_site_user", context={"ignore_auth": True})
    site_token = helpers.call_action("api_token_create", context=site_context(),
                                     user=site["name"], name="lain")["token"]
    monkeypatch.setitem(tk.config, "ckanext.xloader.jobs_db.uri",
                        "sqlite:///%s" % (tmp_path / "xloader_jobs.db"))
    monkeypatch.setitem(tk.config, "ckanext.xloader.api_token", token)
    db.init(tk.config)
    job_id = str(uuid.uuid4())
    db.add_pending_job(job_id, job_type="xloader_to_datastore", api_key=token,
                       data={"resource_id": res_id}, metadata={"resource_id": res_id},
                       result_url="http://127.0.0.1/api/3/action/xloader_hook")
    helpers.call_action("task_status_update", context=site_context(), entity_id=res_id,
                        entity_type="resource", task_type="xloader", key="xloader",
                        value=json.dumps({"job_id": job_id}), state="complete",
                        error="{}", last_updated=datetime.datetime.utcnow().isoformat())
    model.repo.commit()
    return {"token": token, "site_token": site_token, "people": people, "dataset": ds,
            "resource_id": res_id, "job_id": job_id}


def test_xloader_status_holds_no_token(loader_token):
    people = loader_token["people"]
    for who in ("opd", "staf"):
        status = helpers.call_action("xloader_status", context=as_user(people[who]),
                                     resource_id=loader_token["resource_id"])
        text = json.dumps(status, default=str)
        assert status["task_info"]["job_id"] == loader_token["job_id"]
        assert loader_token["token"] not in text and "api_key" not in text
        assert not JWT.search(text)


def test_the_loaders_token_is_not_a_sysadmins(loader_token, app):
    me = app.get("/api/3/action/user_show", query_string={"id": "satudata-loader"},
                 headers={"Authorization": loader_token["token"]}).json["result"]
    assert me["sysadmin"] is False
    # nor does it open what is not published, or anyone's role grants
    people = loader_token["people"]
    _ds, concept_res = None, None
    concept = SdiDataset(name="konsep-token", owner_org=loader_token["dataset"]["owner_org"])
    answer = app.get("/api/3/action/package_show", query_string={"id": concept["id"]},
                     headers={"Authorization": loader_token["token"]})
    assert answer.status_code == 404
    site = helpers.call_action("get_site_user", context={"ignore_auth": True})
    answer = app.get("/api/3/action/api_token_list", query_string={"user_id": site["name"]},
                     headers={"Authorization": loader_token["token"]})
    assert answer.status_code == 403
    assert people  # the team exists, the loader is not part of it


def _side_effect_free_actions():
    from ckan.logic import _actions, get_action
    get_action("package_show")  # fills the registry
    return sorted(name for name, fn in _actions.items() if getattr(fn, "side_effect_free", False))


def test_no_answer_an_editor_staf_or_visitor_can_get_holds_a_token(loader_token, app):
    """Every side-effect-free action (what a GET reaches) with the ids these
    people know, and the loader's status page: no token-shaped string."""
    people, ds = loader_token["people"], loader_token["dataset"]
    res_id = loader_token["resource_id"]
    ids = [{"id": ds["id"], "resource_id": res_id},
           {"id": res_id, "resource_id": res_id, "entity_id": res_id, "task_type": "xloader",
            "key": "xloader"},
           {"id": people["opd"]["name"], "user": people["opd"]["name"]},
           {"id": ds["owner_org"], "q": "a"}]
    secrets = (loader_token["token"], loader_token["site_token"])
    callers = {"opd": factories.APIToken(user=people["opd"]["name"])["token"],
               "staf": factories.APIToken(user=people["staf"]["name"])["token"],
               "anonymous": None}
    actions = _side_effect_free_actions()
    assert {"xloader_status", "task_status_show", "datastore_search", "package_show",
            "user_show"} <= set(actions)
    answered, broken = 0, set()
    for who, token in callers.items():
        headers = {"Authorization": token} if token else {}
        for name in actions:
            for params in ids:
                answer = app.get("/api/3/action/%s" % name, query_string=params,
                                 headers=headers)
                if answer.status_code >= 500:
                    broken.add(name)
                text = answer.get_data(as_text=True)
                for secret in secrets:
                    if secret == token:
                        continue
                    assert secret not in text, (name, who, params)
                assert not JWT.search(text.replace(token or "\0", "")), (name, who, params)
                answered += answer.status_code == 200
        page = app.get("/dataset/%s/resource_data/%s" % (ds["name"], res_id), headers=headers)
        assert not JWT.search(page.get_data(as_text=True))
    assert answered > 100
    assert not broken, broken


def test_a_citizen_who_took_the_loaders_name_never_gets_its_token(portal):
    from ckanext.satudata.dissemination import live_data
    taken = factories.User(name=live_data.LOADER_USER)
    with pytest.raises(tk.ValidationError):
        live_data.ensure_loader_user()
    assert not helpers.call_action("api_token_list", context=site_context(),
                                   user_id=taken["id"])

"""Data preview: DataStore + ckanext-xloader only for published datasets.

`datastore_search` works for a published resource and refuses an unpublished
one (a concept, a withdrawn dataset) for anonymous visitors, a stranger and a
member of another OPD; xloader is offered published resources only, never a
held revision's; the DataStore's bookkeeping flag reaches the live resource
without opening a revision."""
import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.helpers import (SdiDataset, as_user, site_context, transition, walk,
                           with_the_preview)


pytestmark = with_the_preview()

RECORDS = [{"kecamatan": "Glagah", "penduduk": 36210}, {"kecamatan": "Licin", "penduduk": 29340}]


@pytest.fixture
def portal(walidata):
    dinkes = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    dispendik = factories.Organization(name="dispendik", title="Dinas Pendidikan")
    people = dict(walidata, opd=factories.User(name="opd-dinkes"),
                  other_opd=factories.User(name="opd-dispendik"),
                  stranger=factories.User(name="warga"))
    for org, user in ((dinkes, "opd"), (dispendik, "other_opd")):
        helpers.call_action("organization_member_create", context=site_context(),
                            id=org["id"], username=people[user]["name"], role="editor")

    def dataset(name):
        ds = SdiDataset(name=name, owner_org=dinkes["id"],
                        resources=[{"url": "http://example.invalid/%s.csv" % name,
                                    "format": "CSV", "name": name}])
        return ds, ds["resources"][0]["id"]
    return people, dataset


def load(resource_id):
    """What an xloader job does at its end, as the site user."""
    helpers.call_action("datastore_create", context=site_context(), resource_id=resource_id,
                        force=True, fields=[{"id": "kecamatan", "type": "text"},
                                            {"id": "penduduk", "type": "int"}],
                        records=RECORDS)


def search(user, resource_id):
    context = as_user(user) if user else {"user": "", "ignore_auth": False}
    return helpers.call_action("datastore_search", context=context, resource_id=resource_id)


def refused_to_outsiders(people, resource_id):
    for who in (None, people["stranger"], people["other_opd"]):
        with pytest.raises((tk.NotAuthorized, tk.ObjectNotFound)):
            search(who, resource_id)


def xloader_task(resource_id):
    return model.Session.execute(sa.text(
        "SELECT state FROM task_status WHERE entity_id = :id AND task_type = 'xloader'"),
        {"id": resource_id}).scalar()


def test_only_published_resources_are_loaded(portal):
    from ckanext.satudata.theme import preview
    people, dataset = portal
    ds, res_id = dataset("jumlah-penduduk")
    assert not preview.can_upload(res_id)
    # creating the resource of a concept queued nothing
    assert xloader_task(res_id) is None
    walk(ds["id"], people)
    assert preview.can_upload(res_id)
    # publishing queued the dataset's resources for xloader
    assert xloader_task(res_id) in ("pending", "submitting")


def test_datastore_search_published_and_refused_unpublished(portal):
    people, dataset = portal
    public, public_res = dataset("jumlah-penduduk")
    concept, concept_res = dataset("konsep-rahasia")
    walk(public["id"], people)
    load(public_res)
    # a table for an unpublished resource (as if it had been loaded by hand)
    load(concept_res)
    for who in (None, people["stranger"], people["other_opd"], people["opd"]):
        assert search(who, public_res)["total"] == 2
    refused_to_outsiders(people, concept_res)
    # the owning OPD and the Walidata team keep their view
    assert search(people["opd"], concept_res)["total"] == 2
    assert search(people["staf"], concept_res)["total"] == 2


def test_withdrawn_dataset_is_refused(portal):
    people, dataset = portal
    ds, res_id = dataset("jumlah-penduduk")
    walk(ds["id"], people)
    load(res_id)
    assert search(None, res_id)["total"] == 2
    transition(people["subkoord"], ds["id"], "withdraw", comment="data keliru")
    refused_to_outsiders(people, res_id)


def test_datastore_flag_reaches_the_live_resource_without_a_revision(portal):
    people, dataset = portal
    ds, res_id = dataset("jumlah-penduduk")
    walk(ds["id"], people)
    load(res_id)
    # CKAN's datastore_create patched datastore_active as the site user
    res = helpers.call_action("resource_show", id=res_id)
    assert res["datastore_active"] is True
    flow = helpers.call_action("satudata_dataset_workflow_show", id=ds["id"])
    assert flow["state"] == "terbit"
    assert not flow.get("pending_revision")
    # the views xloader asks for once a table is loaded: a table and a chart
    helpers.call_action("resource_create_default_resource_views", context=site_context(),
                        resource=res, create_datastore_views=True)
    views = {v["view_type"] for v in helpers.call_action("resource_view_list", id=res_id)}
    assert {"datatables_view", "satudata_chart"} <= views


def test_held_revision_file_is_not_loaded(portal):
    from ckanext.satudata.theme import preview
    people, dataset = portal
    ds, res_id = dataset("jumlah-penduduk")
    walk(ds["id"], people)
    revised = helpers.call_action(
        "resource_create", context=as_user(people["staf"]), package_id=ds["id"],
        url="http://example.invalid/revisi.csv", format="CSV", name="revisi")
    # the revision's resource is not a live resource: nothing to load
    assert model.Resource.get(revised["id"]) is None or not preview.can_upload(revised["id"])
    assert xloader_task(revised["id"]) is None


def test_code_columns_are_found_by_name_or_by_their_written_values():
    from ckanext.satudata.theme.loader_types import code_columns
    fields = [{"id": "kode_wilayah", "type": "timestamp"}, {"id": "kecamatan", "type": "text"},
              {"id": "tahun", "type": "numeric"}, {"id": "penduduk", "type": "numeric"},
              {"id": "wilayah", "type": "timestamp"}, {"id": "desa", "type": "numeric"},
              {"id": "tanggal", "type": "timestamp"}]
    raw = {"kode_wilayah": ["35.10.15"], "tahun": ["2024", "2025"], "penduduk": ["36210"],
           "wilayah": ["35.10.15", "35.10.24"], "desa": ["0101", "0102"],
           "tanggal": ["2024-01-31"]}
    assert code_columns(fields, raw) == ["kode_wilayah", "wilayah", "desa"]
    # without the file (a linked resource) the name still tells
    assert code_columns(fields, None) == ["kode_wilayah"]


def test_a_code_column_typed_otherwise_is_marked_text_and_loaded_again(portal):
    from ckanext.satudata.theme import loader_types
    people, dataset = portal
    ds, res_id = dataset("kode-wilayah")
    walk(ds["id"], people)
    # what xloader's type guessing made of 35.10.15
    helpers.call_action("datastore_create", context=site_context(), resource_id=res_id,
                        force=True, fields=[{"id": "kode_wilayah", "type": "timestamp"},
                                            {"id": "penduduk", "type": "numeric"}],
                        records=[{"kode_wilayah": "2035-10-15", "penduduk": 36210}])
    # the first load is over (publishing had queued it)
    model.Session.execute(sa.text("UPDATE task_status SET state = 'complete' "
                                  "WHERE entity_id = :id AND task_type = 'xloader'"),
                          {"id": res_id})
    model.Session.commit()
    from ckan.lib import jobs
    jobs.get_queue().empty()
    # a table whose codes are text already: nothing to do (no loop of loads)
    text_ds, text_res = dataset("kode-teks")
    walk(text_ds["id"], people)
    helpers.call_action("datastore_create", context=site_context(), resource_id=text_res,
                        force=True, fields=[{"id": "kode_wilayah", "type": "text"}],
                        records=[{"kode_wilayah": "35.10.15"}])
    assert loader_types.keep_codes_as_text(
        helpers.call_action("resource_show", id=text_res)) == []
    res = helpers.call_action("resource_show", id=res_id)
    assert loader_types.keep_codes_as_text(res) == ["kode_wilayah"]
    info = {f["id"]: f.get("info", {}) for f in helpers.call_action(
        "datastore_info", context=site_context(), id=res_id)["fields"]}
    assert info["kode_wilayah"]["type_override"] == "text"
    assert "type_override" not in info["penduduk"]
    # queued again: the load finds the override and copies the file as written
    assert xloader_task(res_id) in ("pending", "submitting")
    queued = [j for j in jobs.get_queue().jobs
              if "xloader" in j.func_name and res_id in repr(j.args)]
    assert len(queued) == 1, queued

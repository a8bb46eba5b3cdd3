"""The demo loader behind `scripts/portal up` runs twice without duplicates."""
import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.cli.cli import ckan as ckan_cli
from ckan.tests import helpers

from ckanext.satudata.workflow import roles

pytestmark = pytest.mark.usefixtures("satudata_db")


def counts():
    return {table: model.Session.execute(sa.text("SELECT count(*) FROM %s" % table)).scalar()
            for table in ("package", "resource", "\"group\"", "\"user\"", "member", "satudata_data_request", "satudata_request_event",
                          "satudata_portal_role", "satudata_search_index")}


def test_demo_loads_twice_without_duplicates(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("SATUDATA_DEMO_PASSWORD_FILE", str(tmp_path / "password"))
    first = cli.invoke(ckan_cli, ["satudata", "load-demo"])
    assert first.exit_code == 0, first.output
    after_first = counts()
    second = cli.invoke(ckan_cli, ["satudata", "load-demo"])
    assert second.exit_code == 0, second.output
    assert "(0 new)" in second.output and "(1" not in second.output.split("datasets")[-1]
    assert counts() == after_first

    orgs = helpers.call_action("organization_list")
    assert {"diskominfo", "dinkes", "dispendik", "bappeda"} <= set(orgs)
    datasets = helpers.call_action("package_search", rows=100, include_private=True)["results"]
    assert len(datasets) == 12
    states = sorted(helpers.call_action("satudata_dataset_workflow_show", id=d["id"])["state"]
                    for d in datasets)
    # every step of the chain is there to click through, and published ones
    assert states == sorted(["konsep", "penyusunan", "diajukan", "disetujui_subkoord",
                             "disetujui_kabid", "dikembalikan"] + ["terbit"] * 6)
    public = helpers.call_action("package_search", context={"user": "", "ignore_auth": False},
                                 rows=100)
    assert public["count"] == 6
    for dataset in datasets:
        assert dataset["notes"].startswith("**Data contoh (sample data)**")
        assert dataset["topic"] and dataset["classification"]
    for name, role in (("staf", "staf"), ("subkoord", "subkoord"), ("kabid", "kabid")):
        assert roles.roles_of(model.User.get(name).id) == [role]
    assert model.User.get("admin").sysadmin
    assert (tmp_path / "password").read_text().strip()
    requests = helpers.call_action("satudata_request_list")["results"]
    assert sorted(r["status"] for r in requests) == ["baru", "di_opd", "selesai"]
    done = next(r for r in requests if r["status"] == "selesai")
    assert done["delivered"]["file"] is True

"""SOP compliance reports from the append-only logs."""
import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.helpers import SdiDataset, as_user, walk

pytestmark = pytest.mark.usefixtures("satudata_db")


def test_dataset_report_by_step_person_month(walidata):
    org = factories.Organization()
    for i in range(2):
        walk(SdiDataset(owner_org=org["id"])["id"], walidata)
    by_step = helpers.call_action("satudata_sla_report", context=as_user(walidata["kabid"]),
                                  workflow="dataset", group_by="step")
    steps = {r["key"]: r for r in by_step["rows"]}
    assert set(steps) == {"konsep", "penyusunan", "diajukan", "disetujui_subkoord",
                          "disetujui_kabid"}
    assert all(r["transitions"] == 2 for r in steps.values())
    assert steps["diajukan"]["share_within_standard"] == 1.0
    assert steps["diajukan"]["median_minutes"] is not None
    by_person = helpers.call_action("satudata_sla_report", workflow="dataset",
                                    group_by="person")
    assert {r["key"] for r in by_person["rows"]} == {"subkoord-walidata", "staf-walidata",
                                                     "kabid-walidata"}
    by_month = helpers.call_action("satudata_sla_report", workflow="dataset",
                                   group_by="month", date_from="2000-01-01")
    assert sum(r["transitions"] for r in by_month["rows"]) == 10


def test_request_report_has_legal_figures(walidata):
    filed = helpers.call_action("satudata_request_create", context={"user": ""},
                                name="A", email="a@example.com", title="t", description="d",
                                purpose="p")
    helpers.call_action("satudata_request_transition", context=as_user(walidata["subkoord"]),
                        id=filed["id"], transition="reject", comment="di luar lingkup")
    report = helpers.call_action("satudata_sla_report", workflow="request", group_by="step")
    assert report["legal_deadline"]["received"] == 1
    assert report["legal_deadline"]["rejected"] == 1
    assert report["legal_deadline"]["answered_in_time"] == 1
    assert report["rows"][0]["key"] == "baru"


def test_report_refused_outside_the_team_and_bad_input(walidata):
    for user in (None, factories.User()):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("satudata_sla_report", context=as_user(user),
                                workflow="dataset", group_by="step")
    with pytest.raises(tk.ValidationError):
        helpers.call_action("satudata_sla_report", workflow="dataset", group_by="opd")
    with pytest.raises(tk.ValidationError):
        helpers.call_action("satudata_sla_report", workflow="dataset", group_by="step",
                            date_from="kemarin")


def test_reminders_for_overdue_steps(walidata, cli):
    import datetime as dt
    import sqlalchemy as sa
    import ckan.model as model
    from ckan.cli.cli import ckan as ckan_cli
    from ckanext.satudata.notifications import outbox as notify
    dataset = SdiDataset(owner_org=factories.Organization()["id"])
    # the concept step (120 office minutes) started long ago
    model.Session.execute(sa.text(
        "UPDATE satudata_dataset_workflow SET entered_at = :t WHERE package_id = :id"),
        {"t": dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.timezone.utc), "id": dataset["id"]})
    model.Session.commit()
    before = notify.pending_count()
    result = cli.invoke(ckan_cli, ["satudata", "remind", "--now"])
    assert result.exit_code == 0, result.output
    # the Subkoord's reminder, and the daily digest to the Subkoord and the Kabid
    assert notify.pending_count() == before + 3
    result = cli.invoke(ckan_cli, ["satudata", "remind", "--now"])
    assert notify.pending_count() == before + 3   # exactly once

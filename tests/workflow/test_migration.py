"""`ckan db upgrade -p satudata`: every revision up and down, one at a time,
each leaving exactly its own schema objects, and the logs append-only."""
import pytest
import sqlalchemy as sa

import ckan.model as model

# revision -> what it adds: tables, (table, column) pairs, triggers
REVISIONS = [
    ("0001_foundation", {"tables": {"satudata_portal_role"}}),
    ("0002_dataset_workflow", {"tables": {"satudata_dataset_workflow",
                                          "satudata_dataset_transition_log"},
                               "triggers": {"satudata_dataset_transition_log_append_only"}}),
    ("0003_data_requests", {"tables": {"satudata_data_request", "satudata_request_number",
                                       "satudata_request_event", "satudata_outbox"},
                            "triggers": {"satudata_request_event_append_only"}}),
    # 0004 once built search facets; the index now belongs to satudata_search
    ("0004_search_index_facets", {}),
    ("0005_request_dataset_link", {"columns": {("satudata_data_request",
                                                "derived_dataset_id")}}),
    ("0006_outbox_backoff", {"columns": {("satudata_outbox", "next_attempt_at"),
                                         ("satudata_outbox", "failed_at")}}),
    ("0007_reminder_log", {"tables": {"satudata_reminder_log"}}),
    ("0008_request_reject_reason", {"columns": {("satudata_data_request", "reject_reason"),
                                                ("satudata_data_request", "delivered_partial")}}),
    ("0009_objection", {"tables": {"satudata_objection"}}),
    ("0010_request_forwarding", {"columns": {("satudata_data_request", "forward_org_id"),
                                             ("satudata_data_request", "forwarded_from_org_id"),
                                             ("satudata_data_request", "split_from_id")}}),
    ("0011_quality_reports", {"tables": {"satudata_quality_report", "satudata_table_schema"}}),
    ("0012_personal_data", {"tables": {"satudata_personal_access_log"},
                            "triggers": {"satudata_personal_access_log_append_only"}}),
    ("0013_audit_chain", {"tables": {"satudata_role_event"},
                          "columns": {(t, c) for t in ("satudata_dataset_transition_log",
                                                       "satudata_request_event")
                                      for c in ("prev_hash", "hash")},
                          "triggers": {"satudata_role_event_append_only",
                                       "satudata_portal_role_logged",
                                       "satudata_dataset_transition_log_chained",
                                       "satudata_request_event_chained",
                                       "satudata_role_event_chained"}}),
    ("0014_quality_sampling", {"columns": {("satudata_quality_report", "sampling")}}),
]


def schema_now():
    inspector = sa.inspect(model.meta.engine)
    tables = {t for t in inspector.get_table_names() if t.startswith("satudata_")
              and not t.startswith("satudata_search") and not t.endswith("alembic_version")}
    columns = {(t, c["name"]) for t in tables for c in inspector.get_columns(t)}
    triggers = set(model.Session.execute(sa.text(
        "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'satudata_%' "
        "AND tgname NOT LIKE 'satudata_search%'")).scalars())  # satudata_search's own chain
    model.Session.remove()
    return tables, columns, triggers


def expected_after(index):
    tables, columns, triggers = set(), set(), set()
    for _revision, adds in REVISIONS[:index + 1]:
        tables |= adds.get("tables", set())
        columns |= adds.get("columns", set())
        triggers |= adds.get("triggers", set())
    return tables, columns, triggers


def check(index):
    tables, columns, triggers = schema_now()
    want_tables, want_columns, want_triggers = expected_after(index)
    assert tables == want_tables
    assert want_columns <= columns
    later = expected_after(len(REVISIONS) - 1)[1] - want_columns
    assert not later & columns, "columns of later revisions still there"
    assert triggers == want_triggers


@pytest.mark.usefixtures("clean_db", "with_plugins")
def test_every_revision_up_then_down(migrate_db_for):
    migrate_db_for("satudata", "base", forward=False)
    assert schema_now() == (set(), set(), set())
    for index, (revision, _adds) in enumerate(REVISIONS):
        migrate_db_for("satudata", revision)
        check(index)
    for index in range(len(REVISIONS) - 1, 0, -1):
        migrate_db_for("satudata", REVISIONS[index - 1][0], forward=False)
        check(index - 1)
    migrate_db_for("satudata", "base", forward=False)
    assert schema_now() == (set(), set(), set())
    migrate_db_for("satudata")
    check(len(REVISIONS) - 1)


@pytest.mark.usefixtures("clean_db", "with_plugins")
@pytest.mark.parametrize("table, row", [
    ("satudata_dataset_transition_log",
     "(package_id, transition, to_state, at) VALUES ('p', 'create', 'konsep', now())"),
    ("satudata_request_event",
     "(request_id, transition, to_status, at) VALUES ('r', 'create', 'baru', now())"),
])
def test_the_logs_refuse_update_and_delete(migrate_db_for, table, row):
    migrate_db_for("satudata")
    with model.meta.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO %s %s" % (table, row)))
    for statement in ("UPDATE %s SET transition = 'forged'" % table, "DELETE FROM %s" % table):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with model.meta.engine.begin() as conn:
                conn.execute(sa.text(statement))
    with model.meta.engine.begin() as conn:
        assert conn.execute(sa.text("SELECT transition FROM %s" % table)).scalar() == "create"

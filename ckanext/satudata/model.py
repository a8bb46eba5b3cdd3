"""Tables owned by ckanext-satudata (created by the Alembic migrations in
``migration/satudata``; these definitions are for querying, not for DDL)."""
from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR

from ckan.model import meta

metadata = sa.MetaData()


def _uuid() -> str:
    return str(uuid.uuid4())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# Portal roles of the Walidata team (SPEC "People"): finer than CKAN's org
# capacities, one row per (user, role); a person may hold several.
portal_role = sa.Table(
    "satudata_portal_role", metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True, default=_uuid),
    sa.Column("user_id", sa.UnicodeText, nullable=False),
    sa.Column("role", sa.UnicodeText, nullable=False),
    sa.Column("granted_by", sa.UnicodeText),
    sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False, default=_now),
    sa.UniqueConstraint("user_id", "role", name="satudata_portal_role_user_role_key"),
)

# The search index table (satudata_search_index) belongs to the
# satudata_search plugin: ckanext/satudata/search/model.py.


def table_exists(name: str) -> bool:
    return bool(meta.Session.execute(
        sa.text("SELECT to_regclass(:n) IS NOT NULL"), {"n": name}).scalar())


# Workflow 1 (Diseminasi Data Sektoral): one row per dataset, locked FOR
# UPDATE by every transition so concurrent reviewers produce one transition.
dataset_workflow = sa.Table(
    "satudata_dataset_workflow", metadata,
    sa.Column("package_id", sa.UnicodeText, primary_key=True),
    sa.Column("state", sa.UnicodeText, nullable=False),
    sa.Column("assignee_id", sa.UnicodeText),
    sa.Column("preparer_ids", ARRAY(sa.UnicodeText), nullable=False, default=list),
    sa.Column("approvals", JSONB, nullable=False, default=list),
    sa.Column("content_hash", sa.UnicodeText),
    sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False, default=_now),
    sa.Column("published", sa.Boolean, nullable=False, default=False),
    sa.Column("pending_revision", JSONB),
    sa.Column("pending_revision_by", sa.UnicodeText),
    sa.Column("pending_revision_at", sa.DateTime(timezone=True)),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, default=_now),
)

# Append-only (a trigger refuses UPDATE and DELETE); no foreign key, so it
# outlives the dataset's deletion and purge.
dataset_transition_log = sa.Table(
    "satudata_dataset_transition_log", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
    sa.Column("package_id", sa.UnicodeText, nullable=False),
    sa.Column("package_name", sa.UnicodeText),
    sa.Column("owner_org", sa.UnicodeText),
    sa.Column("transition", sa.UnicodeText, nullable=False),
    sa.Column("from_state", sa.UnicodeText),
    sa.Column("to_state", sa.UnicodeText, nullable=False),
    sa.Column("actor_id", sa.UnicodeText),
    sa.Column("actor_name", sa.UnicodeText),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, default=_now),
    sa.Column("comment", sa.UnicodeText),
    sa.Column("content_hash", sa.UnicodeText),
    sa.Column("assignee_id", sa.UnicodeText),
    sa.Column("standard_minutes", sa.Integer),
    sa.Column("elapsed_minutes", sa.Integer),
)


# Workflow 2 (Layanan Permintaan Data Sektoral).
data_request = sa.Table(
    "satudata_data_request", metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True, default=_uuid),
    sa.Column("number", sa.UnicodeText, nullable=False, unique=True),
    sa.Column("status", sa.UnicodeText, nullable=False),
    sa.Column("previous_status", sa.UnicodeText),
    sa.Column("title", sa.UnicodeText, nullable=False),
    sa.Column("description", sa.UnicodeText, nullable=False),
    sa.Column("purpose", sa.UnicodeText, nullable=False),
    sa.Column("format", sa.UnicodeText),
    sa.Column("suggested_org_id", sa.UnicodeText),
    # personal data: never shown to the public or to other OPDs
    sa.Column("name", sa.UnicodeText, nullable=False),
    sa.Column("email", sa.UnicodeText, nullable=False),
    sa.Column("phone", sa.UnicodeText),
    sa.Column("institution", sa.UnicodeText),
    sa.Column("identity_number", sa.UnicodeText),
    sa.Column("user_id", sa.UnicodeText),
    sa.Column("access_token_hash", sa.UnicodeText, nullable=False),
    sa.Column("assignee_id", sa.UnicodeText),
    sa.Column("organization_id", sa.UnicodeText),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, default=_now),
    sa.Column("clock_started_at", sa.DateTime(timezone=True), nullable=False, default=_now),
    sa.Column("due_date", sa.Date, nullable=False),
    sa.Column("extended", sa.Boolean, nullable=False, default=False),
    sa.Column("status_entered_at", sa.DateTime(timezone=True), nullable=False, default=_now),
    sa.Column("received_dataset_id", sa.UnicodeText),
    sa.Column("received_resource_url", sa.UnicodeText),
    sa.Column("received_file", sa.UnicodeText),
    sa.Column("delivered_dataset_id", sa.UnicodeText),
    sa.Column("delivered_resource_url", sa.UnicodeText),
    sa.Column("delivered_file", sa.UnicodeText),
    # a dataset made from the data the OPD sent; it starts workflow 1
    sa.Column("derived_dataset_id", sa.UnicodeText),
    sa.Column("closed_at", sa.DateTime(timezone=True)),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, default=_now),
    sa.Column("reject_reason", sa.UnicodeText),   # migration 0008, permintaan.REJECT_REASONS
    # migration 0008: the data delivered answers the request only in part
    sa.Column("delivered_partial", sa.Boolean, nullable=False, default=False),
    # migration 0010: forwarding and splitting (permintaan.DITERUSKAN)
    sa.Column("forward_org_id", sa.UnicodeText),         # named by opd_forward
    sa.Column("forwarded_from_org_id", sa.UnicodeText),  # set when the Subkoord confirms
    sa.Column("split_from_id", sa.UnicodeText),          # the request this part split from
)

request_number = sa.Table(
    "satudata_request_number", metadata,
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("last", sa.Integer, nullable=False),
)

request_event = sa.Table(
    "satudata_request_event", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
    sa.Column("request_id", sa.UnicodeText, nullable=False),
    sa.Column("transition", sa.UnicodeText, nullable=False),
    sa.Column("from_status", sa.UnicodeText),
    sa.Column("to_status", sa.UnicodeText, nullable=False),
    sa.Column("actor_id", sa.UnicodeText),
    sa.Column("actor_role", sa.UnicodeText),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, default=_now),
    sa.Column("comment", sa.UnicodeText),
    sa.Column("standard_minutes", sa.Integer),
    sa.Column("elapsed_minutes", sa.Integer),
)

# Notifications are written here in the request's own transaction and sent by
# a background job, so a Redis outage delays them and loses none.
outbox = sa.Table(
    "satudata_outbox", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.UnicodeText, nullable=False),
    sa.Column("recipient", sa.UnicodeText, nullable=False),
    sa.Column("subject", sa.UnicodeText, nullable=False),
    sa.Column("body", sa.UnicodeText, nullable=False),
    sa.Column("request_id", sa.UnicodeText),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, default=_now),
    sa.Column("sent_at", sa.DateTime(timezone=True)),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("last_error", sa.UnicodeText),
    # retries back off exponentially; after the last one the mail is failed
    sa.Column("next_attempt_at", sa.DateTime(timezone=True)),
    sa.Column("failed_at", sa.DateTime(timezone=True)),
)

# One row per reminder sent (migration 0007): the unique key (kind, item, step,
# threshold) is what makes every reminder and every daily digest go out once.
reminder_log = sa.Table(
    "satudata_reminder_log", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.UnicodeText, nullable=False),
    sa.Column("item_id", sa.UnicodeText, nullable=False),
    sa.Column("step", sa.UnicodeText, nullable=False),
    sa.Column("threshold", sa.UnicodeText, nullable=False),
    sa.Column("recipients", sa.Integer, nullable=False, default=0),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, default=_now),
)

# Keberatan (migration 0009): objections to a request's answer, decided by the
# atasan PPID within 30 working days (keberatan.py, logic/objection.py).
objection = sa.Table(
    "satudata_objection", metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True, default=_uuid),
    sa.Column("request_id", sa.UnicodeText, nullable=False),
    sa.Column("ground", sa.UnicodeText, nullable=False),
    sa.Column("reason", sa.UnicodeText, nullable=False),
    sa.Column("status", sa.UnicodeText, nullable=False),
    sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False, default=_now),
    sa.Column("filed_by", sa.UnicodeText),
    sa.Column("due_date", sa.Date, nullable=False),
    sa.Column("decided_at", sa.DateTime(timezone=True)),
    sa.Column("decided_by", sa.UnicodeText),
    sa.Column("decision_comment", sa.UnicodeText),
)

"""Workflow 2 (Layanan Permintaan Data Sektoral): requests, numbers, events, outbox

Revision ID: 0003_data_requests
Revises: 0002_dataset_workflow
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_data_requests"
down_revision = "0002_dataset_workflow"
branch_labels = None
depends_on = None


def _ts(name, nullable=True, default=False):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable,
                     server_default=sa.func.now() if default else None)


def upgrade():
    op.create_table(
        "satudata_data_request",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("number", sa.UnicodeText, nullable=False, unique=True),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("previous_status", sa.UnicodeText),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("description", sa.UnicodeText, nullable=False),
        sa.Column("purpose", sa.UnicodeText, nullable=False),
        sa.Column("format", sa.UnicodeText),
        sa.Column("suggested_org_id", sa.UnicodeText),
        sa.Column("name", sa.UnicodeText, nullable=False),
        sa.Column("email", sa.UnicodeText, nullable=False),
        sa.Column("phone", sa.UnicodeText),
        sa.Column("institution", sa.UnicodeText),
        sa.Column("identity_number", sa.UnicodeText),
        sa.Column("user_id", sa.UnicodeText),
        sa.Column("access_token_hash", sa.UnicodeText, nullable=False),
        sa.Column("assignee_id", sa.UnicodeText),
        sa.Column("organization_id", sa.UnicodeText),
        _ts("created_at", False, True),
        _ts("clock_started_at", False, True),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("extended", sa.Boolean, nullable=False, server_default=sa.false()),
        _ts("status_entered_at", False, True),
        sa.Column("received_dataset_id", sa.UnicodeText),
        sa.Column("received_resource_url", sa.UnicodeText),
        sa.Column("received_file", sa.UnicodeText),
        sa.Column("delivered_dataset_id", sa.UnicodeText),
        sa.Column("delivered_resource_url", sa.UnicodeText),
        sa.Column("delivered_file", sa.UnicodeText),
        _ts("closed_at"),
        _ts("updated_at", False, True),
    )
    op.create_index("satudata_data_request_status_idx", "satudata_data_request", ["status"])
    op.create_index("satudata_data_request_org_idx", "satudata_data_request",
                    ["organization_id"])
    op.create_table(
        "satudata_request_number",
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("last", sa.Integer, nullable=False),
    )
    op.create_table(
        "satudata_request_event",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.UnicodeText, nullable=False),
        sa.Column("transition", sa.UnicodeText, nullable=False),
        sa.Column("from_status", sa.UnicodeText),
        sa.Column("to_status", sa.UnicodeText, nullable=False),
        sa.Column("actor_id", sa.UnicodeText),
        sa.Column("actor_role", sa.UnicodeText),
        _ts("at", False, True),
        sa.Column("comment", sa.UnicodeText),
        sa.Column("standard_minutes", sa.Integer),
        sa.Column("elapsed_minutes", sa.Integer),
    )
    op.create_index("satudata_request_event_request_idx", "satudata_request_event",
                    ["request_id", "id"])
    op.execute("""
        CREATE TRIGGER satudata_request_event_append_only
          BEFORE UPDATE OR DELETE ON satudata_request_event
          FOR EACH ROW EXECUTE FUNCTION satudata_refuse_log_change();
    """)
    op.create_table(
        "satudata_outbox",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        sa.Column("recipient", sa.UnicodeText, nullable=False),
        sa.Column("subject", sa.UnicodeText, nullable=False),
        sa.Column("body", sa.UnicodeText, nullable=False),
        sa.Column("request_id", sa.UnicodeText),
        _ts("created_at", False, True),
        _ts("sent_at"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.UnicodeText),
    )
    op.create_index("satudata_outbox_pending_idx", "satudata_outbox", ["id"],
                    postgresql_where=sa.text("sent_at IS NULL"))


def downgrade():
    op.drop_table("satudata_outbox")
    op.drop_table("satudata_request_event")
    op.drop_table("satudata_request_number")
    op.drop_table("satudata_data_request")

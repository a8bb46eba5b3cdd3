"""Workflow 1 (Diseminasi Data Sektoral): workflow rows and the append-only log

Revision ID: 0002_dataset_workflow
Revises: 0001_foundation
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0002_dataset_workflow"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

STATES = ("konsep", "penyusunan", "diajukan", "disetujui_subkoord", "disetujui_kabid",
          "terbit", "dikembalikan")


def upgrade():
    op.create_table(
        "satudata_dataset_workflow",
        sa.Column("package_id", sa.UnicodeText,
                  sa.ForeignKey("package.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column("assignee_id", sa.UnicodeText),
        sa.Column("preparer_ids", ARRAY(sa.UnicodeText), nullable=False,
                  server_default="{}"),
        sa.Column("approvals", JSONB, nullable=False, server_default="[]"),
        sa.Column("content_hash", sa.UnicodeText),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("published", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("pending_revision", JSONB),
            sa.Column("pending_revision_by", sa.UnicodeText),
        sa.Column("pending_revision_at", sa.DateTime(timezone=True)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.CheckConstraint("state IN %r" % (STATES,), name="satudata_dataset_workflow_state_check"),
    )
    op.create_index("satudata_dataset_workflow_state_idx", "satudata_dataset_workflow", ["state"])

    op.create_table(
        "satudata_dataset_transition_log",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("package_name", sa.UnicodeText),
        sa.Column("owner_org", sa.UnicodeText),
        sa.Column("transition", sa.UnicodeText, nullable=False),
        sa.Column("from_state", sa.UnicodeText),
        sa.Column("to_state", sa.UnicodeText, nullable=False),
        sa.Column("actor_id", sa.UnicodeText),
        sa.Column("actor_name", sa.UnicodeText),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("comment", sa.UnicodeText),
        sa.Column("content_hash", sa.UnicodeText),
        sa.Column("assignee_id", sa.UnicodeText),
        sa.Column("standard_minutes", sa.Integer),
        sa.Column("elapsed_minutes", sa.Integer),
    )
    op.create_index("satudata_dataset_transition_log_package_idx",
                    "satudata_dataset_transition_log", ["package_id", "id"])
    op.execute("""
        CREATE OR REPLACE FUNCTION satudata_refuse_log_change() RETURNS trigger AS $$
        BEGIN
          RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'insufficient_privilege';
        END $$ LANGUAGE plpgsql;
        CREATE TRIGGER satudata_dataset_transition_log_append_only
          BEFORE UPDATE OR DELETE ON satudata_dataset_transition_log
          FOR EACH ROW EXECUTE FUNCTION satudata_refuse_log_change();
    """)


def downgrade():
    op.drop_table("satudata_dataset_transition_log")
    op.execute("DROP FUNCTION IF EXISTS satudata_refuse_log_change()")
    op.drop_table("satudata_dataset_workflow")

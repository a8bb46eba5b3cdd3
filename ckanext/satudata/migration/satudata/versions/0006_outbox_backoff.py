"""Outbox: retries with exponential backoff, then marked failed

Revision ID: 0006_outbox_backoff
Revises: 0005_request_dataset_link
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_outbox_backoff"
down_revision = "0005_request_dataset_link"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("satudata_outbox", sa.Column("next_attempt_at", sa.DateTime(timezone=True)))
    op.add_column("satudata_outbox", sa.Column("failed_at", sa.DateTime(timezone=True)))
    # mails abandoned by the old fixed retry count get the new schedule's last chance
    op.execute("UPDATE satudata_outbox SET failed_at = now() "
               "WHERE sent_at IS NULL AND attempts >= 10")
    op.create_index("satudata_outbox_due", "satudata_outbox", ["next_attempt_at"],
                    postgresql_where=sa.text("sent_at IS NULL AND failed_at IS NULL"))


def downgrade():
    op.drop_index("satudata_outbox_due", table_name="satudata_outbox")
    op.drop_column("satudata_outbox", "failed_at")
    op.drop_column("satudata_outbox", "next_attempt_at")

"""Reminder log: each reminder (item, step, threshold) and each daily digest is
mailed exactly once; the unique key makes a second run, or two at once, a no-op.

Revision ID: 0007_reminder_log
Revises: 0006_outbox_backoff
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_reminder_log"
down_revision = "0006_outbox_backoff"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "satudata_reminder_log",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.UnicodeText, nullable=False),      # dataset | request | digest
        sa.Column("item_id", sa.UnicodeText, nullable=False),   # package/request id, or user id
        sa.Column("step", sa.UnicodeText, nullable=False),      # state@entered_at, or the date
        sa.Column("threshold", sa.UnicodeText, nullable=False),  # soon | overdue | ...
        sa.Column("recipients", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.UniqueConstraint("kind", "item_id", "step", "threshold",
                            name="satudata_reminder_log_once"),
    )


def downgrade():
    op.drop_table("satudata_reminder_log")

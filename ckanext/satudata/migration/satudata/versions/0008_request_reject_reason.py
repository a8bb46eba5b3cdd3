"""Rejection reason category of a data request (the PPID yearly report and the
public service statistics count rejections per category; the written reason
stays in the event's comment; old rejections have none: counted as 'lainnya'),
and whether the data delivered answered the request only in part.

Revision ID: 0008_request_reject_reason
Revises: 0007_reminder_log
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_request_reject_reason"
down_revision = "0007_reminder_log"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("satudata_data_request", sa.Column("reject_reason", sa.UnicodeText))
    op.add_column("satudata_data_request", sa.Column(
        "delivered_partial", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade():
    op.drop_column("satudata_data_request", "delivered_partial")
    op.drop_column("satudata_data_request", "reject_reason")

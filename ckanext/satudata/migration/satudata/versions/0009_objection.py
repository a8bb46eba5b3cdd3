"""Keberatan (objections, UU 14/2008 art. 35-36) to the answer on a data
request: one row per objection, with its own decision deadline (30 working
days), status and decision; its steps are logged in satudata_request_event
as keberatan_* transitions with their office time.

Revision ID: 0009_objection
Revises: 0008_request_reject_reason
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_objection"
down_revision = "0008_request_reject_reason"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "satudata_objection",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("request_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("ground", sa.UnicodeText, nullable=False),     # keberatan.GROUNDS
        sa.Column("reason", sa.UnicodeText, nullable=False),     # the requester's reasons
        sa.Column("status", sa.UnicodeText, nullable=False),     # diajukan|diterima|ditolak
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filed_by", sa.UnicodeText),                   # account, or none (token)
        sa.Column("due_date", sa.Date, nullable=False),          # decision deadline
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("decided_by", sa.UnicodeText),
        sa.Column("decision_comment", sa.UnicodeText),
    )


def downgrade():
    op.drop_table("satudata_objection")

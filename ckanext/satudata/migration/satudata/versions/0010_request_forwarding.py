"""Forwarding and splitting of data requests (issue 13): the OPD an OPD
forwarded a request to (awaiting the Subkoord), the OPD it came from once
forwarded, and the request a split-off part was split from.

Revision ID: 0010_request_forwarding
Revises: 0009_objection
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_request_forwarding"
down_revision = "0009_objection"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("satudata_data_request", sa.Column("forward_org_id", sa.UnicodeText))
    op.add_column("satudata_data_request", sa.Column("forwarded_from_org_id", sa.UnicodeText))
    op.add_column("satudata_data_request", sa.Column("split_from_id", sa.UnicodeText))


def downgrade():
    for column in ("split_from_id", "forwarded_from_org_id", "forward_org_id"):
        op.drop_column("satudata_data_request", column)

"""How a large file was sampled (issue 25): the quality report of a file
above the size cap says how many of its rows were checked, of how many, and
which (the first rows, every n-th row, the last rows).

Revision ID: 0014_quality_sampling
Revises: 0013_audit_chain
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0014_quality_sampling"
down_revision = "0013_audit_chain"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("satudata_quality_report", sa.Column("sampling", JSONB))


def downgrade():
    op.drop_column("satudata_quality_report", "sampling")

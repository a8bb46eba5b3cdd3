"""Data requests: the dataset made from the data an OPD sent

Revision ID: 0005_request_dataset_link
Revises: 0004_search_index_facets
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_request_dataset_link"
down_revision = "0004_search_index_facets"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("satudata_data_request", sa.Column("derived_dataset_id", sa.UnicodeText))


def downgrade():
    op.drop_column("satudata_data_request", "derived_dataset_id")

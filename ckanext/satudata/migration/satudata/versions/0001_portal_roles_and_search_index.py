"""Portal roles and the PostgreSQL search index

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR

revision = "0001_foundation"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "satudata_portal_role",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("user_id", sa.UnicodeText,
                  sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.UnicodeText, nullable=False),
        sa.Column("granted_by", sa.UnicodeText),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.UniqueConstraint("user_id", "role", name="satudata_portal_role_user_role_key"),
        sa.CheckConstraint("role IN ('staf', 'subkoord', 'kabid')",
                           name="satudata_portal_role_role_check"),
    )
    op.create_index("satudata_portal_role_role_idx", "satudata_portal_role", ["role"])

    op.create_table(
        "satudata_search_index",
        sa.Column("package_id", sa.UnicodeText, primary_key=True),
        sa.Column("site_id", sa.UnicodeText, nullable=False),
        sa.Column("name", sa.UnicodeText, nullable=False),
        sa.Column("title_sort", sa.UnicodeText),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column("capacity", sa.UnicodeText, nullable=False),
        sa.Column("permission_labels", ARRAY(sa.UnicodeText), nullable=False),
        sa.Column("metadata_created", sa.DateTime(timezone=True)),
        sa.Column("metadata_modified", sa.DateTime(timezone=True)),
        sa.Column("fields", JSONB, nullable=False),
        sa.Column("data_dict", sa.UnicodeText),
        sa.Column("validated_data_dict", sa.UnicodeText),
        sa.Column("search_vector", TSVECTOR),
        sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
    )
    # Every query filters on these; GIN keeps them index-backed (SPEC "Search").
    op.create_index("satudata_search_index_vector_idx", "satudata_search_index",
                    ["search_vector"], postgresql_using="gin")
    op.create_index("satudata_search_index_fields_idx", "satudata_search_index",
                    ["fields"], postgresql_using="gin",
                    postgresql_ops={"fields": "jsonb_path_ops"})
    op.create_index("satudata_search_index_labels_idx", "satudata_search_index",
                    ["permission_labels"], postgresql_using="gin")
    op.create_index("satudata_search_index_modified_idx", "satudata_search_index",
                    ["metadata_modified"])
    op.create_index("satudata_search_index_name_idx", "satudata_search_index", ["name"])


def downgrade():
    op.drop_table("satudata_search_index")
    op.drop_table("satudata_portal_role")

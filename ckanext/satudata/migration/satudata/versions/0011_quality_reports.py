"""Quality checks inside the chain (issues 25, 26): one report per resource
and content (validation against the Table Schema, reference codes, personal
data), and the Table Schema kept for a resource once inferred.

Revision ID: 0011_quality_reports
Revises: 0010_request_forwarding
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0011_quality_reports"
down_revision = "0010_request_forwarding"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "satudata_quality_report",
        sa.Column("id", sa.Integer, primary_key=True),
        # a dataset's resource, or a file an OPD sent to a requester
        sa.Column("resource_id", sa.UnicodeText, nullable=False),
        # the dataset's content hash (workflow row), or the file's sha256
        sa.Column("content_hash", sa.UnicodeText, nullable=False),
        sa.Column("package_id", sa.UnicodeText),
        sa.Column("request_id", sa.UnicodeText),
        sa.Column("resource_name", sa.UnicodeText),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("file_sha256", sa.UnicodeText),
        sa.Column("file_bytes", sa.BigInteger),
        sa.Column("rows_checked", sa.Integer),
        sa.Column("sampled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("schema_source", sa.UnicodeText),
        sa.Column("validation", JSONB, nullable=False, server_default="[]"),
        sa.Column("reference", JSONB, nullable=False, server_default="[]"),
        sa.Column("personal", JSONB, nullable=False, server_default="[]"),
        sa.Column("message", sa.UnicodeText),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("resource_id", "content_hash",
                            name="satudata_quality_report_resource_content_key"),
    )
    op.create_index("satudata_quality_report_package_idx", "satudata_quality_report",
                    ["package_id", "content_hash"])
    op.create_index("satudata_quality_report_request_idx", "satudata_quality_report",
                    ["request_id"])
    op.create_table(
        "satudata_table_schema",
        sa.Column("resource_id", sa.UnicodeText, primary_key=True),
        sa.Column("schema", JSONB, nullable=False),
        # "inferred" (first upload, then kept) or "datastore" (data dictionary)
        sa.Column("source", sa.UnicodeText, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    op.drop_table("satudata_table_schema")
    op.drop_index("satudata_quality_report_request_idx", "satudata_quality_report")
    op.drop_index("satudata_quality_report_package_idx", "satudata_quality_report")
    op.drop_table("satudata_quality_report")

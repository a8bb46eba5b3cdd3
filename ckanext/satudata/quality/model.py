"""Tables of the quality checks (migration 0011_quality_reports; declared
for querying, not for DDL)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from ckanext.satudata.model import metadata

# One report per resource and content: the dataset's content hash (a new
# version of the content gets a new report), or a requested file's sha256.
quality_report = sa.Table(
    "satudata_quality_report", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("resource_id", sa.UnicodeText, nullable=False),
    sa.Column("content_hash", sa.UnicodeText, nullable=False),
    sa.Column("package_id", sa.UnicodeText),
    sa.Column("request_id", sa.UnicodeText),
    sa.Column("resource_name", sa.UnicodeText),
    sa.Column("status", sa.UnicodeText, nullable=False),
    sa.Column("file_sha256", sa.UnicodeText),
    sa.Column("file_bytes", sa.BigInteger),
    sa.Column("rows_checked", sa.Integer),
    sa.Column("sampled", sa.Boolean, nullable=False, default=False),
    # a sampled file (migration 0014): {rows_total, rows_sampled, head, step, tail}
    sa.Column("sampling", JSONB),
    sa.Column("schema_source", sa.UnicodeText),
    sa.Column("validation", JSONB, nullable=False, default=list),
    sa.Column("reference", JSONB, nullable=False, default=list),
    sa.Column("personal", JSONB, nullable=False, default=list),
    sa.Column("message", sa.UnicodeText),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.UniqueConstraint("resource_id", "content_hash",
                        name="satudata_quality_report_resource_content_key"),
)

# The Table Schema a resource is validated against once it has been inferred
# from its first upload (or read from its DataStore data dictionary).
table_schema = sa.Table(
    "satudata_table_schema", metadata,
    sa.Column("resource_id", sa.UnicodeText, primary_key=True),
    sa.Column("schema", JSONB, nullable=False),
    sa.Column("source", sa.UnicodeText, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

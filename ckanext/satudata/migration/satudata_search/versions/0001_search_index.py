"""The search index table, handed over from the `satudata` chain

Revision ID: 0001_search_index
Revises:
Create Date: 2026-11-26

`satudata_search_index` was created by the `satudata` plugin's revisions
0001 (table, GIN indexes) and 0004 (`facet_fields`, default-sort index,
parallel workers). Those revisions no longer touch it: the table belongs to
this chain (`ckan db upgrade -p satudata_search`), so a CKAN without the rest
of ckanext-satudata can have it. This revision therefore adopts what it
finds:

- no table (a new database): creates it as 0001 + 0004 of `satudata` left it;
- the table from `satudata` 0001 only (a database at 0001-0003): adds what
  0004 would have added, backfilling `facet_fields` from `fields`;
- the table at `satudata` 0004 or later: nothing.

Downgrading this revision drops the table, whoever created it.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR

revision = "0001_search_index"
down_revision = None
branch_labels = None
depends_on = None

TABLE = "satudata_search_index"
# ckanext.satudata.search.index.FACET_KEYS at this revision
FACET_KEYS = ("organization", "owner_org", "groups", "tags", "res_format", "license_id",
              "topic", "update_frequency", "presentation_level", "classification")


def _exists(bind, name):
    return bind.execute(sa.text("SELECT to_regclass(:n) IS NOT NULL"), {"n": name}).scalar()


def _columns(bind):
    return {c["name"] for c in sa.inspect(bind).get_columns(TABLE)}


def upgrade():
    bind = op.get_bind()
    if not _exists(bind, TABLE):
        op.create_table(
            TABLE,
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
    # Every query filters on these; GIN keeps them index-backed.
    op.execute("CREATE INDEX IF NOT EXISTS satudata_search_index_vector_idx "
               "ON satudata_search_index USING gin (search_vector)")
    op.execute("CREATE INDEX IF NOT EXISTS satudata_search_index_fields_idx "
               "ON satudata_search_index USING gin (fields jsonb_path_ops)")
    op.execute("CREATE INDEX IF NOT EXISTS satudata_search_index_labels_idx "
               "ON satudata_search_index USING gin (permission_labels)")
    op.execute("CREATE INDEX IF NOT EXISTS satudata_search_index_name_idx "
               "ON satudata_search_index (name)")
    if "facet_fields" not in _columns(bind):
        # facet values beside the full document (satudata 0004's reasoning:
        # reading the out-of-line `fields` per facet dominated /dataset)
        op.add_column(TABLE, sa.Column("facet_fields", JSONB, nullable=False,
                                       server_default="{}"))
        op.execute("ALTER TABLE satudata_search_index ALTER COLUMN facet_fields SET STORAGE MAIN")
        op.execute(
            "UPDATE satudata_search_index SET facet_fields = ("
            "SELECT jsonb_object_agg(k, COALESCE(fields -> k, '[]'::jsonb)) "
            "FROM unnest(ARRAY[%s]) AS k)" % ", ".join("'%s'" % k for k in FACET_KEYS))
        # satudata 0001's plain index on metadata_modified, if there
        op.execute("DROP INDEX IF EXISTS satudata_search_index_modified_idx")
    # the default order (`metadata_modified desc`, ties by id) from an index
    op.execute("CREATE INDEX IF NOT EXISTS satudata_search_index_modified_idx "
               "ON satudata_search_index (metadata_modified DESC NULLS LAST, package_id)")
    op.execute("ALTER TABLE satudata_search_index SET (parallel_workers = 2)")


def downgrade():
    op.drop_table(TABLE)

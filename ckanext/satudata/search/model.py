"""Tables of the ``satudata_search`` plugin (created by its own Alembic chain,
``migration/satudata_search``: ``ckan db upgrade -p satudata_search``; these
definitions are for querying, not for DDL). Nothing here imports the rest of
ckanext-satudata: the plugin runs on any CKAN 2.12."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR

from ckan.model import meta

metadata = sa.MetaData()

INDEX_TABLE = "satudata_search_index"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# One row per dataset, written in the same transaction as the dataset change
# (see index.py).
search_index = sa.Table(
    INDEX_TABLE, metadata,
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
    sa.Column("facet_fields", JSONB, nullable=False),
    sa.Column("data_dict", sa.UnicodeText),
    sa.Column("validated_data_dict", sa.UnicodeText),
    sa.Column("search_vector", TSVECTOR),
    sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False, default=_now),
)


def table_exists(name: str) -> bool:
    return bool(meta.Session.execute(
        sa.text("SELECT to_regclass(:n) IS NOT NULL"), {"n": name}).scalar())

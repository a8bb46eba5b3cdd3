"""Tables owned by ckanext-satudata (created by the Alembic migrations in
``migration/satudata``; these definitions are for querying, not for DDL)."""
from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR

from ckan.model import meta

metadata = sa.MetaData()


def _uuid() -> str:
    return str(uuid.uuid4())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# Portal roles of the Walidata team (SPEC "People"): finer than CKAN's org
# capacities, one row per (user, role); a person may hold several.
portal_role = sa.Table(
    "satudata_portal_role", metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True, default=_uuid),
    sa.Column("user_id", sa.UnicodeText, nullable=False),
    sa.Column("role", sa.UnicodeText, nullable=False),
    sa.Column("granted_by", sa.UnicodeText),
    sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False, default=_now),
    sa.UniqueConstraint("user_id", "role", name="satudata_portal_role_user_role_key"),
)

# The PostgreSQL search backend's index: one row per dataset, written in the
# same transaction as the dataset change (see search/index.py).
search_index = sa.Table(
    "satudata_search_index", metadata,
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
    sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False, default=_now),
)


def table_exists(name: str) -> bool:
    return bool(meta.Session.execute(
        sa.text("SELECT to_regclass(:n) IS NOT NULL"), {"n": name}).scalar())

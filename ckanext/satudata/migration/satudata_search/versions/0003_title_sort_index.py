"""Sorting by title from an index

Revision ID: 0003_title_sort_index
Revises: 0002_words_and_facet_counts
Create Date: 2026-11-26

`sort=title_string asc` (a choice on /dataset) sorted every visible dataset
for each page: the p95 of the facet page at 10,000 datasets. An index in the
query's order (`title_sort ASC NULLS LAST, package_id`) gives the first pages
without a sort.
"""
from alembic import op

revision = "0003_title_sort_index"
down_revision = "0002_words_and_facet_counts"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE INDEX IF NOT EXISTS satudata_search_index_title_idx "
               "ON satudata_search_index (title_sort ASC NULLS LAST, package_id)")


def downgrade():
    op.execute("DROP INDEX IF EXISTS satudata_search_index_title_idx")

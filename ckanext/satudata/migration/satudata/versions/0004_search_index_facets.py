"""Search index: facet values beside the full document; default-sort index

Revision ID: 0004_search_index_facets
Revises: 0003_data_requests
Create Date: 2026-11-24

A facet counts over every matching dataset. Read from `fields` (the whole
Solr-style document, ~2.7 kB, compressed and stored out of line) it cost
~15 µs per dataset and key: 150 ms for the /dataset facets at 10,000
datasets (scripts/bench_search). `facet_fields` holds only the keys usually
faceted on, small enough to stay in the row uncompressed. Backfilled here
from `fields`, so no rebuild is needed.

Since 2026-11-26 the table belongs to the satudata_search plugin's chain
(`ckan db upgrade -p satudata_search`), whose revision 0001 does what this one
did when a database lacks it; this revision is kept, empty, so the chain and
the databases stamped with it stay valid.
"""
revision = "0004_search_index_facets"
down_revision = "0003_data_requests"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

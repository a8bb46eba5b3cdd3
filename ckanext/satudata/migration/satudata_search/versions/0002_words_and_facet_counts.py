"""Unstemmed words for prefix search; facet counts kept per label set

Revision ID: 0002_words_and_facet_counts
Revises: 0001_search_index
Create Date: 2026-11-26

- `words_vector`: every indexed word as written (the `simple` configuration),
  for prefix and wildcard terms: `pendu*` finds `penduduk`, whose Indonesian
  stem (`duduk`) the stemmed `search_vector` holds. Filled here from the
  stored document; `ckan search-index rebuild` refines it.
- `satudata_search_facet_count`: how many active datasets carry each facet
  value, per (site, permission label set, dataset type, capacity), kept by a
  trigger on the index table in the same transaction as the index row. A search with no
  query text and only the standard filters (`+dataset_type`, `+capacity`,
  `+state:active`) reads its facet counts and total here, summing the label
  sets that overlap the user's labels, instead of rescanning every visible
  dataset (the /dataset page). The row with key '' counts the datasets.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR

revision = "0002_words_and_facet_counts"
down_revision = "0001_search_index"
branch_labels = None
depends_on = None

# One index row's part in the counts: each distinct facet value once, plus
# the ('', '') row that counts datasets; nothing for a row not active.
# (plain arguments, not the table's row type: CKAN's test fixtures drop every
# table, which a function taking the row type would block)
CONTRIBUTIONS = """
CREATE OR REPLACE FUNCTION satudata_search_facet_contributions(
    p_site text, p_labels text[], p_dataset_type text, p_capacity text, p_state text,
    p_facets jsonb)
RETURNS TABLE (site_id text, labels text[], dataset_type text, capacity text,
               key text, value text)
LANGUAGE sql IMMUTABLE AS $$
  SELECT DISTINCT p_site,
         COALESCE((SELECT array_agg(DISTINCT l ORDER BY l) FROM unnest(p_labels) l),
                  '{}'::text[]),
         COALESCE(p_dataset_type, ''), p_capacity, f.key, v.value
  FROM (SELECT e.key, e.value AS vals FROM jsonb_each(p_facets) e
        UNION ALL SELECT '', '[""]'::jsonb) f
  CROSS JOIN LATERAL jsonb_array_elements_text(f.vals) v(value)
  WHERE p_state = 'active'
$$
"""

# Kept by a trigger, so every write keeps them right: the indexer's, a
# migration's, an operator's DELETE. `ckan search-index clear` turns it off
# for its own transaction (satudata_search.skip_counts) and empties the counts.
TRIGGER = """
CREATE OR REPLACE FUNCTION satudata_search_count_facets() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('satudata_search.skip_counts', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.state = NEW.state AND OLD.site_id = NEW.site_id
     AND OLD.capacity = NEW.capacity AND OLD.permission_labels = NEW.permission_labels
     AND OLD.facet_fields = NEW.facet_fields
     AND (OLD.fields->'dataset_type') IS NOT DISTINCT FROM (NEW.fields->'dataset_type') THEN
    RETURN NULL;
  END IF;
  INSERT INTO satudata_search_facet_count AS c
      (site_id, labels, dataset_type, capacity, key, value, n)
  SELECT d.site_id, d.labels, d.dataset_type, d.capacity, d.key, d.value, sum(d.n)
  FROM (
    SELECT o.*, -1 AS n FROM satudata_search_facet_contributions(
        OLD.site_id, OLD.permission_labels, OLD.fields->'dataset_type'->>0, OLD.capacity,
        OLD.state, OLD.facet_fields) o
    WHERE TG_OP <> 'INSERT'
    UNION ALL
    SELECT w.*, 1 AS n FROM satudata_search_facet_contributions(
        NEW.site_id, NEW.permission_labels, NEW.fields->'dataset_type'->>0, NEW.capacity,
        NEW.state, NEW.facet_fields) w
    WHERE TG_OP <> 'DELETE'
  ) d
  GROUP BY 1, 2, 3, 4, 5, 6
  HAVING sum(d.n) <> 0
  ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (site_id, labels, dataset_type, capacity, key, value)
  DO UPDATE SET n = c.n + EXCLUDED.n;
  RETURN NULL;
END
$$
"""

RECOUNT = """
INSERT INTO satudata_search_facet_count (site_id, labels, dataset_type, capacity, key, value, n)
SELECT c.site_id, c.labels, c.dataset_type, c.capacity, c.key, c.value, count(*)
FROM satudata_search_index i
CROSS JOIN LATERAL satudata_search_facet_contributions(
    i.site_id, i.permission_labels, i.fields->'dataset_type'->>0, i.capacity, i.state,
    i.facet_fields) c
GROUP BY 1, 2, 3, 4, 5, 6
"""


def upgrade():
    op.add_column("satudata_search_index", sa.Column("words_vector", TSVECTOR))
    op.execute(
        "UPDATE satudata_search_index SET words_vector = to_tsvector('simple', "
        "COALESCE(jsonb_path_query_array(fields, '$.*[*]')::text, ''))")
    op.create_index("satudata_search_index_words_idx", "satudata_search_index",
                    ["words_vector"], postgresql_using="gin")
    op.create_table(
        "satudata_search_facet_count",
        sa.Column("site_id", sa.UnicodeText, nullable=False),
        sa.Column("labels", ARRAY(sa.UnicodeText), nullable=False),
        sa.Column("dataset_type", sa.UnicodeText, nullable=False),
        sa.Column("capacity", sa.UnicodeText, nullable=False),
        sa.Column("key", sa.UnicodeText, nullable=False),
        sa.Column("value", sa.UnicodeText, nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("site_id", "labels", "dataset_type", "capacity", "key", "value",
                                name="satudata_search_facet_count_pkey"),
    )
    op.execute(CONTRIBUTIONS)
    op.execute(TRIGGER)
    op.execute("CREATE TRIGGER satudata_search_count_facets AFTER INSERT OR UPDATE OR DELETE "
               "ON satudata_search_index FOR EACH ROW EXECUTE FUNCTION "
               "satudata_search_count_facets()")
    op.execute(RECOUNT)


def downgrade():
    op.execute("DROP TRIGGER satudata_search_count_facets ON satudata_search_index")
    op.execute("DROP FUNCTION satudata_search_count_facets()")
    op.execute("DROP FUNCTION satudata_search_facet_contributions("
               "text, text[], text, text, text, jsonb)")
    op.drop_table("satudata_search_facet_count")
    op.drop_index("satudata_search_index_words_idx", table_name="satudata_search_index")
    op.drop_column("satudata_search_index", "words_vector")

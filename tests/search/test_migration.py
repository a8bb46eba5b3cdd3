"""`ckan db upgrade -p satudata_search`: up, down, and the hand-over of the
index table from databases where the `satudata` chain (its revisions 0001 and
0004, before 2026-11-26) created it."""
import pytest
import sqlalchemy as sa

import ckan.model as model

TABLE = "satudata_search_index"


def tables():
    return set(sa.inspect(model.meta.engine).get_table_names())


def columns():
    return {c["name"] for c in sa.inspect(model.meta.engine).get_columns(TABLE)}


def indexes():
    return {i["name"] for i in sa.inspect(model.meta.engine).get_indexes(TABLE)}


def run(sql, **params):
    with model.meta.engine.begin() as conn:
        return conn.execute(sa.text(sql), params)


@pytest.mark.usefixtures("clean_db", "with_plugins")
def test_upgrade_downgrade_upgrade(migrate_db_for):
    migrate_db_for("satudata_search")
    assert TABLE in tables()
    assert {"facet_fields", "search_vector", "permission_labels"} <= columns()
    assert {"satudata_search_index_vector_idx", "satudata_search_index_labels_idx",
            "satudata_search_index_modified_idx", "satudata_search_index_words_idx",
            "satudata_search_index_title_idx"} <= indexes()
    assert "satudata_search_facet_count" in tables()
    migrate_db_for("satudata_search", "base", forward=False)
    assert TABLE not in tables()
    migrate_db_for("satudata_search")
    assert TABLE in tables()


@pytest.mark.usefixtures("clean_db", "with_plugins")
def test_satudata_chain_no_longer_owns_the_table(migrate_db_for):
    migrate_db_for("satudata_search", "base", forward=False)
    migrate_db_for("satudata")
    assert TABLE not in tables()
    migrate_db_for("satudata_search")
    migrate_db_for("satudata", "base", forward=False)
    assert TABLE in tables(), "downgrading satudata leaves satudata_search's table"
    migrate_db_for("satudata")


# The table as `satudata` revision 0001 created it (before 0004 added facet_fields).
_OLD_0001 = """
CREATE TABLE satudata_search_index (
    package_id text PRIMARY KEY, site_id text NOT NULL, name text NOT NULL,
    title_sort text, state text NOT NULL, capacity text NOT NULL,
    permission_labels text[] NOT NULL, metadata_created timestamptz,
    metadata_modified timestamptz, fields jsonb NOT NULL, data_dict text,
    validated_data_dict text, search_vector tsvector,
    indexed_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX satudata_search_index_vector_idx ON satudata_search_index USING gin (search_vector);
CREATE INDEX satudata_search_index_labels_idx ON satudata_search_index USING gin (permission_labels);
CREATE INDEX satudata_search_index_modified_idx ON satudata_search_index (metadata_modified);
"""


@pytest.mark.usefixtures("clean_db", "with_plugins")
@pytest.mark.parametrize("with_facets", [False, True], ids=["at-0001", "at-0004"])
def test_adopts_the_table_of_an_existing_database(migrate_db_for, with_facets):
    """A database upgraded by the old `satudata` chain: rows survive, the
    table gets what it lacks, and the chain then downgrades and upgrades."""
    migrate_db_for("satudata_search", "base", forward=False)
    run(_OLD_0001)
    if with_facets:
        run("ALTER TABLE satudata_search_index ADD COLUMN facet_fields jsonb "
            "NOT NULL DEFAULT '{}'")
    run("INSERT INTO satudata_search_index (package_id, site_id, name, state, capacity, "
        "permission_labels, fields) VALUES ('p1', 's', 'n1', 'active', 'public', "
        "ARRAY['public'], CAST(:f AS jsonb))", f='{"tags": ["air"], "organization": ["dinkes"]}')
    migrate_db_for("satudata_search")
    row = run("SELECT name, facet_fields FROM satudata_search_index").one()
    assert row.name == "n1"
    if not with_facets:
        assert row.facet_fields["tags"] == ["air"] and row.facet_fields["groups"] == []
    assert {"satudata_search_index_fields_idx", "satudata_search_index_modified_idx"} <= indexes()
    migrate_db_for("satudata_search", "base", forward=False)
    assert TABLE not in tables()
    migrate_db_for("satudata_search")

"""`ckan db upgrade -p satudata` upgrades and downgrades cleanly."""
import pytest
import sqlalchemy as sa

import ckan.model as model

TABLES = {"satudata_portal_role", "satudata_search_index"}


def tables():
    return set(sa.inspect(model.meta.engine).get_table_names())


@pytest.mark.usefixtures("clean_db", "with_plugins")
def test_upgrade_downgrade_upgrade(migrate_db_for):
    migrate_db_for("satudata")
    assert TABLES <= tables()
    migrate_db_for("satudata", "base", forward=False)
    assert not TABLES & tables()
    migrate_db_for("satudata")
    assert TABLES <= tables()
    indexes = {i["name"] for i in sa.inspect(model.meta.engine).get_indexes("satudata_search_index")}
    assert {"satudata_search_index_vector_idx", "satudata_search_index_labels_idx"} <= indexes

"""`ckan db upgrade -p satudata` upgrades and downgrades cleanly."""
import pytest
import sqlalchemy as sa

import ckan.model as model

# satudata_search_index belongs to the satudata_search chain (tests/search/test_migration.py)
TABLES = {"satudata_portal_role"}


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

"""`ckan search-index rebuild` in batches (search/rebuild.py, dictize_batch.py):
the rows are those of core's one-by-one rebuild, each batch reads its datasets,
what package_dictize needs and the workflow rows in one query each, and core's
options keep their meaning."""
import pytest
import sqlalchemy as sa

import ckan.lib.search as search
import ckan.logic as logic
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan as ckan_cli
from ckan.tests import factories, helpers

from ckanext.satudata import search as satudata_search
from ckanext.satudata.search import name_check
from tests.helpers import SdiDataset, as_user, site_context, walidata_team, walk

BATCH = "ckanext.satudata.search.rebuild_batch_size"
# every column but the moment of writing
ROWS = sa.text("""
    SELECT package_id, site_id, name, title_sort, state, capacity, permission_labels,
           metadata_created, metadata_modified, fields, facet_fields, data_dict,
           validated_data_dict, search_vector::text, words_vector::text
    FROM satudata_search_index ORDER BY package_id""")


def build_catalogue(walidata):
    """Published, concept, held-revision and deleted datasets; resources, tags,
    a vocabulary tag, a group, a relationship and a free extra."""
    dinkes = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    opd = factories.User(name="opd-dinkes")
    helpers.call_action("organization_member_create", context=site_context(),
                        id=dinkes["id"], username=opd["name"], role="editor")
    group = factories.Group(name="kesehatan-ibu-anak", title="Kesehatan Ibu dan Anak")
    vocab = helpers.call_action("vocabulary_create", context=site_context(),
                                name="wilayah", tags=[{"name": "glagah"}])
    resources = [{"url": "http://example.com/a.csv", "format": "CSV", "name": "Tabel"},
                 {"url": "http://example.com/b.xlsx", "format": "XLSX", "name": "Lampiran"}]
    for i, name in enumerate(("jumlah-penduduk", "angka-kematian-bayi", "jumlah-puskesmas",
                              "rencana-data", "data-dihapus")):
        SdiDataset(name=name, title="Data %s" % name.replace("-", " ").title(),
                   notes="Catatan %d kecamatan Glagah" % i, owner_org=dinkes["id"],
                   tags=[{"name": "kesehatan"}, {"name": "glagah", "vocabulary_id": vocab["id"]}],
                   groups=[{"name": group["name"]}] if i % 2 == 0 else [],
                   extras=[{"key": "catatan_sumber", "value": "survei %d" % i}],
                   resources=resources[: 1 + i % 2])
    for name in ("jumlah-penduduk", "angka-kematian-bayi", "jumlah-puskesmas"):
        walk(name, walidata)
    # an edit of a live dataset is held as a revision (state penyusunan)
    helpers.call_action("package_patch", context=as_user(opd), id="jumlah-puskesmas",
                        title="Jumlah Puskesmas (revisi)")
    helpers.call_action("package_relationship_create", context=site_context(),
                        subject="angka-kematian-bayi", object="jumlah-penduduk",
                        type="depends_on")
    helpers.call_action("package_delete", context=site_context(), id="data-dihapus")
    return walidata


@pytest.fixture(scope="module")
def _shared():
    return {}


@pytest.fixture
def catalogue(request, _shared, with_plugins):
    """The catalogue, built once for the module (~1.5 s a build): the tests
    write only the search index and its facet counts, and each test's are
    taken back after it (the tables' rows as they were after the build, checked;
    built again from an empty database if they are not, or if a test of the
    module emptied the database since)."""
    if not _shared or not _still_there(_shared["index"]):
        request.getfixturevalue("satudata_db")
        _shared.clear()
        walidata = build_catalogue(walidata_team())
        model.repo.commit()
        _shared.update(walidata=walidata, index=_index_tables())
    yield _shared["walidata"]
    model.Session.remove()   # the test's transaction, if it left one open
    try:
        _take_back(_shared["index"])
    finally:
        if _index_tables() != _shared["index"]:
            _shared.clear()


INDEX_TABLES = ("satudata_search_index", "satudata_search_facet_count")


def _index_tables():
    """The rows of the index tables, as JSON text (in a stable order)."""
    with model.meta.engine.connect() as conn:
        return tuple(conn.execute(sa.text(
            "SELECT coalesce(json_agg(t ORDER BY t::text), '[]')::text FROM %s t" % table
        )).scalar() for table in INDEX_TABLES)


def _take_back(rows):
    """The index tables' rows put back (the index first: its trigger moves
    the counts, which are then put back as they were)."""
    with model.meta.engine.begin() as conn:
        for table, saved in zip(INDEX_TABLES, rows):
            conn.execute(sa.text("DELETE FROM %s" % table))
            conn.execute(sa.text(
                "INSERT INTO {0} SELECT * FROM json_populate_recordset(NULL::{0}, "
                "CAST(:rows AS json))".format(table)), {"rows": saved})


def _still_there(rows):
    return _index_tables() == rows


def rows():
    model.Session.remove()
    return [tuple(r) for r in model.Session.execute(ROWS)]


def core_rebuild(**kwargs):
    satudata_search._originals["rebuild"](**kwargs)


def wipe():
    search.index_for(model.Package).clear()


@pytest.mark.ckan_config(BATCH, "2")
def test_batched_rows_are_those_of_core_one_by_one(catalogue):
    wipe()
    core_rebuild(quiet=True)
    one_by_one = rows()
    assert len(one_by_one) == 4  # the deleted one is left out (remove_deleted_packages)
    wipe()
    assert rows() == []
    search.rebuild(quiet=True)
    assert rows() == one_by_one
    # and, on its own terms: the public sees the three published datasets as
    # signed off, never the concept, the held edit or the deleted one
    public = helpers.call_action("package_search", context=as_user(None), rows=10,
                                 **{"facet.field": ["tags", "res_format"]})
    assert sorted(d["name"] for d in public["results"]) == [
        "angka-kematian-bayi", "jumlah-penduduk", "jumlah-puskesmas"]
    assert public["facets"]["tags"] == {"kesehatan": 3}
    for hidden in ("rencana", "revisi", "dihapus"):
        assert helpers.call_action("package_search", context=as_user(None),
                                   q=hidden)["count"] == 0, hidden


@pytest.mark.ckan_config(BATCH, "2")
def test_the_cli_rebuild_goes_in_batches_with_one_read_each(catalogue, cli):
    batches = []

    def receiver(sender, **kwargs):
        batches.append(sorted(sender))
    signal = tk.signals.ckanext.signal("satudata_search_before_batch_index")
    signal.connect(receiver)
    statements = []

    executemany = []

    def record(conn, cursor, statement, parameters, context, many):
        statements.append(statement)
        executemany.append(many)
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        wipe()
        result = cli.invoke(ckan_cli, ["search-index", "rebuild"])
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)
        signal.disconnect(receiver)
    assert result.exit_code == 0, result.output
    assert [len(b) for b in batches] == [2, 2]
    assert len(rows()) == 4
    # one read of the workflow rows and one upsert per batch, not per dataset
    workflow_reads = [s for s in statements if "FROM satudata_dataset_workflow" in s]
    upserts = [s for s in statements if s.lstrip().startswith("INSERT INTO satudata_search_index")]
    assert len(workflow_reads) == 2 and len(upserts) == 2
    # each batch's rows in one statement, one round trip: psycopg2's
    # executemany (a round trip per row, each a GIL handover in the writer
    # thread) made writing 4x slower than PostgreSQL's work
    assert all(s.count("%(package_id_") == 2 for s in upserts)
    assert not any(many for s, many in zip(statements, executemany)
                   if s.lstrip().startswith("INSERT INTO satudata_search_index"))
    # what package_dictize reads (resources, tags, groups, organization,
    # relationships) once per batch too
    assert len([s for s in statements if "_satudata_batch_key" in s]) == 2 * 6
    # and the names core's validation checks for uniqueness
    assert len([s for s in statements if "package.name IN (" in s]) == 2
    assert not [s for s in statements if "package.name = %(name_1)s" in s]
    for one_dataset in ("resource.package_id = %(package_id_1)s",
                        "package_tag.package_id = %(package_id_1)s",
                        "member.table_id = %(table_id_1)s",
                        "package_relationship.subject_package_id = %(subject_package_id_1)s"):
        assert not [s for s in statements if one_dataset in s], one_dataset


def test_the_name_check_of_a_batch_answers_as_cores(catalogue):
    """Within a batch the name check reads the batch's names, not the database,
    and says what core's validator says; outside a batch it is core's."""
    validator = tk.get_validator("package_name_validator")
    assert validator is name_check.package_name_validator
    schema = {"id": [], "name": [validator]}
    own_id = model.Package.get("jumlah-penduduk").id
    cases = [{"name": "jumlah-penduduk"},                   # taken by another
             {"name": "jumlah-penduduk", "id": own_id},     # its own name
             {"name": "jumlah-penduduk", "id": "lain"},
             {"name": "data-dihapus"},                      # deleted: free again
             {"name": "x"}, {"name": "n" * 101},            # too short, too long
             {"name": "belum-ada"}]                         # not in the batch: core

    def errors():
        context = {"model": model, "session": model.Session}
        return [tk.navl_validate(dict(case), schema, context)[1] for case in cases]
    by_core = errors()
    assert by_core[0] == by_core[2] == {"name": ["That URL is already in use."]}
    assert by_core[1] == by_core[3] == by_core[6] == {}
    assert "less than minimum" in by_core[4]["name"][0]
    assert "more than maximum" in by_core[5]["name"][0]
    batch = model.Session.query(model.Package).all() + [
        model.Package(name="x"), model.Package(name="n" * 101)]
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        with name_check.batch(batch):
            statements.clear()
            in_batch = errors()
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)
    assert in_batch == by_core
    # only the name that is not in the batch went to the database
    assert len(statements) == 1 and "EXISTS" in statements[0], statements


def test_a_single_dataset_and_the_held_revision_state(catalogue):
    wipe()
    search.rebuild("jumlah-puskesmas")
    assert [r[2] for r in rows()] == ["jumlah-puskesmas"]
    doc = search.show("jumlah-puskesmas")
    assert doc["satudata_state"] == "penyusunan" and doc["satudata_revision_pending"] == "true"
    with pytest.raises(logic.NotFound):
        search.rebuild("tidak-ada")


@pytest.mark.ckan_config(BATCH, "2")
def test_a_failing_dataset_stops_the_rebuild_unless_forced(catalogue, monkeypatch):
    broken = model.Package.get("jumlah-puskesmas").id
    ids = sorted(r[0] for r in rows())
    original = logic.package_show_default_and_custom_schemas

    def failing(context, package_id):
        if package_id == broken:
            raise RuntimeError("rusak")
        return original(context, package_id)
    monkeypatch.setattr(logic, "package_show_default_and_custom_schemas", failing)
    wipe()
    with pytest.raises(RuntimeError):
        search.rebuild(package_ids=ids, quiet=True)
    # the batches before the failing one stay, as Solr keeps what it was sent
    before = ids[: ids.index(broken) // 2 * 2]
    assert sorted(r[0] for r in rows()) == before
    wipe()
    search.rebuild(package_ids=ids, force=True, quiet=True)
    assert sorted(r[0] for r in rows()) == sorted(set(ids) - {broken})


def test_only_missing_and_clear(catalogue):
    model.Session.execute(sa.text(
        "DELETE FROM satudata_search_index WHERE name = 'angka-kematian-bayi'"))
    model.Session.commit()
    written = dict(model.Session.execute(sa.text(
        "SELECT name, indexed_at FROM satudata_search_index")).all())
    search.rebuild(only_missing=True, quiet=True)
    now = dict(model.Session.execute(sa.text(
        "SELECT name, indexed_at FROM satudata_search_index")).all())
    assert set(now) == set(written) | {"angka-kematian-bayi"}
    assert all(now[name] == at for name, at in written.items())  # others untouched
    # a row for a dataset that no longer exists goes with `clear`
    model.Session.execute(sa.text(
        "UPDATE satudata_search_index SET package_id = 'hilang', name = 'hilang' "
        "WHERE name = 'rencana-data'"))
    model.Session.commit()
    search.rebuild(quiet=True, clear=True)
    names = sorted(r[2] for r in rows())
    assert "hilang" not in names and "rencana-data" in names and len(names) == 4


@pytest.mark.ckan_config("ckan.search.remove_deleted_packages", "false")
def test_deleted_datasets_kept_when_configured(catalogue):
    wipe()
    search.rebuild(quiet=True)
    states = {r[2]: r[4] for r in rows()}
    assert states["data-dihapus"] == "deleted" and len(states) == 5


@pytest.mark.ckan_config(BATCH, "0")
def test_batch_size_0_is_cores_rebuild(catalogue):
    batches = []

    def receiver(sender, **kwargs):
        batches.append(sender)
    signal = tk.signals.ckanext.signal("satudata_search_before_batch_index")
    signal.connect(receiver)
    try:
        wipe()
        search.rebuild(quiet=True)
    finally:
        signal.disconnect(receiver)
    assert batches == [] and len(rows()) == 4


COUNTS = sa.text("SELECT labels, dataset_type, capacity, key, value, n "
                 "FROM satudata_search_facet_count WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5, 6")


@pytest.mark.ckan_config(BATCH, "2")
def test_rows_are_written_while_the_next_batch_is_built(catalogue, monkeypatch):
    """The writer thread writes batch k while batch k+1 is built; a deleted
    dataset in batch k+1 has its (counted) row removed by the building thread,
    on the facet counts the writer is raising: no deadlock, counts exact."""
    import threading
    from ckanext.satudata.search import index as search_index
    from ckanext.satudata.search import rebuild as search_rebuild
    # the worst interleaving, made certain: a batch's write waits until the
    # building thread has removed the deleted dataset's row (at most 5 s)
    removed = threading.Event()
    delete_package = search_index.PostgresPackageSearchIndex.delete_package
    write = search_rebuild._Writer._write

    def removing(self, pkg_dict):
        delete_package(self, pkg_dict)
        removed.set()

    def late_write(engine, rows):
        removed.wait(5)
        write(engine, rows)
    monkeypatch.setattr(search_index.PostgresPackageSearchIndex, "delete_package", removing)
    monkeypatch.setattr(search_rebuild._Writer, "_write", staticmethod(late_write))
    deleted = model.Package.get("data-dihapus").id
    # batch 2 holds two published datasets: rows whose counts the deleted
    # dataset's row (a copy of a published one) shares
    others = [model.Package.get(name).id for name in (
        "rencana-data", "jumlah-puskesmas", "jumlah-penduduk", "angka-kematian-bayi")]
    # the deleted dataset's row back in the index, counted as active
    model.Session.execute(sa.text(
        "INSERT INTO satudata_search_index (package_id, site_id, name, title_sort, state, "
        "capacity, permission_labels, fields, facet_fields, data_dict, validated_data_dict, "
        "search_vector, words_vector, indexed_at) "
        "SELECT :id, site_id, 'data-dihapus', title_sort, 'active', capacity, "
        "permission_labels, fields, facet_fields, data_dict, validated_data_dict, "
        "search_vector, words_vector, indexed_at FROM satudata_search_index "
        "WHERE name = 'jumlah-penduduk'"), {"id": deleted})
    # the others to be written anew: their inserts raise the counts
    model.Session.execute(sa.text("DELETE FROM satudata_search_index WHERE package_id <> :id"),
                          {"id": deleted})
    model.Session.commit()
    failed = []

    def run():
        try:
            search.rebuild(package_ids=others + [deleted], quiet=True)
        except Exception as e:  # reported below
            failed.append(e)
        finally:
            model.Session.remove()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(60)
    if thread.is_alive():
        # free the stuck connections so the rest of the suite can go on
        model.Session.execute(sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        pytest.fail("the rebuild is stuck: writer and builder wait on each other")
    assert not failed, failed
    assert sorted(r[0] for r in rows()) == sorted(others)
    written = model.Session.execute(COUNTS).all()
    search_index.recount_facets()
    assert model.Session.execute(COUNTS).all() == written
    model.Session.rollback()


@pytest.mark.ckan_config(BATCH, "2")
def test_a_failing_write_fails_the_rebuild(catalogue):
    ids = sorted(r[0] for r in rows())
    model.Session.execute(sa.text(
        "ALTER TABLE satudata_search_index ADD CONSTRAINT satudata_test_no_puskesmas "
        "CHECK (name <> 'jumlah-puskesmas') NOT VALID"))
    model.Session.commit()
    try:
        with pytest.raises(sa.exc.IntegrityError):
            search.rebuild(package_ids=ids, quiet=True)
    finally:
        model.Session.rollback()
        model.Session.execute(sa.text(
            "ALTER TABLE satudata_search_index DROP CONSTRAINT satudata_test_no_puskesmas"))
        model.Session.commit()


@pytest.mark.ckan_config(BATCH, "2")
def test_a_rebuild_of_the_catalogue_leaves_the_index_tidy(catalogue):
    """After a rebuild of everything the GIN indexes' pending lists are merged
    (VACUUM ANALYZE): searches do not scan them until autovacuum comes by.
    A rebuild of some datasets leaves that to autovacuum."""
    pending = sa.text("SELECT gin_clean_pending_list('satudata_search_index_vector_idx'::regclass)"
                      " + gin_clean_pending_list('satudata_search_index_words_idx'::regclass)")

    def pending_pages():
        model.Session.remove()
        pages = model.Session.execute(pending).scalar()  # and merges them
        model.Session.commit()
        return pages
    pending_pages()
    ids = [r[0] for r in model.Session.execute(sa.text("SELECT id FROM package"))]
    search.rebuild(package_ids=ids, quiet=True)
    assert pending_pages() > 0
    search.rebuild(quiet=True)
    assert pending_pages() == 0
    assert len(rows()) == 4


@pytest.mark.ckan_config(BATCH, "2")
def test_a_rebuild_of_the_catalogue_leaves_the_facet_counts_compact(catalogue):
    """The counts' trigger updates a row per dataset and key: indexing leaves
    the table's file many times its rows' size, and every /dataset page scans
    it (issue 28: 3,500 rows in 1,400 pages at 30,000 datasets). A rebuild of
    the catalogue leaves it as small as a fresh copy of its rows."""
    def pages():
        model.Session.remove()
        size = model.Session.execute(sa.text(
            "SELECT pg_relation_size('satudata_search_facet_count')")).scalar()
        model.Session.execute(sa.text(
            "CREATE TEMP TABLE compact AS SELECT * FROM satudata_search_facet_count"))
        compact = model.Session.execute(sa.text("SELECT pg_relation_size('compact')")).scalar()
        model.Session.rollback()
        return size // 8192, compact // 8192
    ids = [r[0] for r in model.Session.execute(sa.text("SELECT id FROM package"))]
    model.Session.remove()
    # an open snapshot keeps every old row version, as a busy site's do
    with model.meta.engine.connect().execution_options(
            isolation_level="REPEATABLE READ") as reader, reader.begin():
        reader.execute(sa.text("SELECT count(*) FROM satudata_search_facet_count"))
        for _ in range(15):   # each dataset's counts taken out and put back
            wipe()
            search.rebuild(package_ids=ids, quiet=True)
    grown, compact = pages()
    assert grown > compact
    search.rebuild(quiet=True)
    size, compact = pages()
    assert size == compact


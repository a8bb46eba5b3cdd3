"""``ckan search-index rebuild`` in batches, for the PostgreSQL backend.

Core's rebuild indexes one dataset at a time: ``package_show`` finds the
dataset, dictizes and validates it twice, plugins add their fields, the index
row is written, and the next dataset starts with a new round of queries. Here
the datasets of a batch are loaded into the session with one query (so
``package_show`` and the permission labels find them there), the rows core's
``package_dictize`` reads are fetched for the whole batch (``dictize_batch``),
so are the names core's validation checks for uniqueness (``name_check``),
plugins may load what they add for the whole batch at once (the
``before_batch_index`` signal), and the batch's rows go to the database in
one round trip, written on a second connection while the next batch is built
(``_Writer``).

Every document is still made by core's ``package_show_default_and_custom_schemas``
and every plugin's ``before_dataset_index``: the rows are exactly those of
the one-by-one path (``tests/search/test_rebuild.py`` compares them).
Same signature and options as ``ckan.lib.search.rebuild``, which it replaces
while the backend is installed; a single dataset still goes through core.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import logging
import sys
from typing import Any, Callable, Collection, Iterator, Optional

import sqlalchemy as sa

import ckan.logic as logic
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.common import config

from . import dictize_batch, name_check

log = logging.getLogger(__name__)

# Receivers get the ids of a batch before its documents are built and may
# load, in one query, what their `before_dataset_index` would read per dataset.
before_batch_index = tk.signals.ckanext.signal(
    "satudata_search_before_batch_index",
    "Ids of the datasets the index rebuild is about to index, as one batch")
after_batch_index = tk.signals.ckanext.signal(
    "satudata_search_after_batch_index",
    "A rebuild batch has been written; what was loaded for it can go")


def batch_size() -> int:
    return config.get("ckanext.satudata.search.rebuild_batch_size")


def _batches(ids: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _ids_to_index(only_missing: bool) -> list[str]:
    """The datasets core's rebuild would walk (all, or those not indexed)."""
    from ckan.lib.search import query_for
    packages = model.Session.query(model.Package.id)
    if config.get("ckan.search.remove_deleted_packages"):
        packages = packages.filter(model.Package.state != "deleted")
    ids = [r[0] for r in packages]
    if only_missing:
        indexed = set(query_for(model.Package).get_all_entity_ids(max_results=len(ids)))
        ids = [i for i in ids if i not in indexed]
    return ids


class _Writer:
    """Writes a batch's rows on its own connection and thread while the next
    batch is being built.

    Building a row is Python (dictize, validation, plugins); writing it is
    PostgreSQL's work (tsvectors, GIN entries, the facet-count trigger), about
    a fifth of the time when done in turn. Overlapped, the database works on
    the other core meanwhile. One batch in flight at most; each is committed
    on its own, as the batches of the sequential path were. The caller commits
    its session before waiting here, so the writer never waits on locks held
    by the thread that waits for it (a deleted dataset's row removed by the
    caller counts facets down on the rows the writer counts up).
    """

    def __init__(self) -> None:
        # the engine, taken here: the scoped session is per thread
        self._engine = model.Session.get_bind()
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="satudata-search-writer")
        self._pending: Optional[concurrent.futures.Future] = None

    def submit(self, rows: list[dict[str, Any]]) -> None:
        self.wait()
        if rows:
            self._pending = self._pool.submit(self._write, self._engine, rows)

    @staticmethod
    def _write(engine: Any, rows: list[dict[str, Any]]) -> None:
        from .index import PostgresPackageSearchIndex
        with engine.begin() as connection:
            PostgresPackageSearchIndex().write_rows(rows, connection)

    def wait(self) -> None:
        """Until the batch in flight is written; its error is raised here."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            self._pool.shutdown()


@contextlib.contextmanager
def batch_opened(ids: list[str]) -> Iterator[None]:
    """While open, these datasets are in the session, the rows core's
    ``package_dictize`` reads and the names its validation checks are
    answered from one query each, and plugins have loaded their own rows
    (``before_batch_index``)."""
    # kept referenced while the batch runs: the session's identity map is weak
    loaded = model.Session.query(model.Package).filter(model.Package.id.in_(ids)).all()
    before_batch_index.send(ids)
    try:
        with dictize_batch.prefetched(loaded), name_check.batch(loaded):
            yield
    finally:
        after_batch_index.send(ids)
        del loaded


def build_rows(ids: list[str], force: bool = False) -> list[dict[str, Any]]:
    """The index rows of these datasets, built as one batch (nothing written
    but the removal of deleted datasets, in the caller's session)."""
    from .index import PostgresPackageSearchIndex
    index = PostgresPackageSearchIndex()
    rows: list[dict[str, Any]] = []
    with batch_opened(ids):
        for package_id in ids:
            try:
                both = logic.package_show_default_and_custom_schemas(
                    {"ignore_auth": True}, package_id)
                row = index.row_for(dict(both[0], with_custom_schema=both[1]))
            except Exception as e:
                log.error("Error while indexing dataset %s: %r", package_id, e)
                if not force:
                    raise
                continue
            if row is not None:
                rows.append(row)
    return rows


def rebuild(package_id: Optional[str] = None, only_missing: bool = False,
            force: bool = False, defer_commit: bool = False,
            package_ids: Optional[Collection[str]] = None, quiet: bool = False,
            clear: bool = False, *, _core: Optional[Callable[..., Any]] = None) -> None:
    """``ckan.lib.search.rebuild`` with the same meaning, in batches."""
    assert _core is not None
    if package_id or batch_size() <= 0:
        # one dataset (its own errors, its NotFound), or batching turned off
        return _core(package_id=package_id, only_missing=only_missing, force=force,
                     defer_commit=defer_commit, package_ids=package_ids, quiet=quiet,
                     clear=clear)
    log.info("Rebuilding search index...")
    from ckan.lib.search import index_for
    if package_ids is not None:
        ids = list(package_ids)
    else:
        ids = _ids_to_index(only_missing)
        if only_missing and not ids:
            log.info("All datasets are already indexed")
            return
        if clear and not only_missing:
            index_for(model.Package).clear()
    done = 0
    writer = _Writer()
    try:
        for batch in _batches(ids, batch_size()):
            rows = build_rows(batch, force)
            # per batch, as Solr keeps what it was sent: a failure later does
            # not undo the batches before it, and the session stays small
            model.Session.commit()
            writer.submit(rows)
            done += len(batch)
            if not quiet:
                sys.stdout.write("\rIndexing dataset {0}/{1}".format(done, len(ids)))
                sys.stdout.flush()
    finally:
        writer.close()
    model.Session.commit()
    if package_ids is None and not only_missing:
        # every row rewritten (rebuild -o writes only the missing few)
        tidy_after_bulk_write()
    log.info("Finished rebuilding search index.")


def tidy_after_bulk_write() -> None:
    """VACUUM ANALYZE the index tables after a rebuild of the catalogue.

    Every row has just been rewritten: half the table is dead rows, the GIN
    indexes' pending lists (fastupdate) are full and every text search scans
    them, and the planner's statistics are those of before. Left to
    autovacuum, the first minutes of searches after a rebuild pay for it, and
    the vacuum competes with them for the CPU. (``rebuild-fast`` rebuilds in
    subsets and leaves this to autovacuum.)"""
    engine = model.Session.get_bind()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in ("satudata_search_index", "satudata_search_facet_count"):
            connection.execute(sa.text("VACUUM (ANALYZE) %s" % table))
        compact_facet_counts(connection)


def compact_facet_counts(connection: Any) -> None:
    """Rewrite the facet counts table after a rebuild of the catalogue.

    It holds a few thousand live rows, but its trigger updated them once per
    dataset and key: at 30,000 datasets a rebuild left 3,500 rows in an 11 MB
    file (1,400 pages), which every /dataset page's counts statement scans,
    and VACUUM frees the space without shrinking the file (issue 28). VACUUM
    FULL rewrites it in milliseconds under an exclusive lock; searches wait
    for it, so it gives up after two seconds rather than queue them behind a
    long transaction (then the file stays as VACUUM left it)."""
    try:
        connection.execute(sa.text("SET lock_timeout = '2s'"))
        connection.execute(sa.text("VACUUM (FULL, ANALYZE) satudata_search_facet_count"))
    except sa.exc.OperationalError as error:
        log.warning("facet counts not compacted (%s)", str(error).splitlines()[0])
    finally:
        connection.execute(sa.text("RESET lock_timeout"))

"""The PostgreSQL search backend of the ``satudata_search`` plugin
(``plugin.py``; ``ckanext.satudata.search_backend``).

``postgres`` (default) registers this package's index and query classes in
CKAN's own registries (``ckan.lib.search._INDICES``/``_QUERIES``), and points
the two places in CKAN that bypass those registries at them:
``ckan.lib.search.PackageSearchQuery`` (organization/group/tag counts in
``model_dictize``), ``check_solr_schema_version`` (run at every start),
``clear`` (a single dataset; Solr would commit it by itself) and ``rebuild``
(in batches, ``rebuild.py``).
``solr`` leaves CKAN's stock Solr path untouched.
"""
from __future__ import annotations

import functools
import logging
import os
from typing import Optional

import ckan.lib.search as ckan_search
from ckan.common import config

log = logging.getLogger(__name__)

_originals: dict[str, object] = {}


def backend() -> str:
    return config.get("ckanext.satudata.search_backend")


def check_index_table() -> bool:
    """Stands in for the Solr schema check: the index table must exist."""
    from .model import table_exists
    try:
        present = table_exists("satudata_search_index")
    except Exception:  # database not initialised yet (e.g. `ckan db init`)
        log.debug("search index check skipped: database not reachable yet")
        return False
    if not present:
        log.warning("satudata search index table is missing: run `ckan db upgrade -p satudata_search`")
    return present


def batched_rebuild(*args, **kwargs):
    from .rebuild import rebuild
    return rebuild(*args, **kwargs)


def clear_dataset(package_reference: str) -> None:
    """`ckan search-index clear NAME`: core relies on Solr committing by itself."""
    import ckan.model as model
    _originals["clear"](package_reference)
    model.Session.commit()


def schema_check(schema_file: Optional[str] = None) -> bool:
    """CKAN checks Solr's schema at every start; here the index table stands
    in for it. With a schema file (CKAN's tests) the file is still checked."""
    if schema_file:
        return _originals["schema_check"](schema_file)
    return check_index_table()


# Methods of CKAN's own classes that this backend replaces in place, so every
# way in reaches it: the registries (`index_for`, `query_for`),
# `ckan.lib.search.PackageSearchQuery` (used by `model_dictize` for counts),
# and code that instantiates `ckan.lib.search.index.PackageSearchIndex` or
# `ckan.lib.search.query.PackageSearchQuery` itself.
def _replacements():
    from ckan.lib.search.index import PackageSearchIndex
    from ckan.lib.search.query import PackageSearchQuery
    from .index import PostgresPackageSearchIndex
    from .query import PostgresPackageSearchQuery
    out = []
    for target, source in ((PackageSearchIndex, PostgresPackageSearchIndex),
                           (PackageSearchQuery, PostgresPackageSearchQuery)):
        for name, value in vars(source).items():
            if not name.startswith("__"):
                out.append((target, name, value))
    return out


_MISSING = object()


def install() -> None:
    """Select the configured backend. Idempotent; ``uninstall`` restores core."""
    if backend() != "postgres":
        uninstall()
        return
    if _originals:
        return
    _originals.update(
        schema_check=ckan_search.check_solr_schema_version,
        is_available=ckan_search.is_available,
        clear=ckan_search.clear,
        rebuild=ckan_search.rebuild,
        methods=[(target, name, target.__dict__.get(name, _MISSING))
                 for target, name, _ in _replacements()],
    )
    for target, name, value in _replacements():
        setattr(target, name, value)
    ckan_search.check_solr_schema_version = schema_check
    ckan_search.is_available = check_index_table
    ckan_search.clear = clear_dataset
    ckan_search.rebuild = functools.partial(batched_rebuild, _core=_originals["rebuild"])
    _fork_safety()


def installed() -> bool:
    return bool(_originals)


def uninstall() -> None:
    if not _originals:
        return
    for target, name, value in _originals["methods"]:
        if value is _MISSING:
            delattr(target, name)
        else:
            setattr(target, name, value)
    ckan_search.check_solr_schema_version = _originals["schema_check"]
    ckan_search.is_available = _originals["is_available"]
    ckan_search.clear = _originals["clear"]
    ckan_search.rebuild = _originals["rebuild"]
    _originals.clear()


_fork_registered = False


def _fork_safety() -> None:
    """``ckan search-index rebuild-fast`` forks workers after the parent has
    used the database: a child must not talk over the parent's connections
    (the parent's pool and session are dropped in the child, never closed)."""
    global _fork_registered
    if _fork_registered or not hasattr(os, "register_at_fork"):
        return

    def after_fork_in_child() -> None:
        import ckan.model as model
        try:
            model.Session.registry.clear()
        except Exception:  # pragma: no cover - nothing to forget
            pass
        engine = getattr(model.meta, "engine", None)
        if engine is not None:
            engine.dispose(close=False)

    os.register_at_fork(after_in_child=after_fork_in_child)
    _fork_registered = True

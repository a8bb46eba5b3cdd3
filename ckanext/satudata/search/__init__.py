"""The PostgreSQL search backend of the ``satudata_search`` plugin
(``plugin.py``; ``ckanext.satudata.search_backend``).

``postgres`` (default) registers this package's index and query classes in
CKAN's own registries (``ckan.lib.search._INDICES``/``_QUERIES``), and points
the two places in CKAN that bypass those registries at them:
``ckan.lib.search.PackageSearchQuery`` (organization/group/tag counts in
``model_dictize``), ``check_solr_schema_version`` (run at every start) and
``clear`` (a single dataset; Solr would commit it by itself).
``solr`` leaves CKAN's stock Solr path untouched.
"""
from __future__ import annotations

import logging

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


def clear_dataset(package_reference: str) -> None:
    """`ckan search-index clear NAME`: core relies on Solr committing by itself."""
    import ckan.model as model
    _originals["clear"](package_reference)
    model.Session.commit()


def install() -> None:
    """Select the configured backend. Idempotent; ``uninstall`` restores core."""
    if backend() != "postgres":
        uninstall()
        return
    from .index import PostgresPackageSearchIndex
    from .query import PostgresPackageSearchQuery
    if not _originals:
        _originals.update(
            index=ckan_search._INDICES["package"],
            query=ckan_search._QUERIES["package"],
            query_class=ckan_search.PackageSearchQuery,
            schema_check=ckan_search.check_solr_schema_version,
            clear=ckan_search.clear,
        )
    ckan_search._INDICES["package"] = PostgresPackageSearchIndex
    ckan_search._QUERIES["package"] = PostgresPackageSearchQuery
    ckan_search.PackageSearchQuery = PostgresPackageSearchQuery
    ckan_search.check_solr_schema_version = lambda schema_file=None: check_index_table()
    ckan_search.clear = clear_dataset


def uninstall() -> None:
    if not _originals:
        return
    ckan_search._INDICES["package"] = _originals["index"]
    ckan_search._QUERIES["package"] = _originals["query"]
    ckan_search.PackageSearchQuery = _originals["query_class"]
    ckan_search.check_solr_schema_version = _originals["schema_check"]
    ckan_search.clear = _originals["clear"]
    _originals.clear()

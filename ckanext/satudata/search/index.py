"""Indexing side of the PostgreSQL search backend.

The document is the one CKAN would send to Solr (same field names, extras
folded in, vocabulary tags, ``res_*``, ``capacity``, ``permission_labels``,
``before_dataset_index`` hooks of every plugin), so ``fq`` written for Solr
means the same here. It is written with the caller's SQLAlchemy session, so it
commits or rolls back together with the dataset change that caused it.
"""
from __future__ import annotations

import collections
import datetime as dt
import functools
import hashlib
import json
import logging
import re
from typing import Any, Optional

import sqlalchemy as sa
from dateutil.parser import isoparse, parse as dateutil_parse

import ckan.lib.navl.dictization_functions as df
import ckan.lib.plugins as lib_plugins
import ckan.logic as logic
import ckan.model as model
import ckan.plugins as plugins
from ckan.common import config
from ckan.lib.search.common import SearchIndexError
from ckan.lib.search.index import KEY_CHARS, PackageSearchIndex

from .model import INDEX_TABLE, table_exists

log = logging.getLogger(__name__)

# Keys copied into the small `facet_fields` column (migration 0004): a facet
# counts over every matching dataset, and reading the large, out-of-line
# `fields` document for that dominated the /dataset page. Every row carries
# each key ([] when empty); facets on other keys fall back to `fields`.
FACET_KEYS = ("organization", "owner_org", "groups", "tags", "res_format", "license_id",
              "topic", "update_frequency", "presentation_level", "classification")

# Weighted full-text: title > notes > tags/groups/organization > the rest
# (SPEC "Search"). Titles are indexed once more with the `simple` config so
# prefix queries (`kese*`) match the unstemmed word.
# The facet counts (satudata_search_facet_count, migration 0002) follow
# every write of this table through its trigger.
_INSERT = """
INSERT INTO satudata_search_index (
    package_id, site_id, name, title_sort, state, capacity, permission_labels,
    metadata_created, metadata_modified, fields, facet_fields, data_dict,
    validated_data_dict, search_vector, words_vector, indexed_at)
VALUES"""
_ROW = """ (
    :package_id, :site_id, :name, :title_sort, :state, :capacity, :permission_labels,
    :metadata_created, :metadata_modified, CAST(:fields AS jsonb),
    CAST(:facet_fields AS jsonb), :data_dict, :validated_data_dict,
    setweight(to_tsvector(CAST(:cfg AS regconfig), :text_a), 'A')
      || setweight(to_tsvector('simple', :text_a), 'A')
      || setweight(to_tsvector(CAST(:cfg AS regconfig), :text_b), 'B')
      || setweight(to_tsvector(CAST(:cfg AS regconfig), :text_c), 'C')
      || setweight(to_tsvector(CAST(:cfg AS regconfig), :text_d), 'D'),
    to_tsvector('simple', :text_a || ' ' || :text_b || ' ' || :text_c || ' ' || :text_d),
    now())"""
_ON_CONFLICT = """
ON CONFLICT (package_id) DO UPDATE SET
    site_id = EXCLUDED.site_id, name = EXCLUDED.name, title_sort = EXCLUDED.title_sort,
    state = EXCLUDED.state, capacity = EXCLUDED.capacity,
    permission_labels = EXCLUDED.permission_labels,
    metadata_created = EXCLUDED.metadata_created,
    metadata_modified = EXCLUDED.metadata_modified, fields = EXCLUDED.fields,
    facet_fields = EXCLUDED.facet_fields,
    data_dict = EXCLUDED.data_dict, validated_data_dict = EXCLUDED.validated_data_dict,
    search_vector = EXCLUDED.search_vector, words_vector = EXCLUDED.words_vector,
    indexed_at = EXCLUDED.indexed_at
"""
_UPSERT = sa.text(_INSERT + _ROW + _ON_CONFLICT)
_PARAM = re.compile(r"(?<![:\w]):(\w+)")


@functools.lru_cache(maxsize=4)
def _upsert_of(n: int) -> Any:
    """One statement for `n` rows, their parameters suffixed `_0`... `_n-1`.

    A list of rows handed to `execute` is psycopg2's executemany: a round trip
    per row, after each of which the rebuild's writer thread waits for the GIL
    (up to the 5 ms switch interval) while the main thread builds the next
    batch: 6.4 ms a row instead of 0.8 (scripts/bench_search prints both)."""
    rows = ",".join(_PARAM.sub(lambda m: ":%s_%d" % (m.group(1), i), _ROW) for i in range(n))
    return sa.text(_INSERT + rows + _ON_CONFLICT)


RECOUNT = """
INSERT INTO satudata_search_facet_count (site_id, labels, dataset_type, capacity, key, value, n)
SELECT c.site_id, c.labels, c.dataset_type, c.capacity, c.key, c.value, count(*)
FROM satudata_search_index i
CROSS JOIN LATERAL satudata_search_facet_contributions(
    i.site_id, i.permission_labels, i.fields->'dataset_type'->>0, i.capacity, i.state,
    i.facet_fields) c
WHERE i.site_id = :site
GROUP BY 1, 2, 3, 4, 5, 6
"""


def recount_facets() -> None:
    """Counts of this site rebuilt from the index rows (to check or repair
    them; the trigger keeps them from then on)."""
    site = config.get("ckan.site_id")
    model.Session.execute(sa.text("DELETE FROM satudata_search_facet_count WHERE site_id = :site"),
                          {"site": site})
    model.Session.execute(sa.text(RECOUNT), {"site": site})


# Fields that never go to the full-text catch-all (ids, URLs, internals).
_NOT_TEXT = {"id", "site_id", "index_id", "entity_type", "capacity", "state",
             "permission_labels", "owner_org", "creator_user_id", "metadata_created",
             "metadata_modified", "data_dict", "validated_data_dict", "res_url",
             "url", "urls", "dataset_type", "type", "license_id", "private",
             "title", "name", "title_string", "notes", "tags", "groups",
             "organization", "num_resources", "num_tags", "isopen"}


def text_config() -> str:
    return config.get("ckanext.satudata.search.text_config")


def build_document(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """CKAN's Solr document for a dataset (see ckan.lib.search.index)."""
    pkg_dict = dict(pkg_dict)
    validated = pkg_dict.pop("with_custom_schema")
    org_title = (pkg_dict.get("organization") or {}).get("title")

    doc: dict[str, Any] = dict(pkg_dict)
    doc["data_dict"] = json.dumps(pkg_dict)
    doc["validated_data_dict"] = json.dumps(validated, cls=df.MissingNullEncoder)
    if doc.get("title"):
        doc["title_string"] = doc["title"]

    index_fields = set(pkg_dict)
    for extra in doc.pop("extras", None) or []:
        key, value = extra["key"], extra["value"]
        if isinstance(value, (tuple, list)):
            value = " ".join(map(str, value))
        key = "".join(c for c in key if c in KEY_CHARS)
        doc["extras_" + key] = value
        if key not in index_fields:
            doc[key] = value

    tags = []
    for tag in doc.pop("tags", None) or []:
        if tag.get("vocabulary_id"):
            # by primary key: found in the session after the first tag
            vocab = model.Session.get(model.Vocabulary, tag["vocabulary_id"])
            if vocab is None:
                raise logic.NotFound("vocabulary %s" % tag["vocabulary_id"])
            doc.setdefault("vocab_" + vocab.name, []).append(tag["name"])
        else:
            tags.append(tag["name"])
    doc["tags"] = tags
    doc["groups"] = [g["name"] for g in doc.pop("groups", None) or []]
    doc["capacity"] = "private" if doc.get("private") else "public"
    doc["organization"] = (doc.get("organization") or {}).get("name")

    resource_fields = [("name", "res_name"), ("description", "res_description"),
                       ("format", "res_format"), ("url", "res_url"),
                       ("resource_type", "res_type")]
    resource_fields += [(e, "res_extras_" + e) for e in model.Resource.get_extra_columns()]
    for resource in doc.pop("resources", None) or []:
        for key, index_key in resource_fields:
            doc.setdefault(index_key, []).append(resource.get(key) or "")

    # package_show's validated form names the ends `subject`/`object`; the
    # raw dictized form `subject_package_id`/`object_package_id`
    relations: dict[str, list[str]] = collections.defaultdict(list)
    for rel in doc.pop("relationships_as_object", None) or []:
        other = model.Package.get(rel.get("subject_package_id") or rel.get("subject") or "")
        if other:
            relations[model.PackageRelationship.forward_to_reverse_type(rel["type"])].append(other.name)
    for rel in doc.pop("relationships_as_subject", None) or []:
        other = model.Package.get(rel.get("object_package_id") or rel.get("object") or "")
        if other:
            relations[rel["type"]].append(other.name)
    for key, names in relations.items():
        doc.setdefault(key, names)

    doc["entity_type"] = "package"
    doc["dataset_type"] = doc.get("type")
    # as core does for Solr: `*_date` fields parsed (UTC when naive), empty
    # or unparsable ones left out; the title without leading blanks
    for key in [k for k in doc if k.endswith("_date")]:
        value = doc.pop(key)
        if not value:
            continue
        try:
            parsed = isoparse(str(value)) if not isinstance(value, dt.datetime) else value
        except (ValueError, OverflowError):
            try:
                parsed = dateutil_parse(str(value))
            except (ValueError, OverflowError, TypeError):
                log.warning("%r: %r value of %r is not a valid date", doc.get("id"), key, value)
                continue
        doc[key] = parsed.isoformat() + ("" if parsed.tzinfo else "Z")
    if doc.get("title"):
        doc["title"] = doc["title"].lstrip()
    doc["site_id"] = config.get("ckan.site_id")
    doc["index_id"] = hashlib.md5(("%s%s" % (doc["id"], doc["site_id"])).encode()).hexdigest()
    doc["_organization_title"] = org_title

    for plugin in plugins.PluginImplementations(plugins.IPackageController):
        doc = plugin.before_dataset_index(doc)
    assert doc, "Plugin must return non empty package dict on index"

    # Labels decide visibility; neither the dataset nor a plugin may set them.
    dataset = model.Package.get(doc["id"])
    doc["permission_labels"] = (
        lib_plugins.get_permission_labels().get_dataset_labels(dataset) if dataset else [])
    return doc


def _as_strings(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple, set)):
        return [s for v in value for s in _as_strings(v)]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, dict):
        return [json.dumps(value, ensure_ascii=False, sort_keys=True)]
    return [str(value)]


def _timestamp(value: Optional[str]) -> Optional[dt.datetime]:
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value.rstrip("Z"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def index_row(doc: dict[str, Any]) -> dict[str, Any]:
    """Turn a document into the bound parameters of one index row."""
    org_title = doc.pop("_organization_title", None)
    fields = {k: _as_strings(v) for k, v in doc.items()
              if k not in ("data_dict", "validated_data_dict")}
    fields = {k: v for k, v in fields.items() if v}
    text_d = [org_title or ""]
    for key, values in fields.items():
        if key not in _NOT_TEXT and not key.startswith(("res_url", "res_type")):
            text_d.extend(values)
    return {
        "package_id": doc["id"],
        "site_id": doc["site_id"],
        "name": doc["name"],
        "title_sort": (doc.get("title") or doc["name"]).strip().lower(),
        "state": doc.get("state") or "active",
        "capacity": doc["capacity"],
        "permission_labels": list(doc.get("permission_labels") or []),
        "metadata_created": _timestamp(doc.get("metadata_created")),
        "metadata_modified": _timestamp(doc.get("metadata_modified")),
        "fields": json.dumps(fields, ensure_ascii=False),
        # each value once: a facet counts datasets, not occurrences
        "facet_fields": json.dumps({k: list(dict.fromkeys(fields.get(k, []))) for k in FACET_KEYS},
                                   ensure_ascii=False),
        "data_dict": doc.get("data_dict"),
        "validated_data_dict": doc.get("validated_data_dict"),
        "cfg": text_config(),
        "text_a": " ".join(filter(None, [doc.get("title"), doc.get("name")])),
        "text_b": doc.get("notes") or "",
        "text_c": " ".join(fields.get("tags", []) + fields.get("groups", [])
                           + fields.get("organization", [])),
        "text_d": " ".join(text_d),
    }


class PostgresPackageSearchIndex(PackageSearchIndex):
    """``ckan.lib.search`` index class for the ``package`` type."""

    def index_package(self, pkg_dict: Optional[dict[str, Any]],
                      defer_commit: bool = False) -> None:
        if pkg_dict is None:
            return
        row = self.row_for(pkg_dict)
        if row is None:
            return
        # A write the database refuses is core's failed Solr `add`: a
        # SearchIndexError (the dataset form says "Unable to add package to
        # search index", the API answers 500). The savepoint leaves the
        # caller's transaction usable, as a Solr failure does.
        try:
            with model.Session.begin_nested():
                self.write_rows([row])
        except sa.exc.DBAPIError as e:
            log.error("Could not index dataset %s: %s", row["name"], e.orig)
            raise SearchIndexError("Could not write dataset %s to the search index: %s"
                                   % (row["name"], str(e.orig).strip())) from e
        log.debug("Indexed dataset %s", row["name"])

    def row_for(self, pkg_dict: dict[str, Any]) -> Optional[dict[str, Any]]:
        """The dataset's index row; None when it leaves the index instead
        (deleted, with ``ckan.search.remove_deleted_packages``)."""
        if config.get("ckan.search.remove_deleted_packages") and \
                pkg_dict.get("state") in (None, "deleted"):
            self.delete_package(pkg_dict)
            return None
        return index_row(build_document(pkg_dict))

    def write_rows(self, rows: list[dict[str, Any]], connection: Any = None) -> None:
        """Upsert rows, in the caller's session or on `connection` (the
        rebuild's writer); several in one call go as one statement."""
        target = connection or model.Session
        if len(rows) == 1:
            target.execute(_UPSERT, rows[0])
        elif rows:
            target.execute(_upsert_of(len(rows)), {
                "%s_%d" % (key, i): value for i, row in enumerate(rows) for key, value in row.items()})

    def delete_package(self, pkg_dict: dict[str, Any]) -> None:
        model.Session.execute(
            sa.text("DELETE FROM satudata_search_index "
                    "WHERE (package_id = :ref OR name = :ref) AND site_id = :site"),
            {"ref": pkg_dict.get("id"), "site": config.get("ckan.site_id")})

    def commit(self) -> None:
        # Rows are written in the caller's transaction; committing that is the
        # caller's job (CKAN's actions and `search-index rebuild` do).
        pass

    def clear(self) -> None:
        """Empty this site's index (``ckan search-index clear``, test fixtures)."""
        if not table_exists(INDEX_TABLE):
            return
        site = {"site": config.get("ckan.site_id")}
        # every row goes: no need for the trigger to count each one down
        model.Session.execute(sa.text("SELECT set_config('satudata_search.skip_counts', 'on', true)"))
        model.Session.execute(sa.text("DELETE FROM satudata_search_index WHERE site_id = :site"),
                              site)
        model.Session.execute(sa.text("DELETE FROM satudata_search_facet_count "
                                      "WHERE site_id = :site"), site)
        model.Session.execute(sa.text("SELECT set_config('satudata_search.skip_counts', 'off', true)"))
        model.Session.commit()

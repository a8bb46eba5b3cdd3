"""Query side of the PostgreSQL search backend.

Takes the same parameters CKAN's ``PackageSearchQuery.run`` takes (core's
``package_search`` action, ``model_dictize`` counts, ckanext-dcat, harvesters)
and fills ``count``, ``results`` and ``facets`` the same way. Permission labels
are applied in SQL before counting, faceting and paging.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from contextlib import contextmanager
from typing import Any, Optional

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

import ckan.model as model
from ckan.common import asbool, config
from ckan.lib.search.common import SearchError, SearchQueryError, SolrConnectionError
from ckan.lib.search.query import (MAGIC_FIELD_RE, QUERY_PARSER_RE, VALID_SOLR_PARAMETERS,
                                   PackageSearchQuery, _get_local_query_parser)

from . import bounds
from .index import FACET_KEYS, text_config
from .lucene import (COLUMN_FIELDS, DATE_COLUMNS, FULL_TEXT_FIELDS, NGRAM_FIELDS, Translator,
                     is_text_field)

log = logging.getLogger(__name__)

# Multi-valued fields of CKAN's Solr schema: returned as lists in `fl` results.
_MULTI_VALUED = ("tags", "groups", "res_", "permission_labels", "vocab_", "urls")
_SORT_COLUMNS = {"metadata_modified": "metadata_modified",
                 "metadata_created": "metadata_created",
                 "title_string": "title_sort", "name": "name", "id": "package_id"}
# Usage counts are not tracked in the index; these sort as equal.
_UNTRACKED_SORTS = {"views_recent", "views_total"}
_FIELD_NAME = re.compile(r"^[A-Za-z0-9_\-.]+$")
# `fl` names answered without the `fields` document
_NOT_FROM_FIELDS = {"id", "data_dict", "validated_data_dict", "score"}
# what PostgreSQL cannot take as text: a NUL, a lone surrogate
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class PostgresPackageSearchQuery(PackageSearchQuery):

    def get_all_entity_ids(self, max_results: int = 1000) -> list[str]:
        rows = model.Session.execute(sa.text(
            "SELECT package_id FROM satudata_search_index WHERE site_id = :site "
            "AND state = 'active' ORDER BY package_id LIMIT :n"),
            {"site": config.get("ckan.site_id"), "n": max_results})
        return [r[0] for r in rows]

    def get_index(self, reference: str) -> dict[str, Any]:
        if isinstance(reference, (tuple, sa.engine.Row)):
            # core's bulk_update_* passes query rows as ids; Solr tolerated it
            reference = reference[0]
        row = model.Session.execute(sa.text(
            "SELECT fields, data_dict, validated_data_dict, indexed_at "
            "FROM satudata_search_index WHERE site_id = :site "
            "AND (package_id = :ref OR name = :ref)"),
            {"site": config.get("ckan.site_id"), "ref": reference}).first()
        if row is None:
            raise SearchError("Dataset not found in the search index: %s" % reference)
        doc = {k: _single(k, v) for k, v in row.fields.items()}
        doc.update(data_dict=row.data_dict, validated_data_dict=row.validated_data_dict,
                   indexed_ts=solr_date(row.indexed_at))
        return doc

    def run(self, query: dict[str, Any], permission_labels: Optional[list[str]] = None,
            **kwargs: Any) -> dict[str, Any]:
        assert isinstance(query, (dict, MultiDict))
        invalid = set(query.keys()) - VALID_SOLR_PARAMETERS - {"q.op"}
        if invalid:
            raise SearchQueryError("Invalid search parameters: %s" % sorted(invalid))
        for key, value in query.items():
            for item in value if isinstance(value, list) else [value]:
                _check_query_parser(key, item)
                _refuse_unstorable(key, item)

        q = query.get("q")
        if not q or q in ('""', "''"):
            q = "*:*"
        rows = _int(query.get("rows", 10), "rows")
        start = _int(query.get("start", 0), "start")
        if rows < 0 or start < 0:
            raise SearchQueryError("rows and start must not be negative")

        fq = [query["fq"]] if query.get("fq") else []
        fq_list = query.get("fq_list") or []
        fq.extend([fq_list] if isinstance(fq_list, str) else fq_list)
        if not isinstance(q, str) or not all(isinstance(f, str) for f in fq):
            raise SearchQueryError("q, fq and fq_list must be text")

        tr = Translator(text_config(), query.get("q.op", "AND"))
        where = ["site_id = %s" % tr.bind(config.get("ckan.site_id"))]
        if not any("+state:" in f for f in fq):
            where.append("state = 'active'")
        if permission_labels is not None:
            where.append("permission_labels && CAST(%s AS text[])" % tr.bind(list(permission_labels)))
        where.append(_translate(tr, q, "q", lenient=True))
        rank_queries = list(tr.rank_queries)
        for f in fq:
            where.append(_translate(tr, f, "fq"))
        where_sql = " AND ".join("(%s)" % w for w in where)

        rank = ("ts_rank_cd(search_vector, %s)" % _balanced("||", rank_queries)
                if rank_queries else "0")
        order_sql = self._order_by(query.get("sort") or "score desc, metadata_modified desc", rank)
        fl = [f for f in re.split(r"[\s,]+", query.get("fl") or "name") if f]
        params = tr.params
        session = model.Session

        facet_fields = query.get("facet.field") or []
        if isinstance(facet_fields, str):
            facet_fields = [facet_fields]
        try:
            faceting = asbool(query.get("facet", "true"))
        except ValueError:
            raise SearchQueryError('"facet" must be true or false')
        # as Solr does: every requested facet field is present, maybe empty
        self.facets = {f: {} for f in facet_fields} if faceting else {}
        if faceting and facet_fields:
            if not all(isinstance(f, str) for f in facet_fields):
                raise SearchQueryError("facet.field must be a list of field names")
            limit = _int(query.get("facet.limit", config.get("search.facets.limit")),
                         "facet.limit")
            mincount = _int(query.get("facet.mincount", 1), "facet.mincount")
        # the counts' statement too inside the savepoint: its failure (the
        # table missing, a timeout) is answered as any other search's
        with bounded(session):
            counted = None
            if q.strip() == "*:*" and (not faceting or set(facet_fields) <= set(FACET_KEYS)):
                standard = _standard_filters(fq)
                if standard is not None:
                    counted = self._counted(standard, permission_labels,
                                            facet_fields if faceting else [],
                                            limit if faceting and facet_fields else 0,
                                            mincount if faceting and facet_fields else 1)
                elif not (faceting and facet_fields):
                    # one facet value and no facets asked (a dataset page's
                    # related datasets, the API by OPD or tag): its count is
                    # kept too, where a count(*) grows with the catalogue
                    one = _one_facet_value(fq)
                    if one is not None:
                        counted = self._counted(one[0], permission_labels, [], 0, 1,
                                                value=one[1])
            if counted is not None:
                # no query text, standard filters only: the maintained counts
                self.count, facets = counted
                if faceting:
                    self.facets = facets
            elif faceting and facet_fields:
                # the facet scan counts the matches too: no separate count(*) scan
                self.count, self.facets = self._facets(where_sql, params, facet_fields,
                                                       limit, mincount)
            else:
                self.count = session.execute(
                    sa.text("SELECT count(*) FROM satudata_search_index WHERE " + where_sql),
                    params).scalar()

            self.results = []
            if rows and start < self.count:
                select = self._select_list(fl, rank)
                result_rows = session.execute(sa.text(
                    "SELECT %s FROM satudata_search_index WHERE %s ORDER BY %s LIMIT %d OFFSET %d"
                    % (select, where_sql, order_sql, rows, start)), params)
                self.results = [self._result(fl, r) for r in result_rows]

        # as core: fetching only the id or the name (the default) gives a list
        if query.get("fl", "name") in ("id", "name"):
            self.results = [r.get(query.get("fl", "name")) for r in self.results]
        return {"results": self.results, "count": self.count}

    # -- pieces ----------------------------------------------------------
    @staticmethod
    def _order_by(sort: str, rank: str) -> str:
        parts = []
        for clause in sort.split(","):
            bits = clause.split()
            if not bits:
                continue
            if len(bits) != 2 or bits[1].lower() not in ("asc", "desc") \
                    or not _FIELD_NAME.match(bits[0]):
                raise SearchQueryError('Invalid "sort" parameter')
            field, direction = bits[0], bits[1].upper()
            if field == "score":
                if rank == "0":
                    continue  # no free text: every row scores the same
                expr = rank
            elif field in _UNTRACKED_SORTS:
                continue
            elif field in _SORT_COLUMNS:
                expr = _SORT_COLUMNS[field]
            else:
                # field names are checked against _FIELD_NAME above
                expr = "(fields->'%s'->>0)" % field
            parts.append("%s %s NULLS LAST" % (expr, direction))
        parts.append("package_id ASC")  # stable pages for harvesters
        return ", ".join(parts)

    @staticmethod
    def _select_list(fl: list[str], rank: str) -> str:
        cols = ["package_id", "name"]
        if "*" in fl or set(fl) - _NOT_FROM_FIELDS:
            # out of line and compressed: not read for package_search's
            # default `id validated_data_dict` (harvest pages of 1,000)
            cols.append("fields")
        if "data_dict" in fl or "*" in fl:
            cols.append("data_dict")
        if "validated_data_dict" in fl or "*" in fl:
            cols.append("validated_data_dict")
        if "score" in fl or "*" in fl:
            cols.append("%s AS score" % rank)
        return ", ".join(cols)

    @staticmethod
    def _result(fl: list[str], row: Any) -> dict[str, Any]:
        mapping = row._mapping
        fields = mapping["fields"] if "fields" in mapping else {}
        wanted = list(fields) if "*" in fl else fl
        result: dict[str, Any] = {}
        for name in wanted:
            if name == "id":
                result["id"] = row.package_id
            elif name in _NOT_FROM_FIELDS:
                result[name] = mapping[name]
            elif name in fields:
                result[name] = _single(name, fields[name])
        if "*" in fl:
            for name in ("data_dict", "validated_data_dict", "score"):
                result[name] = mapping[name]
        # As core does: extras_* come back folded into `extras`.
        extras = {k[len("extras_"):]: result.pop(k) for k in list(result) if k.startswith("extras_")}
        if extras:
            result["extras"] = extras
        return result

    @staticmethod
    def _counted(standard: dict[str, str], labels: Optional[list[str]], facet_fields: list[str],
                 limit: int, mincount: int, value: Optional[tuple[str, str]] = None
                 ) -> tuple[int, dict[str, dict[str, int]]]:
        """Count and facets from ``satudata_search_facet_count``: the label
        sets that overlap the user's labels, summed (one row per dataset and
        label set, so nothing counts twice). With `value` (a facet key and
        one of its values, no facets), the count of the datasets having it."""
        where = ["site_id = :site", "(key = '' OR key = ANY(CAST(:keys AS text[])))"]
        params: dict[str, Any] = {"site": config.get("ckan.site_id"), "keys": list(facet_fields)}
        if value is not None:
            where[1] = "key = :value_key AND value = :value"
            params.update(value_key=value[0], value=value[1])
        if labels is not None:
            where.append("labels && CAST(:labels AS text[])")
            params["labels"] = list(labels)
        for column in ("dataset_type", "capacity"):
            if column in standard:
                where.append("%s = :%s" % (column, column))
                params[column] = standard[column]
        rows = model.Session.execute(sa.text(
            "SELECT key, value, sum(n) AS n FROM satudata_search_facet_count WHERE %s "
            "GROUP BY key, value HAVING sum(n) > 0" % " AND ".join(where)), params)
        count = 0
        by_key: dict[str, list[tuple[int, str]]] = {f: [] for f in facet_fields}
        for key, found, n in rows:
            if key == "" or value is not None:
                count = int(n)
            elif n >= max(mincount, 1):
                by_key[key].append((-int(n), found))
        facets = {}
        for key, items in by_key.items():
            items.sort()
            if limit >= 0:
                items = items[:limit]
            facets[key] = {value: -n for n, value in items}
        return count, facets

    @staticmethod
    def _facets(where_sql: str, params: dict[str, Any], facet_fields: list[str],
                limit: int, mincount: int) -> tuple[int, dict[str, dict[str, int]]]:
        """(number of matching datasets, facet counts) from one scan: the
        NULL key, appended to the facet keys, yields one row per dataset."""
        params = dict(params, facet_keys=list(facet_fields), mincount=max(mincount, 1))
        limit_sql = "" if limit < 0 else "WHERE rn <= %d OR key IS NULL" % limit
        rows = model.Session.execute(sa.text("""
            SELECT key, val, n FROM (
              SELECT key, val, n,
                     row_number() OVER (PARTITION BY key ORDER BY n DESC, val) AS rn
              FROM (
                SELECT f.key, v.val, count(*) AS n
                FROM satudata_search_index
                CROSS JOIN LATERAL unnest(
                  CAST(:facet_keys AS text[]) || CAST(NULL AS text)) AS f(key)
                CROSS JOIN LATERAL jsonb_array_elements_text(
                  CASE WHEN f.key IS NULL THEN CAST('[""]' AS jsonb)
                  -- `fields` (large, out of line) only for keys outside FACET_KEYS
                  ELSE COALESCE(facet_fields -> f.key, fields -> f.key) END) AS v(val)
                WHERE %s
                GROUP BY f.key, v.val
                HAVING count(*) >= :mincount OR f.key IS NULL
              ) counted
            ) ranked %s
            ORDER BY key, n DESC, val""" % (where_sql, limit_sql)), params)
        count = 0
        facets: dict[str, dict[str, int]] = {f: {} for f in facet_fields}
        for key, val, n in rows:
            if key is None:
                count = n
            else:
                facets[key][val] = n
        return count, facets


@contextmanager
def bounded(session):
    """The search's statements inside a savepoint with their own
    ``statement_timeout`` (``set_config(..., true)`` is ``SET LOCAL``). The
    savepoint is always rolled back (the search writes nothing): the caller's
    timeout comes back, and a cancelled or failed search leaves the caller's
    transaction usable."""
    ms = bounds.limit("statement_timeout")
    savepoint = session.begin_nested()
    try:
        if ms:
            session.execute(sa.text("SELECT set_config('statement_timeout', :ms, true)"),
                            {"ms": "%dms" % ms})
        yield
    except sa.exc.DBAPIError as e:
        savepoint.rollback()
        code = getattr(e.orig, "pgcode", None) or ""
        if code == "57014":  # query_canceled: the statement_timeout
            log.warning("search stopped by statement_timeout (%d ms)", ms)
            raise bounds.timed_out(ms / 1000.0) from None
        if code.startswith("54"):  # program_limit_exceeded: stack depth, ...
            log.warning("search over a PostgreSQL limit: %s", code)
            raise bounds.too_large() from None
        if code == "42P01":  # undefined_table: the index is not there to search
            log.warning("search index table missing: %s", getattr(e.orig, "pgerror", e))
            raise SolrConnectionError(
                "The search index is not available (run `ckan db upgrade -p "
                "satudata_search`)") from None
        if code.startswith("22"):  # data_exception: a value the query cannot compare
            diag = getattr(e.orig, "diag", None)
            raise SearchQueryError("Invalid value in the search query: %s"
                                   % (getattr(diag, "message_primary", None) or code)) from None
        raise
    except BaseException:
        savepoint.rollback()
        raise
    else:
        savepoint.rollback()


_STANDARD_FILTER = re.compile(
    r'^\+?(dataset_type|capacity|site_id|state):'
    r'(?:"([^"\s()\\]+)"|\(([^"\s()\\]+)\)|([^"\s()\\]+))$')


def _standard_filters(fq: list[str]) -> Optional[dict[str, str]]:
    """The filters CKAN and the /dataset page add on their own (``+site_id``,
    ``+state:active``, ``+dataset_type:X``, ``+capacity:public``) as a dict,
    or None when ``fq`` says anything else."""
    found: dict[str, str] = {}
    for f in fq:
        for token in f.split():
            m = _STANDARD_FILTER.match(token)
            if not m:
                return None
            field = m.group(1)
            value = next(v for v in m.group(2, 3, 4) if v is not None)
            if field == "site_id":
                if value != config.get("ckan.site_id"):
                    return None
                continue
            if field == "state":
                if value != "active":
                    return None
                continue
            if found.get(field, value) != value:
                return None
            found[field] = value
    return found


# `key:"value"` or `key:value`; nothing Lucene would read otherwise (a
# wildcard, an escape, a fuzzy or proximity `~`, a boost `^`, a range)
_FACET_VALUE_FILTER = re.compile(r'^\+?(\w+):(?:"([^"\s()\\*?~^]+)"|(\w[\w.-]*))$')


def _one_facet_value(fq: list[str]) -> Optional[tuple[dict[str, str], tuple[str, str]]]:
    """The standard filters and the one `key:"value"` beside them, when the
    key is a facet key the translator matches by exact value in `fields`
    (as the counts table keeps it); None otherwise."""
    tokens = [token for f in fq for token in f.split()]
    facet = [t for t in tokens if not _STANDARD_FILTER.match(t)]
    if len(facet) != 1:
        return None
    m = _FACET_VALUE_FILTER.match(facet[0])
    if not m:
        return None
    key, value = m.group(1), m.group(2) or m.group(3)
    if (key not in FACET_KEYS or key in COLUMN_FIELDS or key in DATE_COLUMNS
            or key in NGRAM_FIELDS or key in FULL_TEXT_FIELDS or is_text_field(key)):
        return None
    standard = _standard_filters([t for t in tokens if t != facet[0]])
    return None if standard is None else (standard, (key, value))


def _balanced(operator: str, items: list[str]) -> str:
    """``a || b || c || d`` as ``((a || b) || (c || d))``: PostgreSQL's parser
    recurses once per level, so a long flat chain exhausts its stack."""
    if len(items) == 1:
        return items[0]
    middle = len(items) // 2
    return "(%s %s %s)" % (_balanced(operator, items[:middle]), operator,
                           _balanced(operator, items[middle:]))


def _refuse_unstorable(param: str, value: Any) -> None:
    if isinstance(value, str) and _UNSTORABLE.search(value):
        raise SearchQueryError("Invalid character (NUL or lone surrogate) in param %r" % param)


def _single(name: str, values: list[str]) -> Any:
    if name in _DATE_FIELDS or name.endswith("_date"):
        values = [solr_date(v) for v in values]
    if name.startswith(_MULTI_VALUED) or len(values) != 1:
        return values
    return values[0]


_DATE_FIELDS = {"metadata_created", "metadata_modified", "indexed_ts"}


def solr_date(value: Any) -> Any:
    """A stored date as Solr returns it: UTC, ``Z``, milliseconds only when
    there are any (``2014-06-10T08:24:12.782Z``)."""
    try:
        when = value if isinstance(value, dt.datetime) else \
            dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return value
    if when.tzinfo:
        when = when.astimezone(dt.timezone.utc)
    text = when.strftime("%Y-%m-%dT%H:%M:%S")
    if when.microsecond // 1000:
        text += ".%03d" % (when.microsecond // 1000)
    return text + "Z"


def _int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise SearchQueryError("%s must be an integer" % name)


def _check_query_parser(param: str, value: Any) -> None:
    """CKAN's own check (``PackageSearchQuery.run``), with its messages: no
    magic fields; local parameters only at the start and only for a parser
    in ``ckan.search.solr_allowed_query_parsers``."""
    if not isinstance(value, str):
        return
    value = value.strip()
    if MAGIC_FIELD_RE.search(value):
        raise SearchError(f"Magic fields are not supported in param '{param}'.")
    match = QUERY_PARSER_RE.findall(value)
    if match:
        if len(match) > 1:
            raise SearchError(f"Query parsers are not supported in param '{param}'.")
        if not value.startswith("{!"):
            raise SearchError(
                f"Local parameters must be defined at the beginning of param '{param}'.")
        if _get_local_query_parser(value) not in config["ckan.search.solr_allowed_query_parsers"]:
            raise SearchError(f"Local parameters are not supported in param '{param}'.")


_LOCAL_PARAM = re.compile(r"""\s*(?:([\w.]+)=)?(?:'((?:\\.|[^'\\])*)'|"((?:\\.|[^"\\])*)"|([^\s}'"]+))""")


def parse_local_params(value: str) -> tuple[str, dict[str, list[str]], str]:
    """``{!type k=v k2='v 2'}body`` -> (type, params, body). Only called on
    a value ``_check_query_parser`` let through (an allowed parser)."""
    value = value.strip()
    pos, params, kind = 2, {}, ""
    while True:
        while pos < len(value) and value[pos].isspace():
            pos += 1
        if pos >= len(value):
            raise SearchQueryError("Unclosed local parameters: %r" % value[:100])
        if value[pos] == "}":
            pos += 1
            break
        m = _LOCAL_PARAM.match(value, pos)
        if not m or m.end() == pos:
            raise SearchQueryError("Invalid local parameters: %r" % value[:100])
        key = m.group(1)
        raw = next(g for g in m.group(2, 3, 4) if g is not None)
        raw = re.sub(r"\\(.)", r"\1", raw)
        if key is None:
            kind = kind or raw
        elif key == "type":
            kind = raw
        else:
            params.setdefault(key, []).append(raw)
        pos = m.end()
    body = value[pos:]
    if "v" in params:
        body = params.pop("v")[0]
    return kind, params, body


def _translate(tr: Translator, value: str, param: str, lenient: bool = False) -> str:
    """One ``q`` or ``fq``, with the local parameters Solr's allowed query
    parsers take: ``lucene`` (``q.op``), ``bool`` (``must``, ``should``,
    ``must_not``, ``filter``), ``dismax``/``edismax`` (the body as words)."""
    if not value.strip().startswith("{!"):
        return tr.translate(value, lenient=lenient, param=param)
    kind, params, body = parse_local_params(value)
    if kind == "lucene":
        saved = tr.default_and
        if "q.op" in params:
            tr.default_and = params["q.op"][-1].upper() != "OR"
        try:
            return tr.translate(body, param=param)
        finally:
            tr.default_and = saved
    if kind in ("dismax", "edismax"):
        return tr.translate(body, lenient=True, param=param)
    if kind == "bool":
        must = [tr.translate(v, lenient=True, param=param)
                for key in ("must", "filter") for v in params.get(key, [])]
        must_not = [tr.translate(v, lenient=True, param=param)
                    for v in params.get("must_not", [])]
        should = [tr.translate(v, lenient=True, param=param) for v in params.get("should", [])]
        parts = ["(%s)" % c for c in must]
        if should and not must:
            parts.append("(%s)" % " OR ".join("(%s)" % c for c in should))
        parts += ["NOT (%s)" % c for c in must_not]
        return " AND ".join(parts) if parts else "FALSE"
    raise SearchQueryError("The %r query parser is not supported by this search backend "
                           "(satudata_search)" % kind)

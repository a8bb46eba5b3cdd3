"""Translate the Lucene/Solr query syntax CKAN and its clients send in ``q`` and
``fq`` into a SQL boolean over ``satudata_search_index``.

Everything the caller supplies is bound as a parameter; field names included.
What cannot be translated faithfully raises ``SearchQueryError``: silently
matching more than Solr would is a security and correctness bug, not a fallback.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from typing import Any, Optional

from dateutil.parser import isoparse
from dateutil.relativedelta import relativedelta
from luqum import tree as T
from luqum.exceptions import ParseError
from luqum.parser import parser as _luqum_parser

from ckan.lib.search.common import SearchError, SearchQueryError

from . import bounds

log = logging.getLogger(__name__)

# Solr schema fields of type "text" (tokenised); every other field of CKAN's
# schema is a "string" (exact, case-sensitive) or a date.
TEXT_FIELDS = {"title", "notes", "author", "maintainer", "res_name",
               "res_description", "urls", "ckan_url", "download_url"}
TEXT_PREFIXES = ("extras_", "res_extras_")
# Fields mirrored as real columns, so the filters every query carries
# (+site_id, +state, +capacity) stay cheap.
COLUMN_FIELDS = {"site_id": "site_id", "state": "state", "capacity": "capacity",
                 "id": "package_id", "name": "name"}
DATE_COLUMNS = {"metadata_modified", "metadata_created"}
FULL_TEXT_FIELDS = {None, "text", "*"}
NGRAM_FIELDS = {"name_ngram": "name", "title_ngram": "title"}

_parse_lock = threading.Lock()  # luqum's PLY parser keeps state between calls
_SAFE_LEXEME = re.compile(r"[^\w]+", re.UNICODE)
_DATE_MATH = re.compile(r"([+-])(\d+)(YEAR|MONTH|DAY|HOUR|MINUTE|SECOND|MILLI)S?|/(YEAR|MONTH|DAY|HOUR|MINUTE|SECOND)S?")
_UNITS = {"YEAR": "years", "MONTH": "months", "DAY": "days", "HOUR": "hours",
          "MINUTE": "minutes", "SECOND": "seconds"}


def parse(query: str) -> T.Item:
    with _parse_lock:
        return _luqum_parser.parse(query)


def is_text_field(field: str) -> bool:
    return field in TEXT_FIELDS or field.startswith(TEXT_PREFIXES)


def unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


def parse_solr_date(value: str, now: Optional[dt.datetime] = None) -> Optional[dt.datetime]:
    """A Solr date: ISO 8601 (``Z`` or offset; naive means UTC) or ``NOW`` with
    date math (``NOW-7DAYS/DAY``). ``*`` means unbounded (None)."""
    try:
        return _parse_solr_date(value, now)
    except (OverflowError, ValueError) as e:  # NOW+99999999999YEARS, year 0
        raise SearchQueryError("Invalid date: %r (%s)" % (value[:100], e))


_EXPLICIT_WITH_MATH = re.compile(
    r"^(?P<date>.+?Z)(?P<math>(?:[+-]\d+(?:YEAR|MONTH|DAY|HOUR|MINUTE|SECOND|MILLI)S?"
    r"|/(?:YEAR|MONTH|DAY|HOUR|MINUTE|SECOND)S?)+)$")
# an explicit offset, with the `Z` some clients append anyway (ckanext-dcat's
# `modified_since` sends `2026-11-01T00:00:00+00:00Z`)
_OFFSET_Z = re.compile(r"([+-]\d{2}:?\d{2})Z$")


def _parse_solr_date(value: str, now: Optional[dt.datetime] = None) -> Optional[dt.datetime]:
    value = unescape(value.strip())
    if value == "*":
        return None
    if value.startswith("NOW"):
        return _date_math(now or dt.datetime.now(dt.timezone.utc), value[3:], value)
    m = _EXPLICIT_WITH_MATH.match(value)
    if m:  # Solr's date math after an explicit date: 2026-11-01T00:00:00Z/DAY+1DAY
        return _date_math(_iso(m.group("date")), m.group("math"), value)
    return _iso(value)


def _iso(value: str) -> dt.datetime:
    value = _OFFSET_Z.sub(r"\1", value)
    try:
        parsed = isoparse(value)
    except ValueError:
        raise SearchQueryError("Invalid date: %r" % value[:100])
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _date_math(result: dt.datetime, rest: str, value: str) -> dt.datetime:
    pos = 0
    while pos < len(rest):
        m = _DATE_MATH.match(rest, pos)
        if not m:
            raise SearchQueryError("Invalid date math: %r" % value[:100])
        sign, amount, unit, round_unit = m.groups()
        if round_unit:
            result = _round_down(result, round_unit)
        elif unit == "MILLI":
            delta = dt.timedelta(milliseconds=int(amount))
            result = result + delta if sign == "+" else result - delta
        else:
            delta = relativedelta(**{_UNITS[unit]: int(amount)})
            result = result + delta if sign == "+" else result - delta
        pos = m.end()
    return result


# A timestamp with an offset (`+07:00`) outside a phrase: luqum's lexer takes
# the offset's colon for a field separator, so it is given to the parser in
# UTC (`Z`), as Solr would read it.
_TIMESTAMP_OFFSET = re.compile(
    r"(?<![\w.:-])(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)([+-]\d{2}:?\d{2})Z?"
    r"(?![\w:])")
_PHRASE = re.compile(r'"(?:\\.|[^"\\])*"?')


def normalise_timestamps(query: str) -> str:
    if "T" not in query:
        return query
    out, pos = [], 0
    for m in _PHRASE.finditer(query):
        out.append(_TIMESTAMP_OFFSET.sub(_to_utc, query[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_TIMESTAMP_OFFSET.sub(_to_utc, query[pos:]))
    return "".join(out)


def _to_utc(m: re.Match) -> str:
    try:
        when = isoparse(m.group(1) + m.group(2)).astimezone(dt.timezone.utc)
    except (ValueError, OverflowError):
        return m.group(0)  # left for the parser to refuse
    text = when.strftime("%Y-%m-%dT%H:%M:%S")
    if when.microsecond:
        text += (".%06d" % when.microsecond).rstrip("0")
    return text + "Z"


def _round_down(value: dt.datetime, unit: str) -> dt.datetime:
    order = ["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"]
    keep = order.index(unit)
    kwargs: dict[str, int] = {"microsecond": 0}
    if keep < 5:
        kwargs["second"] = 0
    if keep < 4:
        kwargs["minute"] = 0
    if keep < 3:
        kwargs["hour"] = 0
    if keep < 2:
        kwargs["day"] = 1
    if keep < 1:
        kwargs["month"] = 1
    return value.replace(**kwargs)


_MODIFIERS = (T.Plus, T.Not, T.Prohibit)


def _operand(n: T.Item) -> T.Item:
    """What a ``+``/``-``/``NOT`` applies to. Lucene's grammar allows one
    modifier per clause, so Solr refuses ``--included`` or ``+-x`` (luqum
    nests them) with a syntax error, which CKAN turns into a ``SearchError``:
    the /dataset page then says "error while searching", as on Solr."""
    if isinstance(n.a, _MODIFIERS):
        raise SearchError("Cannot parse the search query: %s applies a modifier "
                          "(+, - or NOT) to another one" % _shorten(str(n)))
    return n.a


class Translator:
    """Builds SQL with bound parameters. One instance per search, shared by
    ``q`` and every ``fq`` so parameter names never clash."""

    def __init__(self, text_config: str = "indonesian", default_operator: str = "AND"):
        self.text_config = text_config
        # clauses, wildcard terms and nesting of the whole search (q and fq)
        self.budget = bounds.Budget()
        self._depth = 0
        self.default_and = default_operator.upper() != "OR"
        self.params: dict[str, Any] = {}
        # tsquery expressions of the positive free-text terms, for ranking
        self.rank_queries: list[str] = []

    # -- helpers ---------------------------------------------------------
    def bind(self, value: Any) -> str:
        name = "p%d" % len(self.params)
        self.params[name] = value
        return ":" + name

    def _cfg(self) -> str:
        return "CAST(%s AS regconfig)" % self.bind(self.text_config)

    # -- entry points ----------------------------------------------------
    def translate(self, query: str, *, lenient: bool = False, param: str = "q") -> str:
        """SQL boolean for one ``q`` or ``fq`` string. With ``lenient`` (the
        user's ``q``), text that is not valid Lucene syntax is searched as
        plain words instead of failing, as a search box should. Over a bound
        (size, nesting, clauses, wildcards): ``bounds.SearchBoundError``."""
        query = (query or "").strip()
        if not query:
            return "TRUE"
        self.budget.param = param
        bounds.precheck(param, query)
        query = normalise_timestamps(query)
        try:
            tree = parse(query)
        except RecursionError:
            raise bounds.too_deep(param, None, self.budget.max_depth)
        except (ParseError, Exception) as e:  # luqum raises several kinds
            if not lenient:
                raise SearchQueryError("Invalid search query %r: %s" % (_shorten(query), e))
            return self._plain_text(query)
        try:
            return self.node(tree, None)
        except RecursionError:
            raise bounds.too_deep(param, None, self.budget.max_depth)
        except (AttributeError, TypeError, ValueError, IndexError) as e:
            # a tree shape no branch above expects: the query's fault, a 400
            log.info("untranslatable %s %r: %r", param, _shorten(query), e)
            raise SearchQueryError("Invalid search query %r" % _shorten(query))

    def _plain_text(self, query: str) -> str:
        words = " ".join(_SAFE_LEXEME.sub(" ", query).split())
        if not words:
            return "TRUE"
        for _ in words.split():
            self.budget.clause()
        tsq = "plainto_tsquery(%s, %s)" % (self._cfg(), self.bind(words))
        self.rank_queries.append(tsq)
        return "search_vector @@ %s" % tsq

    # -- tree walk -------------------------------------------------------
    def node(self, n: T.Item, field: Optional[str]) -> str:
        self._depth += 1
        try:
            self.budget.depth(self._depth)
            return self._node(n, field)
        finally:
            self._depth -= 1

    def _node(self, n: T.Item, field: Optional[str]) -> str:
        if isinstance(n, (T.AndOperation, T.OrOperation, T.UnknownOperation)):
            return self.boolean(n, field)
        if isinstance(n, (T.Group, T.FieldGroup)):
            return self.node(n.expr, field)
        if isinstance(n, T.SearchField):
            if field is not None and field != "*":
                raise SearchQueryError("Nested fields are not supported: %s" % n)
            return self.node(n.expr, n.name)
        if isinstance(n, (T.Plus,)):
            return self.node(_operand(n), field)
        if isinstance(n, (T.Not, T.Prohibit)):
            return "NOT (%s)" % self.node(_operand(n), field)
        if isinstance(n, T.Boost):
            return self.node(n.expr, field)
        if isinstance(n, T.Proximity):
            # "a b"~N: all words near each other; require them all (narrower
            # than "any", never broader than Solr's phrase-with-slop).
            return self.term(field, n.term.value.strip('"'), kind="words")
        if isinstance(n, T.Fuzzy):
            return self.term(field, n.term.value, kind="word")
        if isinstance(n, T.Range):
            return self.range(field, n)
        if isinstance(n, T.Phrase):
            return self.term(field, n.value[1:-1], kind="phrase")
        if isinstance(n, T.Word):
            return self.term(field, n.value, kind="word")
        raise SearchQueryError("Unsupported search syntax: %s" % n)

    def boolean(self, n: T.Item, field: Optional[str]) -> str:
        must, should, must_not = [], [], []
        is_or = isinstance(n, T.OrOperation)
        is_and = isinstance(n, T.AndOperation)
        for child in n.children:
            if isinstance(child, (T.Not, T.Prohibit)):
                must_not.append(self.node(_operand(child), field))
            elif isinstance(child, T.Plus):
                must.append(self.node(_operand(child), field))
            elif is_and or (not is_or and self.default_and):
                must.append(self.node(child, field))
            else:
                should.append(self.node(child, field))
        parts = ["(%s)" % c for c in must]
        # Lucene: optional clauses only score when something is required.
        if should and not must:
            parts.append("(%s)" % " OR ".join("(%s)" % c for c in should))
        parts += ["NOT (%s)" % c for c in must_not]
        return " AND ".join(parts) if parts else "TRUE"

    # -- leaves ----------------------------------------------------------
    def term(self, field: Optional[str], raw: str, kind: str) -> str:
        self.budget.clause()
        wildcard = kind == "word" and ("*" in raw.replace("\\*", "") or "?" in raw.replace("\\?", ""))
        if wildcard and raw != "*":  # `field:*` and `*:*` are no expansion
            self.budget.wildcard(raw)
        value = unescape(raw) if kind == "word" else raw.replace('\\"', '"')
        if field == "*" and value == "*":
            return "TRUE"
        if field in FULL_TEXT_FIELDS:
            return self.full_text("search_vector", value, kind, wildcard)
        if kind == "word" and raw == "*":
            return "(fields ? %s)" % self.bind(field)
        if field in NGRAM_FIELDS:
            return "(fields->>%s ILIKE %s)" % (
                self.bind(NGRAM_FIELDS[field]), self.bind("%" + _like_escape(value) + "%"))
        if field in DATE_COLUMNS:
            when = parse_solr_date(value)
            return "(%s = %s)" % (field, self.bind(when))
        if is_text_field(field):
            # `vector` names the field; full_text builds its vector
            return self.full_text(field, value, kind, wildcard, rank=False)
        if wildcard:
            pattern = _like_escape(raw, keep_wildcards=True)
            if field in COLUMN_FIELDS:
                return "(%s LIKE %s)" % (COLUMN_FIELDS[field], self.bind(pattern))
            return ("EXISTS (SELECT 1 FROM jsonb_array_elements_text(fields->%s) AS v(x) "
                    "WHERE v.x LIKE %s)" % (self.bind(field), self.bind(pattern)))
        if field in COLUMN_FIELDS:
            return "(%s = %s)" % (COLUMN_FIELDS[field], self.bind(value))
        return "(fields @> CAST(%s AS jsonb))" % self.bind(_json({field: [value]}))

    def full_text(self, vector: str, value: str, kind: str, wildcard: bool,
                  rank: bool = True) -> str:
        if wildcard:
            # matched against the words as written, never their stems
            # (`pendu*` must find `penduduk`, whose Indonesian stem is `duduk`)
            word = value.lower()
            first = min(i for i, c in enumerate(word) if c in "*?")
            stem = _SAFE_LEXEME.sub("", word[:first])
            if not stem:
                return "TRUE"
            tsq = "to_tsquery('simple', %s)" % self.bind(stem + ":*")
            if rank:
                self.rank_queries.append(tsq)
            words = "words_vector" if vector == "search_vector" else \
                "to_tsvector('simple', coalesce(fields->>%s, ''))" % self.bind(vector)
            sql = "(%s @@ %s)" % (words, tsq)
            rest = word[first:]
            if rest != "*":
                # more than a trailing `*`: the prefix narrows through the
                # index, then the whole pattern is matched on each word
                # (a tsvector's text quotes every word: 'penduduk':3)
                pattern = "'%s'" % "".join(
                    "[^']*" if piece == "*" else "[^']" if piece == "?"
                    else re.escape(_SAFE_LEXEME.sub("", piece))
                    for piece in re.split(r"([*?])", word))
                sql = "(%s AND CAST(%s AS text) ~ %s)" % (sql, words, self.bind(pattern))
            return sql
        else:
            words = " ".join(_SAFE_LEXEME.sub(" ", value).split())
            if not words:
                # Only punctuation: Solr's analyser drops it too.
                return "TRUE"
            func = "phraseto_tsquery" if kind == "phrase" else "plainto_tsquery"
            tsq = "%s(%s, %s)" % (func, self._cfg(), self.bind(words))
            if vector != "search_vector":
                vector = "to_tsvector(%s, coalesce(fields->>%s, ''))" % (
                    self._cfg(), self.bind(vector))
        if rank:
            self.rank_queries.append(tsq)
        return "(%s @@ %s)" % (vector, tsq)

    def range(self, field: Optional[str], n: T.Range) -> str:
        self.budget.clause()
        if field in FULL_TEXT_FIELDS:
            raise SearchQueryError("A range needs a field: %s" % n)
        if not all(isinstance(end, (T.Word, T.Phrase)) for end in (n.low, n.high)):
            raise SearchQueryError("Invalid range: %s" % _shorten(str(n)))
        low, high = n.low.value, n.high.value
        if field in DATE_COLUMNS or (field or "").endswith("_date"):
            low_v, high_v = parse_solr_date(low), parse_solr_date(high)
            column = field if field in DATE_COLUMNS else \
                "CAST(fields->%s->>0 AS timestamptz)" % self.bind(field)
        else:
            low_v = None if low == "*" else unescape(low.strip('"'))
            high_v = None if high == "*" else unescape(high.strip('"'))
            column = COLUMN_FIELDS.get(field) or "(fields->%s->>0)" % self.bind(field)
        parts = ["(fields ? %s)" % self.bind(field)] if field not in DATE_COLUMNS \
            and field not in COLUMN_FIELDS else []
        if low_v is not None:
            parts.append("%s %s %s" % (column, ">=" if n.include_low else ">", self.bind(low_v)))
        if high_v is not None:
            parts.append("%s %s %s" % (column, "<=" if n.include_high else "<", self.bind(high_v)))
        if field in DATE_COLUMNS and not parts:
            parts.append("%s IS NOT NULL" % column)
        return "(%s)" % " AND ".join(parts) if parts else "TRUE"


def _shorten(text: str, most: int = 200) -> str:
    """A query as error messages quote it (not 300 KB of it back)."""
    return text if len(text) <= most else text[:most] + "…"


def _like_escape(value: str, keep_wildcards: bool = False) -> str:
    out = []
    i = 0
    while i < len(value):
        c = value[i]
        if keep_wildcards and c == "\\" and i + 1 < len(value):
            out.append(value[i + 1].replace("%", "\\%").replace("_", "\\_"))
            i += 2
            continue
        if c in "%_\\":
            out.append("\\" + c)
        elif keep_wildcards and c == "*":
            out.append("%")
        elif keep_wildcards and c == "?":
            out.append("_")
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _json(value: Any) -> str:
    import json
    return json.dumps(value, ensure_ascii=False)

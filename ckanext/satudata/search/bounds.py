"""Bounds on what one search may cost (issue 16: one anonymous query held the
only worker for 158 s and ended in a 500).

Checked before anything expensive runs: the size of ``q`` and of each ``fq``,
how deeply the query nests, how many clauses and wildcard terms it has and
how short a wildcard's literal prefix may be; and PostgreSQL's
``statement_timeout`` on the search's own statements. Over a bound the caller
gets ``SearchBoundError``: a ``SearchError`` (not a ``SearchQueryError``), which
CKAN's API answers with HTTP 409 and the /dataset page shows as a search error.
Every option is ``ckanext.satudata.search.*`` (config_declaration.yaml); 0
turns a bound off.
"""
from __future__ import annotations

import re
from typing import Optional

from ckan.common import config
from ckan.lib.search.common import SearchError

# The extension's one catalogue; it needs nothing of the satudata plugin.
from ckanext.satudata.i18n import bilingual


PREFIX = "ckanext.satudata.search."


class SearchBoundError(SearchError):
    """A search over one of the configured bounds (HTTP 409)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def limit(name: str) -> int:
    try:
        return max(int(config.get(PREFIX + name) or 0), 0)
    except (TypeError, ValueError):
        return 0


def check_length(param: str, value: str) -> None:
    key = "q_max_length" if param == "q" else "fq_max_length"
    most = limit(key)
    if most and len(value) > most:
        raise SearchBoundError(bilingual('Search query too long: %s has %d characters, at most %d are allowed', param, len(value), most))


_TOKENS = re.compile(r'"(?:\\.|[^"\\])*"?|\S+')
_OPERATORS = {"AND", "OR", "NOT", "&&", "||", "TO", "!"}
_PREFIX_OP = re.compile(r"NOT\b|[-+!]")
_PREFIX_RUN = re.compile(r"(?:(?:NOT\b|[-+!])\s*){2,}")


def precheck(param: str, value: str) -> None:
    """Cheap checks before the Lucene parser sees the text: its length, how
    deeply brackets nest, and a generous count of terms (twice the clause
    bound; the exact count is taken from the parsed tree)."""
    check_length(param, value)
    check_nesting(param, value)
    most = limit("max_clauses")
    if most:
        terms = sum(1 for t in _TOKENS.findall(value) if t.strip("()[]{}") not in _OPERATORS)
        if terms > 2 * most:
            raise too_many_clauses(param, terms, most)


def check_nesting(param: str, value: str) -> None:
    """Brackets and prefix operators nested deeper than ``max_depth``."""
    most = limit("max_depth")
    if not most:
        return
    depth = deepest = 0
    i, n = 0, len(value)
    in_phrase = False
    while i < n:
        c = value[i]
        if c == "\\":
            i += 2
            continue
        if c == '"':
            in_phrase = not in_phrase
        elif not in_phrase:
            if c in "([{":
                depth += 1
                deepest = max(deepest, depth)
            elif c in ")]}":
                depth = max(depth - 1, 0)
        i += 1
    # a run of prefix operators (`- - - NOT NOT a`) nests as deep as brackets
    run = max((len(_PREFIX_OP.findall(m.group(0))) for m in _PREFIX_RUN.finditer(value)),
              default=0)
    if max(deepest, run) > most:
        raise too_deep(param, max(deepest, run), most)


def too_deep(param: str, depth: Optional[int], most: int) -> SearchBoundError:
    found = (" (%d)" % depth) if depth else ""
    return SearchBoundError(bilingual('Search query nested too deeply%s in %s, at most %d levels are allowed', found, param, most))


def too_many_clauses(param: str, count: int, most: int) -> SearchBoundError:
    return SearchBoundError(bilingual('Too many clauses in the search query: %s has %d, at most %d are allowed', param, count, most))


def too_many_wildcards(count: int, most: int) -> SearchBoundError:
    return SearchBoundError(bilingual('Too many wildcard terms (* or ?) in the search: %d, at most %d are allowed', count, most))


def prefix_too_short(term: str, most: int) -> SearchBoundError:
    shown = term if len(term) <= 40 else term[:40] + "…"
    return SearchBoundError(bilingual('The wildcard term %r needs at least %d characters before * or ?', shown, most))


def timed_out(seconds: float) -> SearchBoundError:
    return SearchBoundError(bilingual('The search was stopped after %g seconds; narrow the query', seconds))


def too_large() -> SearchBoundError:
    return SearchBoundError(bilingual('The search query is too large for the database; narrow the query'))


class Budget:
    """Clauses and wildcard terms of one search: ``max_clauses`` for ``q``
    and again for all its ``fq`` together (CKAN adds its own capacity and
    state filters there); ``max_wildcards`` for the whole search."""

    def __init__(self) -> None:
        self.max_clauses = limit("max_clauses")
        self.max_wildcards = limit("max_wildcards")
        self.min_prefix = limit("wildcard_min_prefix")
        self.max_depth = limit("max_depth")
        self.clauses: dict[str, int] = {}
        self.wildcards = 0
        self.param = "q"

    def clause(self) -> None:
        count = self.clauses[self.param] = self.clauses.get(self.param, 0) + 1
        if self.max_clauses and count > self.max_clauses:
            raise too_many_clauses(self.param, count, self.max_clauses)

    def wildcard(self, raw: str) -> None:
        """A term with ``*``/``?``: counted, and its literal prefix measured."""
        self.wildcards += 1
        if self.max_wildcards and self.wildcards > self.max_wildcards:
            raise too_many_wildcards(self.wildcards, self.max_wildcards)
        if self.min_prefix and literal_prefix(raw) < self.min_prefix:
            raise prefix_too_short(raw, self.min_prefix)

    def depth(self, level: int) -> None:
        if self.max_depth and level > self.max_depth:
            raise too_deep(self.param, None, self.max_depth)


def literal_prefix(raw: str) -> int:
    """Characters before the first unescaped ``*``/``?`` (escapes count as one)."""
    count = 0
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == "\\" and i + 1 < len(raw):
            count += 1
            i += 2
            continue
        if c in "*?":
            break
        count += 1
        i += 1
    return count

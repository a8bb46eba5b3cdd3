"""What a reviewer reads before signing off a revision of a published dataset
(issue 23): the changes of the fields a person edits in the forms, never a
system field (ids, timestamps, hashes, DataStore and loader state, workflow
internals); text as the page shows it (Markdown rendered to text) with the
words taken out and put in marked; a resource's new file as "file replaced"
with its name, format and size.

Pure: no CKAN, no database, no request (tests/dissemination/test_word_diff.py
runs it alone). The field lists come from the dataset schema
(service.revision_diff); labels in the page's language from
helpers.satudata_diff_rows.
"""
from __future__ import annotations

import difflib
import re
from html.parser import HTMLParser
from typing import Any, Iterable, Optional, Sequence

import markdown
from markupsafe import Markup, escape

# The form's field and the dataset key it fills.
FORM_TO_DATASET = {"tag_string": "tags"}

# A resource's file: an upload's name (or a link) and what CKAN records of the
# bytes. Any of them changing means another file; none of them is shown as it is.
FILE_KEYS = ("url", "url_type", "size", "hash", "last_modified", "mimetype")

EQUAL, DELETE, INSERT = "equal", "delete", "insert"
LINE_BREAK = "\n"

_TOKEN = re.compile(r"\n|[^\s]+")


# -- which fields ----------------------------------------------------------------

def edited_fields(schema: Optional[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """The dataset and resource keys a person fills in the forms, in form
    order, from a scheming dataset schema."""
    schema = schema or {}
    dataset = [FORM_TO_DATASET.get(f["field_name"], f["field_name"])
               for f in schema.get("dataset_fields") or []]
    resource = [f["field_name"] for f in schema.get("resource_fields") or []]
    return dataset, resource


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {})


def _same(a: Any, b: Any) -> bool:
    # a form sends "" where the API has null: neither is content
    return (a if _filled(a) else None) == (b if _filled(b) else None)


def file_of(resource: dict[str, Any]) -> Optional[dict[str, Any]]:
    """What a reader needs of a resource's file: its name (an upload's file
    name, or the link a person typed), format and size."""
    url = resource.get("url") or ""
    if not url:
        return None
    upload = resource.get("url_type") == "upload"
    return {"name": url.rstrip("/").rsplit("/", 1)[-1] if upload else url,
            "upload": upload, "format": resource.get("format") or "",
            "size": resource.get("size")}


def _resource_view(resource: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    view = {k: resource.get(k) for k in fields if k not in FILE_KEYS and _filled(resource.get(k))}
    view["file"] = file_of(resource)
    return view


def changes(live: dict[str, Any], revision: dict[str, Any],
            dataset_fields: Sequence[str], resource_fields: Sequence[str]
            ) -> list[dict[str, Any]]:
    """The differences between two datasets (as `service.content_of` gives
    them), field by field in form order, then resource by resource.

    A dataset field: {"field", "live", "revision"} with the stored values. A
    resource: {"field": "resource:<name>", "resource": name, "change":
    "added" | "removed" | "changed", "live", "revision" (the resource's edited
    fields and its "file", or None), "fields" (the edited keys that differ),
    "file_replaced"}."""
    out: list[dict[str, Any]] = []
    for key in dataset_fields:
        if key != "resources" and not _same(live.get(key), revision.get(key)):
            out.append({"field": key, "live": live.get(key), "revision": revision.get(key)})
    old = {r.get("id") or r.get("name"): r for r in live.get("resources") or []}
    new = {r.get("id") or r.get("name"): r for r in revision.get("resources") or []}
    order = list(new) + [k for k in old if k not in new]
    for key in order:
        before, after = old.get(key), new.get(key)
        name = (after or before or {}).get("name") or ""
        if before is None or after is None:
            out.append({"field": "resource:%s" % name, "resource": name,
                        "change": "added" if before is None else "removed",
                        "live": before and _resource_view(before, resource_fields),
                        "revision": after and _resource_view(after, resource_fields),
                        "fields": [], "file_replaced": False})
            continue
        fields = [k for k in resource_fields
                  if k not in FILE_KEYS and not _same(before.get(k), after.get(k))]
        replaced = any(not _same(before.get(k), after.get(k)) for k in FILE_KEYS)
        if fields or replaced:
            out.append({"field": "resource:%s" % name, "resource": name, "change": "changed",
                        "live": _resource_view(before, resource_fields),
                        "revision": _resource_view(after, resource_fields),
                        "fields": fields, "file_replaced": replaced})
    return out


# -- text as the page shows it ------------------------------------------------------

_BLOCKS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
           "blockquote", "br", "hr", "tr", "table", "dd", "dt"}
_HIDDEN = {"script", "style"}


class _Text(HTMLParser):
    """Rendered HTML to text: block ends become line breaks, a link keeps its
    target beside its words (a changed target is a change a reviewer must see)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCKS:
            self.parts.append(LINE_BREAK)
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_endtag(self, tag):
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append(LINE_BREAK)
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            words = "".join(self.parts[start:]).strip()
            if href and href != words:
                self.parts.append(" (%s)" % href)

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def rendered_text(value: Any, is_markdown: bool = False) -> str:
    """The text a reader sees of a value: Markdown rendered (without its
    markup), anything else as it is."""
    if not _filled(value):
        return ""
    text = str(value)
    if not is_markdown:
        return text
    parser = _Text()
    parser.feed(markdown.markdown(text))
    parser.close()
    return "".join(parser.parts)


def words(text: str) -> list[str]:
    """Word tokens of a text; a run of line breaks is one break, none at the ends."""
    out: list[str] = []
    for token in _TOKEN.findall(text or ""):
        if token == LINE_BREAK and (not out or out[-1] == LINE_BREAK):
            continue
        out.append(token)
    while out and out[-1] == LINE_BREAK:
        out.pop()
    return out


# -- the diff ------------------------------------------------------------------------

def diff_tokens(old: Sequence[str], new: Sequence[str]) -> list[tuple[str, list[str]]]:
    """(op, tokens) runs: kept, deleted from `old`, inserted from `new`."""
    matcher = difflib.SequenceMatcher(None, list(old), list(new), autojunk=False)
    runs: list[tuple[str, list[str]]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append((EQUAL, list(old[i1:i2])))
            continue
        if i2 > i1:
            runs.append((DELETE, list(old[i1:i2])))
        if j2 > j1:
            runs.append((INSERT, list(new[j1:j2])))
    return runs


def word_diff(old: str, new: str) -> list[tuple[str, list[str]]]:
    return diff_tokens(words(old), words(new))


def _side(runs: Iterable[tuple[str, list[str]]], mark: str, tag: str, sep: str) -> Markup:
    pieces = []
    for op, tokens in runs:
        if op not in (EQUAL, mark):
            continue
        html = Markup(sep).join(Markup("<br>") if t == LINE_BREAK else escape(t)
                                for t in tokens)
        pieces.append(Markup("<%s>%s</%s>") % (Markup(tag), html, Markup(tag))
                      if op == mark else html)
    return Markup(sep).join(pieces)


def side_by_side(runs: Sequence[tuple[str, list[str]]], sep: str = " "
                 ) -> tuple[Markup, Markup]:
    """The old text with its deleted words in <del>, the new one with its
    inserted words in <ins>; every word escaped."""
    return _side(runs, DELETE, "del", sep), _side(runs, INSERT, "ins", sep)

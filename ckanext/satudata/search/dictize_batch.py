"""The rows ``package_dictize`` reads, fetched for a whole rebuild batch.

Core's ``package_dictize`` runs six small queries per dataset (resources,
tags, groups, organization, relationships both ways) through the module's
``_execute``. While a batch is being indexed, ``prefetched(packages)`` runs
each of those six once for every dataset of the batch and answers the
per-dataset calls from them; core's own dictize code still turns the rows into
the dataset dict, so the dict is the same (tests/search/test_rebuild.py).
A query that is not the one expected at that point (another CKAN version,
another caller) goes to the database as before.
"""
from __future__ import annotations

import collections
import contextlib
import contextvars
from typing import Any, Iterator, Optional

from sqlalchemy import false, select

import ckan.model as model
from ckan.lib.dictization import model_dictize

# package id -> the (table, rows) answers, in the order package_dictize asks
_batch: contextvars.ContextVar[Optional[dict[str, list]]] = contextvars.ContextVar(
    "satudata_search_dictize_batch", default=None)
# the answers left for the dataset being dictized now
_current: contextvars.ContextVar[Optional[list]] = contextvars.ContextVar(
    "satudata_search_dictize_current", default=None)

_KEY = "_satudata_batch_key"


def _grouped(query, width: int) -> dict[Any, list]:
    """Rows of `query` (its last column the grouping key) grouped by that key,
    each row without the key, as core's own query would return it."""
    frozen = model.Session.execute(query).freeze()
    keys = [row[-1] for row in frozen()]
    grouped: dict[Any, list] = collections.defaultdict(list)
    for key, row in zip(keys, frozen().columns(*range(width))):
        grouped[key].append(row)
    return grouped


def _fetch(packages: list[model.Package]) -> dict[str, list]:
    ids = [p.id for p in packages]
    res, tag, pkg_tag = model.resource_table, model.tag_table, model.package_tag_table
    member, group, rel = model.member_table, model.group_table, model.package_relationship_table

    resources = _grouped(select(res, res.c["package_id"].label(_KEY))
                         .where(res.c["package_id"].in_(ids)), len(res.c))
    tags = _grouped(select(tag, pkg_tag.c["state"], pkg_tag.c["package_id"].label(_KEY))
                    .join(pkg_tag, tag.c["id"] == pkg_tag.c["tag_id"])
                    .where(pkg_tag.c["package_id"].in_(ids)), len(tag.c) + 1)
    groups = _grouped(select(group, member.c["capacity"], member.c["table_id"].label(_KEY))
                      .join(member, group.c["id"] == member.c["group_id"])
                      .where(member.c["table_id"].in_(ids), member.c["state"] == "active",
                             group.c["is_organization"] == false()), len(group.c) + 1)
    owners = {p.owner_org for p in packages if p.owner_org}
    organizations = _grouped(select(group, group.c["id"].label(_KEY))
                             .where(group.c["id"].in_(owners), group.c["state"] == "active"),
                             len(group.c))
    as_subject = _grouped(select(rel, rel.c["subject_package_id"].label(_KEY))
                          .where(rel.c["subject_package_id"].in_(ids)), len(rel.c))
    as_object = _grouped(select(rel, rel.c["object_package_id"].label(_KEY))
                         .where(rel.c["object_package_id"].in_(ids)), len(rel.c))
    return {p.id: [(res, resources.get(p.id, [])), (pkg_tag, tags.get(p.id, [])),
                   (member, groups.get(p.id, [])),
                   (group, organizations.get(p.owner_org, []) if p.owner_org else []),
                   (rel, as_subject.get(p.id, [])), (rel, as_object.get(p.id, []))]
            for p in packages}


def _execute(q, table, context):
    answers = _current.get()
    if answers and answers[0][0] is table:
        return list(answers.pop(0)[1])
    if answers is not None:
        answers.clear()  # out of step: the rest of this dataset from the database
    return _core_execute(q, table, context)


def _package_dictize(pkg, context, include_plugin_data=False):
    batch = _batch.get()
    answers = batch.pop(pkg.id, None) if batch is not None and pkg is not None else None
    token = _current.set(answers)
    try:
        return _core_package_dictize(pkg, context, include_plugin_data)
    finally:
        _current.reset(token)


_core_execute = model_dictize._execute
_core_package_dictize = model_dictize.package_dictize


@contextlib.contextmanager
def prefetched(packages: list[model.Package]) -> Iterator[None]:
    """Within this block, ``package_dictize`` of these datasets reads the rows
    fetched here (each dataset's once: a second dictize reads the database)."""
    token = _batch.set(_fetch(packages))
    model_dictize._execute = _execute
    model_dictize.package_dictize = _package_dictize
    try:
        yield
    finally:
        model_dictize._execute = _core_execute
        model_dictize.package_dictize = _core_package_dictize
        _batch.reset(token)

"""Core's ``package_name_validator``, answered per rebuild batch.

Core's validation of a dataset for the index (the show schema) asks the
database, for every dataset, whether another live dataset has the same name:
one round trip each, about a tenth of a rebuild. While a rebuild batch is
being built (``batch(packages)``), the names of the whole batch are looked up
with one query and the validator answers from it; for any other name, and
outside a batch (every form, every API call), it is core's own validator.
Same question, same answers, same messages (``tests/search/test_rebuild.py``).

Registered through ``IValidators`` by the ``satudata_search`` plugin.
"""
from __future__ import annotations

import collections
import contextlib
import contextvars
from typing import Any, Iterator, Optional

import ckan.model as model
from ckan.common import _
from ckan.lib.navl.dictization_functions import Invalid, missing
from ckan.logic import validators as core_validators

# name -> ids of the datasets not deleted that carry it, for the batch's names
_names: contextvars.ContextVar[Optional[dict[str, set[str]]]] = contextvars.ContextVar(
    "satudata_search_batch_names", default=None)


@contextlib.contextmanager
def batch(packages: list[model.Package]) -> Iterator[None]:
    names: dict[str, set[str]] = collections.defaultdict(set)
    wanted = {p.name for p in packages if p.name}
    if wanted:
        for name, package_id in model.Session.query(model.Package.name, model.Package.id).filter(
                model.Package.name.in_(wanted),
                model.Package.state != model.State.DELETED):
            names[name].add(package_id)
    token = _names.set({name: names.get(name, set()) for name in wanted})
    try:
        yield
    finally:
        _names.reset(token)


def package_name_validator(key: Any, data: dict[Any, Any], errors: dict[Any, list],
                           context: dict[str, Any]) -> Any:
    names = _names.get()
    value = data.get(key)
    if names is None or not isinstance(value, str) or value not in names:
        return core_validators.package_name_validator(key, data, errors, context)
    package = context.get("package")
    package_id = package.id if package else data.get(key[:-1] + ("id",))
    others = names[value] - {package_id} if package_id and package_id is not missing \
        else names[value]
    # from here on as core's validator, with its messages
    if others:
        errors[key].append(_("That URL is already in use."))
    if len(value) < model.PACKAGE_NAME_MIN_LENGTH:
        raise Invalid(_('Name "%s" length is less than minimum %s')
                      % (value, model.PACKAGE_NAME_MIN_LENGTH))
    if len(value) > model.PACKAGE_NAME_MAX_LENGTH:
        raise Invalid(_('Name "%s" length is more than maximum %s')
                      % (value, model.PACKAGE_NAME_MAX_LENGTH))

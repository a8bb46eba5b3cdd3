"""Files uploaded into a held revision of a published dataset.

CKAN writes an upload to the resource's path inside ``package_update``; for a
published dataset that update is only a dry run (the revision is held), so
without this the new bytes would replace the live file at once and stay after
a rollback. While a revision is held, uploads go to the revision's own folder;
``promote`` moves them over the live files inside ``publish`` and ``discard``
removes them when the revision is withdrawn or voided.
"""
from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import re
import shutil
from typing import Any, Iterator, Optional

import ckan.lib.uploader as uploader
import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

_holding: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar(
    "satudata_holding_revision_of", default=None)
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@contextlib.contextmanager
def holding(package_id: str) -> Iterator[None]:
    """Uploads made inside this block belong to the held revision."""
    token = _holding.set(package_id)
    try:
        yield
    finally:
        _holding.reset(token)


def _checked(value: str) -> str:
    if not _UUID.match(value or ""):
        raise tk.ValidationError({"upload": [
            "Pengenal tidak valid / Invalid identifier"]})
    return value


def revision_directory(package_id: str) -> Optional[str]:
    root = uploader.get_storage_path()
    if not root:
        return None
    return os.path.join(os.path.realpath(root), "satudata-revisions", _checked(package_id))


def held_file(package_id: str, resource_id: str) -> Optional[str]:
    """The path of a file held for `resource_id`, if there is one."""
    directory = revision_directory(package_id)
    if directory is None:
        return None
    path = os.path.join(directory, _checked(resource_id))
    return path if os.path.isfile(path) else None


class ResourceUpload(uploader.ResourceUpload):
    """CKAN's resource uploader, writing into the held revision's folder when
    it was made while a revision is held (and to the live path otherwise)."""

    def __init__(self, resource: dict[str, Any]) -> None:
        super().__init__(resource)
        self.held_for = _holding.get()

    def get_directory(self, id: str) -> str:
        if self.held_for is None:
            return super().get_directory(id)
        return revision_directory(self.held_for)

    def get_path(self, id: str) -> str:
        if self.held_for is None:
            return super().get_path(id)
        return os.path.join(revision_directory(self.held_for), _checked(id))


def live_path(resource_id: str) -> Optional[str]:
    live = uploader.ResourceUpload({})
    return live.get_path(resource_id) if live.storage_path else None


def promote(package_id: str, live: dict[str, Any], revision: dict[str, Any]) -> list[str]:
    """Publish the revision's files: held uploads replace the live bytes; an
    upload the revision turned into a link is removed. Returns the resource
    ids whose bytes changed."""
    changed = []
    directory = revision_directory(package_id)
    kept = {r.get("id") for r in revision.get("resources") or []}
    if directory and os.path.isdir(directory):
        for name in os.listdir(directory):
            if name not in kept or not _UUID.match(name):
                continue
            target = live_path(name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.replace(os.path.join(directory, name), target)
            changed.append(name)
    was_upload = {r["id"] for r in live.get("resources") or [] if r.get("url_type") == "upload"}
    for resource in revision.get("resources") or []:
        if resource.get("id") in was_upload and resource.get("url_type") != "upload":
            with contextlib.suppress(OSError):
                os.remove(live_path(resource["id"]))
                changed.append(resource["id"])
    discard(package_id)
    return changed


def discard(package_id: str) -> None:
    """Remove what a withdrawn or voided revision had uploaded."""
    directory = revision_directory(package_id)
    if directory and os.path.isdir(directory):
        shutil.rmtree(directory, ignore_errors=True)
        log.info("dataset %s: held revision files removed", package_id)

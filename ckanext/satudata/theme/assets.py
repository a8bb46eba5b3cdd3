"""Each asset bundle's URLs worked out at most once a minute per process.

CKAN asks webassets for a bundle's URLs on every page it renders, and
webassets, which builds on demand, then stats every source file of the
bundle (and opens some) to learn whether the built file is stale: about 140
`stat` and 30 `open` calls on a resource page, a fifth of its render. The
files do not change under a running process (a deploy restarts it), so a
bundle's answer is kept for `KEPT_SECONDS`: a built file removed from disk
(a temporary-directory cleaner) is built again within a minute. With `debug`
or `ckan.webassets.debug` on, a developer edits the files: asked every time.
"""
from __future__ import annotations

import time

import ckan.plugins.toolkit as tk

KEPT_SECONDS = 60.0


class _UrlsKeptAWhile:
    """Stands in for one bundle's `urls()`: the first call (which builds the
    bundle when needed) is kept, as a copy, for `KEPT_SECONDS`. A call with
    arguments (`calculate_sri`) goes to webassets each time."""

    def __init__(self, urls, clock=time.monotonic):
        self._urls, self._clock = urls, clock
        self._kept, self._until = [], float("-inf")   # asked at the first call

    def __call__(self, *args, **kwargs):
        if args or kwargs:
            return self._urls(*args, **kwargs)
        now = self._clock()
        if now >= self._until:
            self._kept, self._until = list(self._urls()), now + KEPT_SECONDS
        return list(self._kept)


def keep_bundle_urls(env=None, config=None) -> int:
    """Give every bundle registered in CKAN's webassets environment a kept
    `urls()`; called once the app is built (every plugin's and core's assets
    registered). Returns how many bundles it changed."""
    config = tk.config if config is None else config
    if tk.asbool(config.get("debug")) or tk.asbool(config.get("ckan.webassets.debug")):
        return 0
    if env is None:
        from ckan.lib import webassets_tools
        env = webassets_tools.env
    changed = 0
    for bundle in env:
        if not isinstance(bundle.__dict__.get("urls"), _UrlsKeptAWhile):
            bundle.urls = _UrlsKeptAWhile(bundle.urls)
            changed += 1
    return changed

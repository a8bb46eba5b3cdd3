"""Where CKAN's test machinery is slow for no reason of the tests'.

CKAN's ``with_plugins`` fixture loads every plugin for each test, and each
plugin's ``update_config`` asks the toolkit to add its template and public
folders and WebAssets libraries. The toolkit finds the calling plugin's file
with ``inspect.stack()``, which reads the source lines of every frame on the
stack (under pytest, ~60 of them, each with a module lookup): about two thirds
of loading the plugins, a second or more per test on a busy machine. The
replacements below find the same file from the same frame with
``sys._getframe``; what they add to the config is unchanged.

Loading a plugin also looks its name up among the entry points of every
installed distribution (``importlib.metadata.entry_points``: ~200 package
metadata files read, for each of the ~16 plugins, each test). The installed
packages do not change during a run: they are read once.

And each load parses the same YAML files again (CKAN's config declaration,
each plugin's, the scheming schemas, the WebAssets bundles): ~20 parses of
50-130 ms each per test. A file's parse is kept by its content and handed out
as a deep copy, so a caller that changes what it got changes only its own.
"""
from __future__ import annotations

import os
import sys


def caller_file(depth: int) -> str:
    """``inspect.stack()[depth].filename`` as seen by our caller."""
    return sys._getframe(depth + 1).f_code.co_filename


def install() -> None:
    import ckan.plugins.toolkit as toolkit
    if getattr(toolkit, "_satudata_fast_caller", False):
        return
    from ckan.lib.webassets_tools import create_library

    def _add_served_directory(config_, relative_path, config_var):
        # CKAN's, with inspect.stack()[2] (the plugin calling
        # add_template_directory/add_public_directory) found directly
        assert config_var in ("plugin_template_paths", "plugin_public_paths")
        absolute_path = os.path.join(os.path.dirname(caller_file(2)), relative_path)
        if absolute_path not in config_.get(config_var, []):
            if config_var in config_:
                config_[config_var] = [absolute_path] + config_[config_var]
            else:
                config_[config_var] = [absolute_path]
        return absolute_path

    def add_resource(path, name):
        # CKAN's, with inspect.stack()[1] (the plugin calling it) found directly
        create_library(name, os.path.join(os.path.dirname(caller_file(1)), path))

    add_resource.__doc__ = toolkit.add_resource.__doc__
    toolkit._add_served_directory = _add_served_directory
    toolkit.add_resource = add_resource
    toolkit._satudata_fast_caller = True

    import importlib.metadata
    import ckan.plugins.core as core
    installed = importlib.metadata.entry_points()

    def entry_points(**params):
        return installed.select(**params)
    core.entry_points = entry_points

    _cache_yaml()


def _cache_yaml() -> None:
    import copy
    import hashlib

    import msgspec.yaml
    import yaml
    parsed: dict = {}

    def cached(text, parse):
        raw = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        key = (parse, hashlib.sha1(raw).digest())
        if key not in parsed:
            parsed[key] = parse(text)
        return copy.deepcopy(parsed[key])

    safe_load, decode = yaml.safe_load, msgspec.yaml.decode

    def cached_safe_load(stream):
        return cached(stream if isinstance(stream, (str, bytes)) else stream.read(), safe_load)

    def cached_decode(buf, **kw):
        return cached(buf, decode) if not kw and isinstance(buf, (str, bytes)) \
            else decode(buf, **kw)

    yaml.safe_load = cached_safe_load
    msgspec.yaml.decode = cached_decode

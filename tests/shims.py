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

Loading or unloading the plugins (twice a test) declares CKAN's ~700 config
options again, and each time validates core's declaration file against its
navl schema (~0.1 s of CPU) although the file has not changed: a
declaration file's validated form is kept by its content and handed out as
a deep copy, as the YAML parses are.

Every user a test makes gets a password hashed with PBKDF2-SHA512 at
25,000 rounds (~40 ms of CPU; a test's team of 3-8 users, ~0.2 s): the
tests' own passwords are hashed with 1,000 rounds. Verification reads the
rounds from the stored hash, so logging in works the same; the portals the
tests serve with gunicorn, and production, keep passlib's default
(tests/operations/test_password_hashing.py).
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
    _cache_declaration_validation()
    _cheap_test_passwords()


TEST_PASSWORD_ROUNDS = 1000


def _cheap_test_passwords() -> None:
    import ckan.model.user as user_model
    from passlib.hash import pbkdf2_sha512
    user_model.pbkdf2_sha512 = pbkdf2_sha512.using(rounds=TEST_PASSWORD_ROUNDS)


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


def _containers_copied(value):
    """Dicts, lists and tuples copied, leaves shared (the validated
    declaration holds config Keys, which answer any attribute, even
    ``__deepcopy__``, and are never changed)."""
    if isinstance(value, dict):
        return {k: _containers_copied(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_containers_copied(v) for v in value)
    return value


def _cache_declaration_validation() -> None:
    import pickle
    import hashlib

    import ckan.lib.navl.dictization_functions as df
    import ckan.logic.schema as schemas
    declaration_schema, validate = schemas.config_declaration_v1, df.validate
    marker = declaration_schema()   # what load_dict asks for, recognised below
    validated: dict = {}

    def cached_validate(data, schema, context=None):
        if schema is not marker:
            return validate(data, schema, context)
        key = hashlib.sha1(pickle.dumps(data)).digest()
        if key not in validated:
            validated[key] = validate(data, declaration_schema(), context)
        return _containers_copied(validated[key])

    # ckan.config.declaration.load imports both when it loads a declaration
    schemas.config_declaration_v1 = lambda: marker
    df.validate = cached_validate

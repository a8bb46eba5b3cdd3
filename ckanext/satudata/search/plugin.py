"""The ``satudata_search`` plugin: CKAN's dataset search on PostgreSQL, no Solr.

Enable it alone on any CKAN 2.12 (``ckan.plugins = satudata_search ...``),
run ``ckan db upgrade -p satudata_search`` and ``ckan search-index rebuild``.
It needs nothing else from ckanext-satudata; the ``satudata`` plugin works
with it or with CKAN's Solr. See docs/search.md.
"""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.satudata import search
from ckanext.satudata.search import name_check


@tk.blanket.config_declarations
class SatudataSearchPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IValidators)

    # IConfigurer: the backend is chosen before CKAN's search is first used
    def update_config(self, config):
        search.install()

    # IConfigurable
    def configure(self, config):
        search.install()

    # IValidators: core's name check, answered per batch during a rebuild
    def get_validators(self):
        return {"package_name_validator": name_check.package_name_validator}

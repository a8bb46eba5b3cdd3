"""Wires ckanext-satudata into CKAN; the logic lives in the modules it names."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.satudata import cli, helpers, search, views
from ckanext.satudata.logic import action, auth, validators


@tk.blanket.config_declarations
@tk.blanket.actions(action.get_actions)
@tk.blanket.auth_functions(auth.get_auth_functions)
@tk.blanket.validators(validators.get_validators)
@tk.blanket.helpers(helpers.get_helpers)
@tk.blanket.blueprints(views.get_blueprints)
@tk.blanket.cli(cli.get_commands)
class SatudataPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation, inherit=True)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "templates")
        search.install()

    # ITranslation: defaults find i18n/ next to this module, domain ckanext-satudata
    def i18n_domain(self):
        return "ckanext-satudata"

"""Wires ckanext-satudata into CKAN; the logic lives in the modules it names."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from ckanext.satudata import cli, finding_work, helpers, reports, views
from ckanext.satudata.logic import action, auth, dataset_workflow, revision_files, validators
from ckanext.satudata.permissions import SatudataPermissionLabels


@tk.blanket.config_declarations
@tk.blanket.actions(action.get_actions)
@tk.blanket.auth_functions(auth.get_auth_functions)
@tk.blanket.validators(validators.get_validators)
@tk.blanket.helpers(helpers.get_helpers)
@tk.blanket.blueprints(views.get_blueprints)
@tk.blanket.cli(cli.get_commands)
class SatudataPlugin(SatudataPermissionLabels, DefaultTranslation, p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IPermissionLabels)
    p.implements(p.IUploader, inherit=True)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.IFacets, inherit=True)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "templates")
        reports.install(config)

    # ITranslation: DefaultTranslation finds i18n/ckanext-satudata.mo
    # IPackageController: workflow 1 runs inside CKAN's own transaction
    def after_dataset_create(self, context, pkg_dict):
        dataset_workflow.on_dataset_created(context, pkg_dict)

    def after_dataset_update(self, context, pkg_dict):
        dataset_workflow.on_dataset_updated(context, pkg_dict)

    def before_dataset_index(self, pkg_dict):
        return dataset_workflow.index_fields(pkg_dict)

    # IPackageController, IFacets: staff find their work (finding_work)
    def before_dataset_search(self, search_params):
        return finding_work.before_search(search_params)

    def after_dataset_search(self, search_results, search_params):
        return finding_work.after_search(search_results, search_params)

    def dataset_facets(self, facets_dict, package_type):
        return finding_work.dataset_facets(facets_dict, package_type)

    def organization_facets(self, facets_dict, organization_type, package_type):
        return finding_work.organization_facets(facets_dict, organization_type, package_type)

    # IUploader: an upload into a held revision never touches the live file
    def get_resource_uploader(self, data_dict):
        return revision_files.ResourceUpload(data_dict)

    def get_uploader(self, upload_to, old_filename=None):
        return None

    # IMiddleware: reverse-proxy headers and bounded request bodies
    def make_middleware(self, app, config):
        from ckanext.satudata.operations import middleware
        return middleware.make_middleware(app, config)

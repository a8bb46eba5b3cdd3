"""Wires ckanext-satudata into CKAN. Every action, auth function, validator,
helper and blueprint it registers is named here; the logic lives in the
capability packages: workflow/ (the shared core), dissemination/ (Workflow 1),
requests/ (Workflow 2), sdi/ (metadata), reports/, notifications/, operations/.
The search backend is its own plugin, ``satudata_search`` (search/plugin.py)."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from ckanext.satudata import cli, helpers, reports
from ckanext.satudata.dcat import catalog as dcat_catalog
from ckanext.satudata.dcat import views as dcat_views
from ckanext.satudata.dcat import lookups as dcat_lookups
from ckanext.satudata.dissemination import actions as dissemination_actions
from ckanext.satudata.dissemination import auth as dissemination_auth
from ckanext.satudata.dissemination import (finding_work, index_sync, read_guard,
                                            revision_edits, revision_files)
from ckanext.satudata.dissemination import service as dissemination
from ckanext.satudata.dissemination import views as dissemination_views
from ckanext.satudata.dissemination.permission_labels import SatudataPermissionLabels
from ckanext.satudata.notifications import mail
from ckanext.satudata.quality.checks import helpers as quality_helpers
from ckanext.satudata.quality.checks import request_files
from ckanext.satudata.operations import core_inputs, csrf_guard, middleware
from ckanext.satudata.operations import views as operations_views
from ckanext.satudata.quality import actions as quality_actions
from ckanext.satudata.quality import per_opd as quality_per_opd
from ckanext.satudata.reports import views as report_views
from ckanext.satudata.requests import actions as request_actions
from ckanext.satudata.requests import auth as request_auth
from ckanext.satudata.requests import objection
from ckanext.satudata.requests import views as request_views
from ckanext.satudata.sdi import validators
from ckanext.satudata.workflow import actions as role_actions
from ckanext.satudata.workflow import auth as role_auth
from ckanext.satudata.workflow import views as role_views
from ckanext.satudata.workflow.chaining import chained
from ckanext.satudata import privacy

privacy.add_commands(cli.satudata)   # `ckan satudata privacy ...` (personal data)


def _by_name(*functions):
    """{name: function}: each function carries the name CKAN knows it by."""
    table = {}
    for function in functions:
        if function.__name__ in table:
            raise ValueError("registered twice: %s" % function.__name__)
        table[function.__name__] = function
    return table


@tk.blanket.config_declarations
@tk.blanket.cli(cli.get_commands)
class SatudataPlugin(SatudataPermissionLabels, DefaultTranslation, p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IValidators)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IBlueprint)
    p.implements(p.ITranslation)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IPermissionLabels)
    p.implements(p.IUploader, inherit=True)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.ISignal)

    # IConfigurer
    def update_config(self, config):
        # shared templates and core overrides, then each capability's own
        for templates in ("templates", "dissemination/templates", "requests/templates",
                          "notifications/templates", "operations/templates",
                          "privacy/templates"):
            tk.add_template_directory(config, templates)
        reports.install(config)
        mail.check_sender(config)
        dissemination_views.route_after_login(config)   # staff land on their work
        dcat_lookups.read_profiles_once()   # RDF profiles found once per process

    # IActions
    def get_actions(self):
        actions = _by_name(
            # portal roles (the shared core)
            role_actions.satudata_role_grant, role_actions.satudata_role_revoke,
            role_actions.satudata_role_list,
            # Workflow 1: the chain, its reads, and what core does to datasets
            dissemination_actions.satudata_dataset_transition,
            dissemination_actions.satudata_dataset_workflow_show,
            dissemination_actions.satudata_dataset_history,
            dissemination_actions.satudata_review_queue,
            dissemination_actions.satudata_sla_report,
            dissemination_actions.package_create, dissemination_actions.package_update,
            dissemination_actions.package_patch, dissemination_actions.package_delete,
            dissemination_actions.dataset_purge, dissemination_actions.bulk_update_delete,
            dissemination_actions.package_owner_org_update,
            # Workflow 1: a published dataset's resources change in its held revision
            revision_edits.resource_update, revision_edits.resource_patch,
            revision_edits.resource_delete,
            # Workflow 1: nothing unpublished leaks (names, tags, formats, counts)
            read_guard.resource_view_list, read_guard.resource_view_show,
            read_guard.package_relationships_list, read_guard.package_collaborator_list,
            read_guard.dataset_follower_count, read_guard.am_following_dataset,
            read_guard.follow_dataset, read_guard.task_status_show, read_guard.tag_list,
            read_guard.tag_search, read_guard.tag_autocomplete, read_guard.tag_show,
            read_guard.format_autocomplete, read_guard.member_list, read_guard.package_search,
            index_sync.organization_list, index_sync.group_list, index_sync.member_create,
            index_sync.member_delete, index_sync.package_collaborator_create,
            index_sync.package_collaborator_delete,
            # Workflow 2: data requests and objections (keberatan)
            request_actions.satudata_request_create, request_actions.satudata_request_show,
            request_actions.satudata_request_list, request_actions.satudata_request_transition,
            request_actions.satudata_request_dataset_create,
            objection.satudata_objection_file, objection.satudata_objection_decide,
            # quality inside the chain (issue 25)
            quality_actions.satudata_quality_show,
            # core actions that answered 500 to a missing parameter
            core_inputs.group_autocomplete, core_inputs.organization_autocomplete,
        )
        actions.update(privacy.get_actions())   # personal data (UU 27/2022)
        # read guard outside, held revision inside: an outsider never reaches it
        actions["package_show"] = chained(read_guard.package_show, revision_edits.package_show)
        actions["resource_show"] = chained(read_guard.resource_show,
                                           revision_edits.resource_show)
        if p.plugin_loaded("activity"):
            actions.update(_by_name(read_guard.package_activity_list, read_guard.activity_show,
                                    read_guard.activity_data_show, read_guard.activity_diff,
                                    read_guard.user_activity_list,
                                    read_guard.dashboard_activity_list,
                                    read_guard.organization_activity_list,
                                    read_guard.group_activity_list,
                                    read_guard.recently_changed_packages_activity_list))
        if p.plugin_loaded("dcat"):
            actions.update(_by_name(read_guard.dcat_dataset_show, dcat_catalog.dcat_catalog_show))
        return actions

    # IAuthFunctions
    def get_auth_functions(self):
        return dict(self._auth_functions(), **privacy.get_auth_functions())

    def _auth_functions(self):
        return _by_name(
            role_auth.satudata_role_grant, role_auth.satudata_role_revoke,
            role_auth.satudata_role_list,
            dissemination_auth.satudata_dataset_transition,
            dissemination_auth.satudata_dataset_workflow_show,
            dissemination_auth.satudata_dataset_history,
            dissemination_auth.satudata_review_queue, dissemination_auth.satudata_sla_report,
            dissemination_auth.package_show, dissemination_auth.package_update,
            dissemination_auth.package_create, dissemination_auth.package_delete,
            dissemination_auth.resource_view_create, dissemination_auth.resource_view_update,
            dissemination_auth.resource_view_reorder, dissemination_auth.resource_view_delete,
            dissemination_auth.package_relationship_create,
            dissemination_auth.package_relationship_update,
            dissemination_auth.package_relationship_delete,
            dissemination_auth.organization_update, dissemination_auth.group_update,
            revision_edits.auth_resource_show, revision_edits.auth_resource_update,
            revision_edits.auth_resource_patch, revision_edits.auth_resource_delete,
            request_auth.satudata_request_create, request_auth.satudata_request_show,
            request_auth.satudata_request_list, request_auth.satudata_request_transition,
            request_auth.satudata_request_dataset_create,
            request_auth.satudata_objection_file, request_auth.satudata_objection_decide,
            quality_actions.auth_satudata_quality_show,
        )

    # IValidators
    def get_validators(self):
        return _by_name(
            validators.satudata_required,
            validators.satudata_choice,
            validators.satudata_config_default,
            validators.satudata_year,
            validators.satudata_period_end,
            validators.satudata_region_code_kemendagri,
            validators.satudata_region_code_bps,
            validators.satudata_email,
            validators.satudata_phone,
            validators.satudata_user,
            validators.satudata_role,
            validators.satudata_one_of_transitions,
            validators.satudata_one_of_states,
            validators.satudata_max_length,
            validators.satudata_organization,
            validators.satudata_honeypot,
            validators.satudata_identity_number,
            validators.satudata_request_transition,
            validators.satudata_request_status,
            validators.satudata_limit,
            validators.satudata_at_most,
            validators.satudata_one_of,
            validators.satudata_iso_date,
            validators.satudata_clean_text,
            validators.satudata_resource_url)

    # ITemplateHelpers
    def get_helpers(self):
        return dict(self._helpers(), **privacy.get_helpers())

    def _helpers(self):
        return _by_name(
            helpers.satudata_is_walidata,
            helpers.satudata_role_label,
            helpers.satudata_state_label,
            helpers.satudata_transition_label,
            helpers.satudata_step_label,
            helpers.satudata_dataset_workflow,
            helpers.satudata_dataset_history,
            helpers.satudata_dataset_opd,
            helpers.satudata_role_holders,
            helpers.satudata_request_status_label,
            helpers.satudata_request_status_colour,
            helpers.satudata_request_statuses,
            helpers.satudata_request_transition_label,
            helpers.satudata_reject_reasons,
            helpers.satudata_objection_status_label,
            helpers.satudata_objection_ground_label,
            helpers.satudata_request_step_label,
            helpers.satudata_request_turn,
            helpers.satudata_wib_date,
            helpers.satudata_wib_datetime,
            helpers.satudata_organization_options,
            helpers.satudata_is_opd_member,
            helpers.satudata_owner_org_choices,
            helpers.satudata_revision_base,
            helpers.satudata_edit_makes_revision,
            helpers.satudata_wib,
            helpers.satudata_display_name,
            helpers.satudata_diff_rows,
            helpers.satudata_panel_message,
            # the review panel's quality checks (issues 25, 26)
            quality_helpers.satudata_quality_checks,
            quality_helpers.satudata_quality_finding,
            request_files.satudata_received_file_scan,
            finding_work.gravatar,
            finding_work.satudata_list_workflow,
            finding_work.satudata_overdue_filter,
            finding_work.satudata_published_at,
            finding_work.satudata_badge_style,
            quality_actions.satudata_quality_score, quality_actions.satudata_update_schedule,
            quality_actions.satudata_quality_colour,
            quality_per_opd.satudata_needing_update, quality_per_opd.satudata_quality_per_opd)

    # IBlueprint: the CSRF guard first (its hook runs before the rate limit's)
    def get_blueprint(self):
        return [csrf_guard.csrf_guard, role_views.satudata_admin,
                dissemination_views.satudata_workflow, request_views.satudata_requests,
                operations_views.satudata_operations, dcat_views.dcat_extra,
                report_views.kinerja, report_views.public_stats,
                quality_per_opd.quality_pages] + privacy.get_blueprints()

    # ITranslation: DefaultTranslation finds i18n/ckanext-satudata.mo
    # IPackageController: workflow 1 runs inside CKAN's own transaction
    def after_dataset_create(self, context, pkg_dict):
        dissemination.on_dataset_created(context, pkg_dict)

    def after_dataset_update(self, context, pkg_dict):
        dissemination.on_dataset_updated(context, pkg_dict)

    def before_dataset_index(self, pkg_dict):
        return dissemination.index_fields(pkg_dict)

    # ISignal: satudata_search's rebuild indexes in batches; the workflow
    # rows of a batch are read in one query (signals named, so no import of
    # the search plugin: with Solr they are never sent)
    def get_signal_subscriptions(self):
        signal = tk.signals.ckanext.signal
        return {signal("satudata_search_before_batch_index"): [dissemination.load_batch_rows],
                signal("satudata_search_after_batch_index"): [dissemination.forget_batch_rows]}

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
        return middleware.make_middleware(app, config)

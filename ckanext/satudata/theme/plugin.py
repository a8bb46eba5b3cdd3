"""The theme's plugins: `satudata_theme` (templates, assets, home/SDI/dashboard
helpers, `ckan preview` CLI), `satudata_preview` (DataStore + xloader only for
published datasets; listed after `xloader` in ckan.plugins) and
`satudata_chart_view`."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckanext.xloader.interfaces import IXloader

from ckanext.satudata.dissemination import live_data
from ckanext.satudata.theme import assets, chart_view, cli, helpers, preview


@tk.blanket.helpers(helpers.get_helpers)
@tk.blanket.cli(cli.get_commands)
class SatudataThemePlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IMiddleware, inherit=True)

    def update_config(self, config):
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "satudata_theme")

    # IMiddleware: every asset is registered once the app is built; each
    # bundle's URLs are then kept a while instead of checked on every page,
    # and browsers keep the files instead of asking again on every page
    def make_middleware(self, app, config):
        assets.keep_bundle_urls(config=config)
        assets.keep_files_in_browsers(app, config)
        return app


class SatudataPreviewPlugin(p.SingletonPlugin):
    """The preview's plugin also holds the DataStore/xloader seams of the
    live version (dissemination/live_data.py): they exist only with them."""
    p.implements(IXloader, inherit=True)
    p.implements(p.IResourceController, inherit=True)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)

    def get_actions(self):
        return dict(preview.get_actions(), **live_data.get_actions())

    def get_auth_functions(self):
        return live_data.get_auth_functions()

    def can_upload(self, resource_id):
        return preview.can_upload(resource_id)

    def after_upload(self, context, resource_dict, dataset_dict):
        # codes (35.10.15) that the type guessing made dates or numbers
        from ckanext.satudata.theme import loader_types
        try:
            loader_types.keep_codes_as_text(resource_dict)
        except Exception:  # noqa: BLE001 - the load is reported and its views made anyway
            loader_types.log.exception("loader types: %s not checked", resource_dict.get("id"))

    def before_resource_show(self, resource_dict):
        return preview.before_resource_show(resource_dict)


class SatudataChartViewPlugin(p.SingletonPlugin):
    p.implements(p.IResourceView, inherit=True)

    def info(self):
        return chart_view.info()

    def can_view(self, data_dict):
        return chart_view.can_view(data_dict)

    def setup_template_variables(self, context, data_dict):
        return chart_view.template_variables(data_dict)

    def view_template(self, context, data_dict):
        return "satudata/theme/chart_view.html"

    def form_template(self, context, data_dict):
        return "satudata/theme/chart_form.html"

"""`ckan preview token|load`: what scripts/portal needs for the DataStore."""
from __future__ import annotations

import click

import ckan.model as model
import ckan.plugins.toolkit as tk

TOKEN_NAME = "xloader-portal"


@click.group(short_help="Data preview (DataStore + xloader) of published datasets")
def preview():
    pass


@preview.command()
def token():
    """Print a fresh API token for ckanext-xloader's worker and revoke the
    older ones: the token of the loader's own account (neither sysadmin nor
    member of any OPD; dissemination/live_data.py says what it may do). Run it
    again to rotate, then restart the web server and the worker."""
    from ckanext.satudata.dissemination import live_data
    try:
        loader = live_data.ensure_loader_user()
    except tk.ValidationError as e:
        raise click.ClickException(str(e.error_dict["name"][0]))
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    ctx = {"ignore_auth": True, "user": site["name"]}
    # the site user's tokens of that name came from earlier versions: a
    # sysadmin's token must not stay valid in an old configuration file
    for old in model.Session.query(model.ApiToken).filter(
            model.ApiToken.name == TOKEN_NAME,
            model.ApiToken.user_id.in_([site["id"], loader.id])):
        tk.get_action("api_token_revoke")(ctx, {"jti": old.id})
    made = tk.get_action("api_token_create")(ctx, {"user": loader.name, "name": TOKEN_NAME})
    click.echo(made["token"])


@preview.command()
def load():
    """Queue every resource of every published dataset for xloader."""
    from ckanext.satudata.theme import preview as pv
    queued = 0
    for (pkg_id,) in model.Session.query(model.Package.id).filter_by(state="active",
                                                                    private=False):
        queued += pv.submit_dataset(pkg_id)
    click.echo("%d resource(s) queued for the DataStore" % queued)


def get_commands():
    return [preview]

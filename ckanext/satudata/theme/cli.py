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
    """Print a fresh API token of the site user for ckanext-xloader (older
    tokens of that name are revoked)."""
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    ctx = {"ignore_auth": True, "user": site["name"]}
    for old in model.Session.query(model.ApiToken).filter_by(user_id=site["id"], name=TOKEN_NAME):
        tk.get_action("api_token_revoke")(ctx, {"jti": old.id})
    made = tk.get_action("api_token_create")(ctx, {"user": site["name"], "name": TOKEN_NAME})
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

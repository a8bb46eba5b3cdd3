"""`ckan satudata page-cache ...`."""
from __future__ import annotations

import click

from ckanext.satudata.page_cache import store


@click.group("page-cache")
def page_cache():
    """The anonymous page cache (Redis)."""


@page_cache.command("clear")
def clear():
    """Serve no page kept so far: after a deployment that changed templates or
    settings, or a write made outside CKAN (psql)."""
    before = store.current_generation()
    if before is None:
        raise click.ClickException("Redis does not answer (ckan.redis.url)")
    store.next_generation()
    click.echo("page cache: generation %d -> %s" % (before, store.current_generation()))

"""`ckan satudata privacy ...`: the NIK key and its rotation, the breach
runbook (docs/privacy.md)."""
from __future__ import annotations

import os
import tempfile

import click
import sqlalchemy as sa

import ckan.model as model


@click.group()
def privacy():
    """Personal data of the request desk (UU 27/2022)."""


@privacy.command("new-key")
def new_key():
    """Print a new key for ckanext.satudata.personal_data_key."""
    from cryptography.fernet import Fernet
    click.echo(Fernet.generate_key().decode("ascii"))


def _write_keys(path: str, keys: list[str]) -> None:
    """Replace the key file in one step (a crash leaves the old or the new)."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".personal_data_key.")
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write("\n".join(keys) + "\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def rotate_all() -> int:
    """Every stored NIK encrypted again with the first configured key; returns
    how many. One transaction: all or none."""
    from ckanext.satudata.model import data_request
    from ckanext.satudata.privacy import crypto
    rows = model.Session.execute(sa.select(data_request.c.id, data_request.c.identity_number)
                                 .where(data_request.c.identity_number.isnot(None))
                                 .with_for_update()).all()
    for row in rows:
        model.Session.execute(sa.update(data_request).where(data_request.c.id == row.id)
                              .values(identity_number=crypto.rotate(row.identity_number)))
    model.Session.commit()
    return len(rows)


@privacy.command("rotate-key")
@click.option("--keep-old", is_flag=True,
              help="Keep the old key(s) in the key file after the rotation.")
def rotate_key(keep_old):
    """Encrypt every stored NIK with a new key.

    With a key file: a new key is put first in the file, every NIK is
    encrypted again with it, and the old keys are dropped from the file
    (unless --keep-old). With the key(s) in the config itself: put the new key
    first there yourself, then run this to re-encrypt."""
    from ckanext.satudata.privacy import crypto
    from cryptography.fernet import Fernet
    path = crypto.key_file()
    old = crypto.configured_keys()
    if path:
        fresh = Fernet.generate_key().decode("ascii")
        _write_keys(path, [fresh] + old)
        try:
            count = rotate_all()
        except Exception:
            _write_keys(path, old)   # nothing was re-encrypted: the old file again
            raise
        if not keep_old:
            _write_keys(path, [fresh])
        click.echo("rotated %d NIK(s) to a new key in %s%s" % (
            count, path, "" if keep_old else "; old key(s) removed"))
    else:
        if not old:
            raise click.ClickException("no key configured (%s)" % crypto.CONFIG_KEY)
        count = rotate_all()
        click.echo("re-encrypted %d NIK(s) with the first configured key" % count)

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


@privacy.command("retention")
def retention_cmd():
    """Erase the personal data of requests past ckanext.satudata.request_retention
    (never under legal hold); run daily from cron or the scheduler."""
    from ckanext.satudata.privacy import rights
    done = rights.retention_run()
    click.echo("erased the personal data of %d request(s)" % len(done))
    for record in done:
        click.echo("  %s: %s" % (record["request"], ", ".join(record["fields"])))


NOTICE = """Kepada Yth. {name},

Pemberitahuan kegagalan pelindungan data pribadi (UU 27/2022 Pasal 46)

Kami memberitahukan bahwa data pribadi Anda yang kami proses untuk layanan
permintaan data {number} telah terpapar dalam suatu insiden.

1. Data pribadi yang terungkap: {exposed}
2. Kapan: antara {start} dan {end} WIB
3. Bagaimana: {how}
4. Upaya penanganan dan pemulihan: {action}

Apabila Anda memiliki pertanyaan, hubungi Petugas Pelindungan Data Pribadi
melalui {contact}.

Hormat kami,
Petugas Pelindungan Data Pribadi
"""

FIELD_NAMES_ID = {"name": "nama", "email": "alamat email", "phone": "nomor telepon",
                  "institution": "instansi", "identity_number": "NIK"}


def _wib(text: str):
    import datetime as dt
    from ckanext.satudata.workflow import clock
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=clock.WIB)


def affected(start, end, exposed: list[str], all_stored: bool) -> list:
    """Requests whose personal data the incident may have revealed: those
    looked at in the window (the access log), or every request holding
    personal data then (``all_stored``: a dump or a lost backup)."""
    from ckanext.satudata.model import data_request
    from ckanext.satudata.privacy import rights
    from ckanext.satudata.privacy.log import access_log
    query = sa.select(data_request).where(data_request.c.email != rights.ERASED)
    if all_stored:
        query = query.where(data_request.c.created_at < end)
    else:
        seen = sa.select(access_log.c.request_id).where(
            access_log.c.at >= start, access_log.c.at < end,
            access_log.c.fields.overlap([f for f in exposed] +
                                        ["identity_number:masked"] * ("identity_number" in exposed)))
        query = query.where(data_request.c.id.in_(seen))
    return model.Session.execute(query.order_by(data_request.c.number)).all()


@privacy.command("breach")
@click.option("--from", "start", required=True, help="Start of the window (ISO, WIB).")
@click.option("--to", "end", required=True, help="End of the window (ISO, WIB).")
@click.option("--exposed", required=True,
              help="Fields exposed, comma-separated: name,email,phone,institution,identity_number")
@click.option("--how", default="[jelaskan bagaimana data terungkap]")
@click.option("--action", "remedy", default="[jelaskan langkah yang telah dan akan diambil]")
@click.option("--all-stored", is_flag=True,
              help="Everything stored was exposed (a dump, a lost backup), not only what staff viewed.")
def breach(start, end, exposed, how, remedy, all_stored):
    """List the requesters a breach affects and draft their Pasal 46 notices
    (for the DPO to check and send within 3 x 24 hours)."""
    import ckan.plugins.toolkit as tk
    fields = [f.strip() for f in exposed.split(",") if f.strip()]
    unknown = [f for f in fields if f not in FIELD_NAMES_ID]
    if unknown:
        raise click.BadParameter("unknown field(s): %s" % ", ".join(unknown),
                                 param_hint="--exposed")
    window = (_wib(start), _wib(end))
    rows = affected(window[0], window[1], fields, all_stored)
    click.echo("# %d pemohon terdampak / affected requesters" % len(rows))
    for r in rows:
        click.echo("%s\t%s\t%s\t%s" % (r.number, r.name, r.email, r.phone or ""))
    contact = tk.config.get("ckanext.satudata.contact_email") or "[alamat kontak]"
    for r in rows:
        click.echo("\n----- %s -----" % r.number)
        click.echo(NOTICE.format(
            name=r.name, number=r.number,
            exposed=", ".join(FIELD_NAMES_ID[f] for f in fields),
            start=window[0].strftime("%d-%m-%Y %H:%M"), end=window[1].strftime("%d-%m-%Y %H:%M"),
            how=how, action=remedy, contact=contact))

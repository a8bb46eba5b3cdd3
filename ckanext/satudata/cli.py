"""`ckan satudata ...` commands."""
from __future__ import annotations

import os

import click

import ckan.plugins.toolkit as tk


def _site_user_context():
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def _call(action, data_dict):
    try:
        return tk.get_action(action)(_site_user_context(), data_dict)
    except tk.ValidationError as e:
        raise click.ClickException("; ".join(
            "%s: %s" % (k, " ".join(v) if isinstance(v, list) else v)
            for k, v in e.error_dict.items()))


@click.group()
def satudata():
    """Portal Satu Data: roles, demo data."""


@satudata.group()
def role():
    """Portal roles (staf, subkoord, kabid)."""


@role.command("grant")
@click.argument("user")
@click.argument("role_name", metavar="ROLE")
def role_grant(user, role_name):
    """Grant ROLE to USER."""
    result = _call("satudata_role_grant", {"user": user, "role": role_name})
    click.echo("%s %s: %s" % ("granted" if result["created"] else "already held",
                              result["user"], result["role"]))


@role.command("revoke")
@click.argument("user")
@click.argument("role_name", metavar="ROLE")
def role_revoke(user, role_name):
    """Revoke ROLE from USER."""
    result = _call("satudata_role_revoke", {"user": user, "role": role_name})
    click.echo("%s %s: %s" % ("revoked" if result["revoked"] else "not held",
                              result["user"], result["role"]))


@role.command("list")
@click.argument("user", required=False)
def role_list(user):
    """List portal role assignments (of USER, or everyone)."""
    rows = _call("satudata_role_list", {"user": user} if user else {})
    for row in rows:
        click.echo("%-24s %-10s %s" % (row["user"], row["role"], row["granted_at"]))
    if not rows:
        click.echo("no portal roles assigned")


@satudata.command("load-demo")
def load_demo():
    """Load the Banyuwangi demo data (idempotent: safe to run again)."""
    from ckanext.satudata.demo import loader
    summary = loader.load()
    click.echo(summary)


@satudata.group()
def outbox():
    """The notification outbox: status, flush, resend."""


@outbox.command("status")
def outbox_status():
    """Print {"sent": n, "waiting": n, "failed": n} as JSON."""
    import json
    from ckanext.satudata.notifications import outbox as notify
    click.echo(json.dumps(notify.status()))


@outbox.command("flush")
def outbox_flush():
    """Send the notifications that are due now (e.g. after a Redis outage)."""
    from ckanext.satudata.notifications import outbox as notify
    result = notify.deliver_outbox()
    click.echo("sent %(sent)d, failed %(failed)d" % result)


@outbox.command("resend")
@click.argument("mail_id", type=int)
def outbox_resend(mail_id):
    """Give a waiting or failed mail a fresh series of tries."""
    from ckanext.satudata.notifications import outbox as notify
    if not notify.resend(mail_id):
        raise click.ClickException("no unsent mail %d" % mail_id)
    click.echo("mail %d queued again" % mail_id)


# the name earlier releases documented
satudata.add_command(outbox_flush, "outbox-flush")

# `ckan satudata quality ...`: reference codes and the checks (issue 25)
from ckanext.satudata.quality.cli import quality  # noqa: E402
satudata.add_command(quality)


@satudata.command("scheduler")
@click.option("--interval", default=60, show_default=True, help="Seconds between checks.")
@click.option("--once", is_flag=True, help="Check once and exit.")
def scheduler(interval, once):
    """Queue the delivery of mails whose retry is due (run under supervision,
    next to `ckan jobs worker`)."""
    import time
    import ckan.model as model
    from ckanext.satudata.notifications import outbox as notify
    import socket
    from ckanext.satudata.operations import doctor
    me = doctor.scheduler_key("%s:%d" % (socket.gethostname(), os.getpid()))
    while True:
        try:
            # checked in for `ckan satudata doctor` (one scheduler per deployment)
            from ckanext.satudata.requests.ratelimit import fast_redis
            fast_redis().set(me, "1", ex=max(180, 3 * interval))
            if notify.due_count():
                notify.dispatch()
        except Exception as e:  # a database or Redis outage: try again later
            click.echo("scheduler: %s" % e, err=True)
        finally:
            model.Session.remove()
        if once:
            return
        time.sleep(interval)


@satudata.command("remind")
@click.option("--now", "run_now", is_flag=True, help="Run here instead of as a background job.")
def remind(run_now):
    """Queue SLA reminders for overdue steps and requests (run from cron)."""
    from ckanext.satudata.notifications import reminders
    if run_now:
        click.echo("queued %d reminder(s)" % reminders.send_reminders())
    else:
        tk.enqueue_job(reminders.send_reminders, title="satudata: SLA reminders")
        click.echo("reminder job enqueued")


@satudata.command("backup")
@click.argument("directory", default=".", type=click.Path(file_okay=False))
def backup_cmd(directory):
    """Write one archive of everything the portal holds into DIRECTORY."""
    import time
    from ckanext.satudata.operations import backup
    t0 = time.monotonic()
    path = backup.backup(tk.config, directory, say=lambda s: click.echo(s, err=True))
    click.echo("backup written: %s (%.1f MB, %.1f s)" % (
        path, os.path.getsize(path) / 2 ** 20, time.monotonic() - t0))
    click.echo(backup.SECRETS_NOTE)


@satudata.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--check", is_flag=True, help="Only check the archive against its manifest.")
def restore_cmd(archive, check):
    """Restore ARCHIVE onto this (empty) portal; a damaged archive or a
    non-empty target is refused and nothing changes."""
    import time
    from ckanext.satudata.operations import backup
    t0 = time.monotonic()
    try:
        if check:
            manifest = backup.verify(archive)
            click.echo("archive intact: %d parts match the manifest" % len(manifest["parts"]))
            return
        manifest = backup.restore(tk.config, archive, say=lambda s: click.echo(s, err=True))
    except backup.Refused as e:
        raise click.ClickException("restore refused, nothing changed: %s" % e)
    click.echo("restored %d parts from %s (made %s) in %.1f s" % (
        len(manifest["parts"]), archive, manifest["created"], time.monotonic() - t0))
    click.echo(backup.SECRETS_NOTE)


@satudata.group()
def audit():
    """The hash-chained audit trail (workflow, request and role logs)."""


@audit.command("verify")
def audit_verify():
    """Recompute every link; name the first broken one (exit 1 if any)."""
    from ckanext.satudata.operations import audit as trail
    broken = False
    for result in trail.verify():
        if result["broken"] is None:
            click.echo("%-8s intact: %d entries, head %s" % (
                result["chain"], result["entries"], (result["head"] or "-")[:16]))
        else:
            broken = True
            click.echo("%-8s BROKEN at %s id %s: %s" % (
                result["chain"], result["table"], result["broken"]["id"],
                result["broken"]["reason"]))
    if broken:
        raise SystemExit(1)


@audit.command("export")
@click.option("--period", required=True,
              help="2026, 2026-12, 2026-12-07 or 2026-10-01:2026-12-31 (days in WIB)")
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="CSV file (default audit-<period>.csv); the signature goes to <file>.sig")
def audit_export(period, output):
    """Write the period's entries as CSV, signed for the Inspektorat."""
    from ckanext.satudata.operations import audit as trail
    try:
        data = trail.export_csv(period)
        signature = trail.sign(data)
    except tk.ValidationError as e:
        raise click.ClickException("; ".join(
            " ".join(v) for v in e.error_dict.values()))
    output = output or "audit-%s.csv" % period.replace(":", "_")
    with open(output, "wb") as f:
        f.write(data)
    with open(output + ".sig", "w") as f:
        f.write(signature + "\n")
    click.echo("%s: %d entries; signature %s.sig (%s)" % (
        output, data.count(b"\n") - 1, output, signature.split(":")[0]))


# the anonymous page cache's own commands (page_cache/cli.py)
from ckanext.satudata.page_cache.cli import page_cache as _page_cache  # noqa: E402

satudata.add_command(_page_cache)


@satudata.command("doctor")
@click.option("--node", "nodes", multiple=True, metavar="URL",
              help="A web node's URL (repeat for each): same secret key and database?")
def doctor_cmd(nodes):
    """Check this deployment and print what to fix (exit 1 when something is)."""
    from ckanext.satudata.operations import doctor
    results = doctor.run(tuple(nodes))
    for name, result in results.items():
        click.echo("%s %-20s %s" % ("ok  " if result["ok"] else "FAIL", name, result["detail"]))
        if not result["ok"]:
            click.echo("     %-20s fix: %s" % ("", result["fix"]))
    if not all(r["ok"] for r in results.values()):
        raise SystemExit(1)


def get_commands():
    return [satudata]

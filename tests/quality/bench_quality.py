"""Benchmark (scripts/bench_quality, not part of the suite): a 50,000-row CSV
submitted for review. The submitting request only queues the checks; the RQ
worker (real, forking) validates the file. Prints one line with both times."""
import io
import os
import random
import time

import pytest
from werkzeug.datastructures import FileStorage

from ckan.tests import factories, helpers

from tests.helpers import as_user, run_worker, site_context, transition
from ckanext.satudata.quality import checks
from ckanext.satudata.quality.checks import reference_codes

pytestmark = pytest.mark.usefixtures("satudata_db", "clean_redis")
ROWS = int(os.environ.get("BENCH_ROWS", "50000"))


def big_csv(rows):
    kecamatan = list(reference_codes.reference()["kecamatan"].values())
    rng = random.Random(25)
    lines = ["kecamatan,kode_kecamatan,tahun,bulan,jumlah_penduduk,luas_km2,keterangan"]
    for i in range(rows):
        k = kecamatan[i % len(kecamatan)]
        lines.append("%s,%s,2025,%d,%d,%.2f,catatan %d" % (
            k["nama"], k["kode"], 1 + i % 12, rng.randint(1000, 150000),
            rng.uniform(10, 500), i))
    return ("\n".join(lines) + "\n").encode()


def test_bench_50000_rows(walidata, capsys):
    data = big_csv(ROWS)
    org = factories.Organization(name="dinkes")
    opd = factories.User(name="opd-dinkes")
    helpers.call_action("organization_member_create", context=site_context(),
                        id=org["id"], username=opd["name"], role="editor")
    dataset = helpers.call_action(
        "package_create", context=as_user(opd), name="besar", title="Besar",
        notes="Data contoh.", owner_org=org["id"], topic="pemerintahan_umum",
        update_frequency="tahunan", period_start="2025", presentation_level="kecamatan",
        unit="jiwa", classification="terbuka")
    helpers.call_action("resource_create", context=as_user(opd), package_id=dataset["id"],
                        name="Besar", format="CSV",
                        upload=FileStorage(io.BytesIO(data), filename="besar.csv"))
    transition(walidata["subkoord"], dataset["id"], "assign", assignee=walidata["staf"]["name"])
    t0 = time.monotonic()
    transition(walidata["staf"], dataset["id"], "submit")
    submit_seconds = time.monotonic() - t0
    assert checks.latest_report(dataset["id"])["status"] == "running"
    t0 = time.monotonic()
    run_worker()
    worker_seconds = time.monotonic() - t0
    report = checks.latest_report(dataset["id"])
    only = report["resources"][0]
    assert report["status"] == "done" and only["rows_checked"] == ROWS
    assert not only["sampled"] and report["problems"] == 0, report["resources"][0]["validation"][:3]
    with capsys.disabled():
        print("\nbench_quality: %d-row CSV (%.1f MB): submit request %.2f s (report queued, "
              "not waited for); worker %.1f s (validation + reference + personal-data scan, "
              "fork and mail job included)" % (ROWS, len(data) / 2 ** 20, submit_seconds,
                                                worker_seconds))

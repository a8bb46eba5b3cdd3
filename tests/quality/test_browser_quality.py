"""The review panel with a finished quality report, in Debian's Chromium (the
fixtures of tests/theme/test_browser.py), issue 25: the Staf submits a dataset
whose CSV has known defects through the page, the RQ worker checks it, and the
Subkoord's panel lists the findings with row and column, asks for a waiver
note, and shows the metadata score the API computes. The README's
screenshot `review-panel-quality.png` is taken here."""
import os
import pathlib
import re

import pytest
from playwright.sync_api import expect

from ckan.tests import helpers

from ckanext.satudata.i18n import translate
from tests.helpers import SdiDataset, as_user, site_context, transition
from tests.theme.test_browser import (SHOTS, SHOTS_WANTED, browser, login,  # noqa: F401
                                      module_portal, no_csp_violation, run_worker, upload)

pytestmark = [pytest.mark.usefixtures("module_satudata_db"),
              pytest.mark.xdist_group("browser-quality")]

CACAT = pathlib.Path(__file__).parent / "fixtures" / "penduduk_cacat.csv"


@pytest.fixture(scope="module")
def assigned(module_portal):
    """A dataset of the portal's OPD whose CSV has a type error, a blank row,
    a misspelt kecamatan, a wrong and an unknown code and a year outside the
    period, assigned to the Staf."""
    portal = module_portal
    people = portal["people"]
    org = helpers.call_action("organization_show", context=site_context(), id="dinkes")
    ds = SdiDataset(name="penduduk-per-kecamatan-cacat", title="Penduduk per Kecamatan 2025",
                    owner_org=org["id"], notes="Jumlah penduduk per kecamatan, 2025.",
                    concept="Penduduk", definition="Orang yang berdomisili di wilayah ini.",
                    measurement="Jumlah", narrative="Penduduk per kecamatan.")
    helpers.call_action("resource_create", context=site_context(), package_id=ds["id"],
                        name="Penduduk 2025", format="CSV", url="penduduk_cacat.csv",
                        url_type="upload",
                        upload=upload("penduduk_cacat.csv", CACAT.read_bytes(), "text/csv"))
    transition(people["subkoord"], ds["id"], "assign", assignee=people["staf"]["name"])
    import ckan.model as model
    model.repo.commit()
    return dict(portal, quality_dataset=ds)


def test_review_panel_lists_the_findings_and_the_score(assigned, browser):  # noqa: F811
    url, people, ds = assigned["url"], assigned["people"], assigned["quality_dataset"]
    page = login(browser, url, people["staf"])
    page.goto(url + "/dataset/" + ds["name"])
    with page.expect_navigation():
        page.locator("button[name=transition][value=submit]").click()
    # the submit only queued the checks: the panel says they are running
    expect(page.locator("#pemeriksaan-mutu h3")).to_contain_text("Sedang diperiksa")
    run_worker(assigned)

    page = login(browser, url, people["subkoord"])
    page.goto(url + "/dataset/" + ds["name"])
    checks = page.locator("#pemeriksaan-mutu")
    expect(checks.locator("h3")).to_contain_text("masalah")
    found = [li.strip() for li in checks.locator("li").all_inner_texts()]
    # the first checked upload fixes the columns' types, so "tiga ribu" (row 16)
    # only makes its column text here; every other defect is listed, in the
    # page's language, with its row and column
    assert found == [
        "Baris 17 kosong",
        'Baris 9, kolom "tahun": tahun 2019 di luar periode dataset (2025–)',
        'Baris 10, kolom "kecamatan": "Gentengg" — bentuk resmi "Genteng" (35.10.09)',
        'Baris 13, kolom "kode_kecamatan": kode 35.10.12 adalah Singojuruh, bukan Kalibaru '
        '(kodenya 35.10.11)',
        'Baris 14, kolom "kode_kecamatan": kode 35.10.99 tidak ada di referensi Kemendagri',
    ]
    expect(checks.locator("h3")).to_contain_text("5 masalah")
    # approval needs a waiver note: the field is there, beside the approve button
    expect(page.locator("#field-waiver")).to_be_visible()
    expect(page.locator("button[name=transition][value=approve]")).to_be_visible()

    # the score beside the panel is the one the API computes for this dataset
    shown = helpers.call_action("satudata_quality_show", context=as_user(people["subkoord"]),
                                id=ds["id"])["score"]
    heading = page.locator("#skor-kualitas h2").inner_text()
    assert re.sub(r"\s+", " ", heading) == "Skor kualitas metadata: %s — %d/%d (+ Satu Data %d/%d)" % (
        translate(shown["rating_label"], "id"), shown["mqa_points"], shown["mqa_max"],
        shown["satu_data_points"], shown["satu_data_max"]), (heading, shown)
    expect(page.locator("#skor-kualitas .satudata-quality-fixes li").first).to_be_visible()
    badge = page.locator(".satudata-quality-badge").inner_text()
    assert "(%d/%d)" % (shown["mqa_points"], shown["mqa_max"]) in badge

    # the README's picture: the panel down to the score
    page.evaluate("document.querySelectorAll('#pemeriksaan-mutu details').forEach("
                  "d => d.open = true)")
    if SHOTS_WANTED:
        top = page.locator("#alur-diseminasi").bounding_box()
        end = page.locator("#skor-kualitas").bounding_box()
        scroll = page.evaluate("window.scrollY")
        page.screenshot(path=os.path.join(SHOTS, "review-panel-quality.png"), full_page=True,
                        clip={"x": top["x"], "y": top["y"] + scroll, "width": top["width"],
                              "height": end["y"] + end["height"] - top["y"]})

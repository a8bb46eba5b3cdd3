"""The DataStore preview in Debian's Chromium (the fixtures of
tests/theme/test_browser.py), at 390 px and 1366 px, in Bahasa Indonesia and
English: the view frame has a title, the table's filter inputs and toolbar
buttons have labels in the page's language, no internal `_id` column, no
caption over the pager, no request of the page or its frame answered 4xx/5xx,
axe-core finds nothing serious inside the frame; and a table with Kemendagri
region codes (35.10.15) keeps them as text through xloader's type guessing."""
import re

import pytest
import requests
from playwright.sync_api import expect

from ckan.tests import helpers

from tests.helpers import site_context, walk
from tests.theme.test_browser import (PHONE, axe_serious, browser, module_portal,  # noqa: F401
                                      new_page, no_csp_violation, run_worker, shot, upload, view_ids)

# One portal for the module (`module_portal`), which its tests only read:
# served and loaded once, not per test; its tests on one xdist worker, so it
# is built once per run.
pytestmark = [pytest.mark.usefixtures("module_satudata_db"),
              pytest.mark.xdist_group("browser-preview")]

WIDE = {"width": 1366, "height": 900}
CODES = (b"kode_wilayah,kecamatan,tahun,penduduk\n"
         b"35.10.15,Glagah,2025,36210\n35.10.24,Licin,2025,29340\n35.10.14,Kabat,2025,68120\n")


@pytest.fixture(scope="module")
def loaded(module_portal):
    """The portal's dataset with a table carrying region codes, published and
    loaded by the real worker (xloader with type guessing, as production)."""
    portal = module_portal
    ds = portal["dataset"]
    table = helpers.call_action(
        "resource_create", context=site_context(), package_id=ds["id"],
        name="Penduduk per kecamatan 2025", format="CSV", url="kode.csv", url_type="upload",
        upload=upload("kode.csv", CODES, "text/csv"))
    walk(ds["id"], portal["people"])
    token = helpers.call_action("api_token_create", context=site_context(),
                                user=portal["people"]["admin"]["name"], name="uji")["token"]
    import ckan.model as model
    model.repo.commit()
    # this process runs without xloader: the server queues the load
    answer = requests.post(portal["url"] + "/api/3/action/xloader_submit",
                           json={"resource_id": table["id"]}, timeout=30,
                           headers={"Authorization": token})
    assert answer.ok, answer.text
    run_worker(portal)
    return dict(portal, table=table)


def datastore(url, resource_id):
    found = requests.get(url + "/api/3/action/datastore_search",
                         params={"resource_id": resource_id}, timeout=30).json()
    assert found["success"], found
    return found["result"]


def test_region_codes_stay_text_through_the_loader(loaded):
    url, table = loaded["url"], loaded["table"]
    result = datastore(url, table["id"])
    types = {f["id"]: f["type"] for f in result["fields"]}
    assert types["kode_wilayah"] == "text", types
    # the figures keep the type xloader guessed for them
    assert types["penduduk"] == "numeric" and types["kecamatan"] == "text", types
    assert [r["kode_wilayah"] for r in result["records"]] == ["35.10.15", "35.10.24", "35.10.14"]
    assert [int(r["penduduk"]) for r in result["records"]] == [36210, 29340, 68120]


LABELS = {
    "": {"filter": "Saring kolom kecamatan", "copy": "Salin ke papan klip", "frame": "Pratinjau",
         "order": "urutan dalam berkas"},
    "/en": {"filter": "Filter column kecamatan", "copy": "Copy to clipboard", "frame": "Preview of",
            "order": "order in the file"},
}

# what a screen reader reads for each control of the table's toolbar and filters
CONTROLS = """() => Array.from(document.querySelectorAll(
    '.dt-buttons button, .dt-buttons a, th input, .dataTables_filter input, .dt-search input, '
    + 'select, #refit-button')).filter(el => el.checkVisibility()).map(el => ({
        tag: el.tagName, id: el.id,
        name: (el.getAttribute('aria-label') || el.title ||
               (el.labels && el.labels.length ? el.labels[0].textContent : '') || '').trim()}))"""


def test_preview_is_labelled_complete_and_accessible(loaded, browser):
    url, ds, table = loaded["url"], loaded["dataset"], loaded["table"]
    views = view_ids(url, table["id"])
    assert "datatables_view" in views, views
    problems = []
    for viewport in (PHONE, WIDE):
        for prefix, labels in LABELS.items():
            page = new_page(browser, viewport)
            failed = []
            page.on("response", lambda r: failed.append("%s %s" % (r.status, r.url))
                    if r.status >= 400 else None)
            page.goto("%s%s/dataset/%s/resource/%s?view_id=%s" % (
                url, prefix, ds["name"], table["id"], views["datatables_view"]))
            iframe = page.locator(".resource-view iframe").first
            title = iframe.get_attribute("title") or ""
            assert labels["frame"] in title and table["name"] in title, title
            frame = iframe.element_handle().content_frame()
            expect(frame.locator("td", has_text="Glagah").first).to_be_visible(timeout=30000)
            # codes as they were written
            expect(frame.locator("td", has_text="35.10.15").first).to_be_visible()
            headers = [" ".join(t.split()) for t in frame.locator("th").all_inner_texts()]
            assert "_id" not in headers and not any(h.startswith("_id") for h in headers), headers
            sort_line = frame.locator(".sortinfo").inner_text()
            assert "_id" not in sort_line and labels["order"] in sort_line, sort_line
            controls = frame.evaluate(CONTROLS)
            unnamed = [c for c in controls if not c["name"]]
            assert not unnamed, unnamed
            names = [c["name"] for c in controls]
            assert labels["filter"] in names and labels["copy"] in names, names
            # no caption between the table and its pager
            captions = frame.locator("caption, .resourceinfo:visible").count()
            assert captions == 0, frame.locator(".resourceinfo").inner_html()
            serious = axe_serious(frame)
            if serious:
                problems.append((prefix or "/id", viewport["width"], "axe", serious))
            serious = axe_serious(page)
            if serious:
                problems.append((prefix or "/id", viewport["width"], "axe page", serious))
            page.wait_for_load_state("networkidle")
            if failed:
                problems.append((prefix or "/id", viewport["width"], "failed", failed))
            shot(page, "preview-table-%s%s" % ("phone" if viewport is PHONE else "wide",
                                               prefix.replace("/", "-")))
            page.context.close()
    assert not problems, "\n".join(map(str, problems))

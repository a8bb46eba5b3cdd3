"""What the citizen meets, in Debian's Chromium (the fixtures of
tests/theme/test_browser.py): the default chart read from its Chart.js
config at 390 px and 1366 px (measures only as series, the categories with
the year that is shown), and on a phone the download of a resource near the
top of the dataset page and no page wider than the screen."""

import pytest
import requests
from playwright.sync_api import expect

from ckan.tests import helpers

from tests.helpers import site_context, walk
from tests.theme.test_browser import (PHONE, browser, module_portal, new_page,  # noqa: F401
                                      no_csp_violation, run_worker, shot, upload, view_ids)

# One portal for the module (`module_portal`), which its tests only read:
# served and loaded once, not per test; its tests on one xdist worker, so it
# is built once per run.
pytestmark = [pytest.mark.usefixtures("module_satudata_db"),
              pytest.mark.xdist_group("browser-citizen")]

WIDE = {"width": 1366, "height": 900}
LONG = (b"kode_wilayah,kecamatan,tahun,nilai\n"
        b"35.10.15,Glagah,2023,35900\n35.10.24,Licin,2023,29100\n35.10.14,Kabat,2023,67800\n"
        b"35.10.15,Glagah,2024,36210\n35.10.24,Licin,2024,29340\n35.10.14,Kabat,2024,68120\n")
BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
         "September", "Oktober", "November", "Desember")
MONTHLY = ("tahun,bulan,nilai\n" + "".join(
    "%d,%s,%d\n" % (year, month, 300 + i) for year in (2023, 2024)
    for i, month in enumerate(BULAN))).encode()

CHART_CONFIG = """() => {
    const chart = window.Chart.getChart(document.getElementById('satudata-chart-canvas'));
    const scales = chart.options.scales;
    return {type: chart.config.type, labels: chart.data.labels,
            series: chart.data.datasets.map(d => d.label),
            values: chart.data.datasets.map(d => d.data),
            title: chart.options.plugins.title.text,
            axes: Object.keys(scales).map(k => scales[k].title && scales[k].title.text),
            heading: document.getElementById('satudata-chart-title').textContent.trim()};
}"""


def add_csv(ds, name, data):
    return helpers.call_action("resource_create", context=site_context(), package_id=ds["id"],
                               name=name, format="CSV", url=name + ".csv", url_type="upload",
                               upload=upload(name + ".csv", data, "text/csv"))


@pytest.fixture(scope="module")
def published(module_portal):
    """The portal's dataset with a long table (kecamatan × tahun × nilai)
    and a monthly one, published and loaded by the real worker."""
    portal = module_portal
    ds = portal["dataset"]
    helpers.call_action("package_patch", context=site_context(), id=ds["id"],
                        measurement="Jumlah penduduk", unit="jiwa",
                        # the tables' years: the quality check holds them to it
                        period_start="2023", period_end="2024")
    tables = {"long": add_csv(ds, "penduduk-kecamatan-tahunan", LONG),
              "monthly": add_csv(ds, "kunjungan-bulanan", MONTHLY)}
    walk(ds["id"], portal["people"])
    token = helpers.call_action("api_token_create", context=site_context(),
                                user=portal["people"]["admin"]["name"], name="uji")["token"]
    import ckan.model as model
    model.repo.commit()
    # this process runs without xloader: the server queues the loads
    for res in helpers.call_action("package_show", id=ds["id"])["resources"]:
        answer = requests.post(portal["url"] + "/api/3/action/xloader_submit",
                               json={"resource_id": res["id"]}, timeout=30,
                               headers={"Authorization": token})
        assert answer.ok, answer.text
    run_worker(portal)
    return dict(portal, tables=tables)


def open_chart(page, portal, resource_id):
    url, ds = portal["url"], portal["dataset"]
    views = view_ids(url, resource_id)
    assert "satudata_chart" in views, views
    page.goto("%s/dataset/%s/resource/%s?view_id=%s" % (url, ds["name"], resource_id,
                                                        views["satudata_chart"]))
    frame = page.locator("iframe").first.element_handle().content_frame()
    frame.wait_for_selector("#satudata-chart[data-ready='1']", state="attached", timeout=30000)
    return frame


def test_the_default_chart_plots_measures_by_category_with_the_year(published, browser):
    for viewport in (PHONE, WIDE):
        page = new_page(browser, viewport)
        frame = open_chart(page, published, published["tables"]["long"]["id"])
        drawn = frame.evaluate(CHART_CONFIG)
        # the measure only: no `tahun` (≈2,000) series, no code
        assert drawn["series"] == ["Jumlah penduduk (jiwa)"], drawn
        assert drawn["labels"] == ["Glagah", "Licin", "Kabat"], drawn
        assert drawn["values"] == [[36210, 29340, 68120]], drawn
        # what a reader quotes: the dataset, the year shown, the axes
        assert drawn["title"] == drawn["heading"] == "Jumlah Penduduk per Kecamatan, 2024"
        assert set(drawn["axes"]) == {"Kecamatan", "Jumlah penduduk (jiwa)"}, drawn
        # the other year, from the selector
        frame.select_option("#satudata-chart-option", "2023")
        drawn = frame.evaluate(CHART_CONFIG)
        assert drawn["values"] == [[35900, 29100, 67800]], drawn
        assert drawn["heading"] == "Jumlah Penduduk per Kecamatan, 2023"
        width = "phone" if viewport is PHONE else "wide"
        shot(page, "citizen-chart-long-%s" % width)

        frame = open_chart(page, published, published["tables"]["monthly"]["id"])
        drawn = frame.evaluate(CHART_CONFIG)
        assert drawn["series"] == ["Jumlah penduduk (jiwa)"], drawn
        # 24 months, each with its year, in order
        assert drawn["labels"] == ["%s %d" % (m, y) for y in (2023, 2024) for m in BULAN], drawn
        assert drawn["values"] == [[300 + i for i in range(12)] * 2], drawn
        assert drawn["heading"].endswith("Januari 2023 – Desember 2024"), drawn
        shot(page, "citizen-chart-monthly-%s" % width)
        page.context.close()


# the elements wider than the screen, for the failure message
OVERFLOW = """() => {
    const width = window.innerWidth;
    const wide = [];
    for (const el of document.querySelectorAll('body *')) {
        const box = el.getBoundingClientRect();
        if (box.right > width + 0.5 && el.checkVisibility()) {
            wide.push(el.tagName + '.' + (el.className || '').toString().slice(0, 40) +
                      ' ' + Math.round(box.right));
        }
    }
    return {scroll: document.documentElement.scrollWidth, inner: width,
            wide: wide.slice(0, 8)};
}"""


def test_on_a_phone_the_download_comes_first_and_nothing_scrolls_sideways(published, browser):
    url, ds = published["url"], published["dataset"]
    res = published["tables"]["long"]
    page = new_page(browser, PHONE)
    pages = ["/", "/dataset/", "/dataset/" + ds["name"],
             "/dataset/%s/resource/%s" % (ds["name"], res["id"]), "/permintaan-data"]
    wide = {}
    for path in pages:
        page.goto(url + path)
        page.wait_for_load_state("load")
        found = page.evaluate(OVERFLOW)
        if found["scroll"] > found["inner"]:
            wide[path] = found
    assert not wide, "\n".join("%s %s" % item for item in wide.items())

    # the dataset page: title, description, last update and the first
    # resource's download within the first screen or so
    page.goto(url + "/dataset/" + ds["name"])
    expect(page.locator(".satudata-updated")).to_contain_text("Terakhir diperbarui")
    download = page.locator(".resource-item .satudata-download").first
    expect(download).to_be_visible()
    assert download.bounding_box()["y"] < 900, download.bounding_box()
    # a resource the loader made a table of previews; its name follows for screen readers
    previews = page.locator(".resource-item .satudata-preview").all_inner_texts()
    assert "Pratinjau penduduk-kecamatan-tahunan" in [" ".join(t.split()) for t in previews], \
        previews
    answer = requests.get(download.get_attribute("href"), timeout=30)
    assert answer.status_code == 200 and answer.content.startswith(b"kecamatan,penduduk")
    # how to cite, the machine-readable links and sharing, in Indonesian
    expect(page.get_by_text("Cara mengutip", exact=True)).to_be_visible()
    expect(page.locator(".satudata-citation")).to_contain_text("Dinas Kesehatan")
    assert page.locator("a.satudata-whatsapp").get_attribute("href").startswith(
        "https://wa.me/?text=")
    for link in page.locator(".satudata-machine-links a").all():
        assert requests.get(url + link.get_attribute("href"), timeout=30).status_code == 200
    expect(page.locator(".satudata-copy-link")).to_contain_text("Salin tautan")
    assert page.get_by_text("Pengikut").count() == 0
    shot(page, "citizen-dataset-phone")

    # a search that finds nothing offers a data request
    page.goto(url + "/dataset/?q=tidakadasamasekali")
    offer = page.locator(".satudata-no-results a")
    expect(offer).to_contain_text("Ajukan Permintaan Data")
    assert offer.get_attribute("href") == "/permintaan-data/baru"

    # the resource page: the download and the preview before any table
    page.goto("%s/dataset/%s/resource/%s" % (url, ds["name"], res["id"]))
    button = page.locator(".module-resource .resource-url-analytics").first
    expect(button).to_be_visible()
    top = button.bounding_box()["y"]
    assert top < 900, top
    assert page.locator(".resource-view iframe").first.bounding_box()["y"] < min(
        t.bounding_box()["y"] for t in page.locator("table").all() if t.is_visible())
    shot(page, "citizen-resource-phone")

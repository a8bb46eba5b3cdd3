"""The public service statistics and the staff's Kinerja SOP in Debian's
Chromium (the fixtures of tests/theme/test_browser.py) at 390 px and 1366 px:
axe-core finds nothing serious, the figures and months read as an Indonesian
(or English) reader writes them, requests in process stand beside received,
no chart is a pie; Kinerja's standard times are marks per step, the steps in
SOP order with their names, and the XLSX export opens with the columns the
page shows."""
import io
import re

import pytest
from playwright.sync_api import expect

from ckan.tests import helpers

from tests.helpers import as_user, walk
from tests.theme.test_browser import (PHONE, axe_serious, browser, login,  # noqa: F401
                                      module_portal, new_page, no_csp_violation, shot)

# One portal for the module (`module_portal`), which its tests only read:
# served and loaded once, not per test; its tests on one xdist worker, so it
# is built once per run.
pytestmark = [pytest.mark.usefixtures("module_satudata_db"),
              pytest.mark.xdist_group("browser-reports")]

WIDE = {"width": 1366, "height": 900}

CHARTS = """() => Object.values(window.Chart.instances).map(c => ({
    id: c.canvas.id, type: c.config.type, labels: c.data.labels,
    datasets: c.data.datasets.map(d => ({label: d.label, type: d.type || c.config.type,
                                         showLine: d.showLine, pointStyle: d.pointStyle,
                                         data: d.data}))}))"""


@pytest.fixture(scope="module")
def history(module_portal):
    """A published dataset (the SOP steps logged) and three requests: one
    answered, one in process, one rejected."""
    portal = module_portal
    people = portal["people"]
    walk(portal["dataset"]["id"], people)
    anonymous = {"user": "", "ignore_auth": False}

    def request(title):
        return helpers.call_action("satudata_request_create", context=anonymous,
                                   name="Warga Uji", email="warga.uji@example.org",
                                   title=title, description="Per desa.", purpose="Penelitian")

    def move(number, who, transition, **extra):
        helpers.call_action("satudata_request_transition", context=as_user(people[who]),
                            id=number, transition=transition, **extra)

    answered = request("Jumlah penduduk per desa")["number"]
    move(answered, "subkoord", "assign", assignee=people["staf"]["name"])
    move(answered, "staf", "deliver", comment="Data terlampir di portal",
         dataset=portal["dataset"]["name"])
    in_process = request("Jumlah sekolah per desa")["number"]
    move(in_process, "subkoord", "assign", assignee=people["staf"]["name"])
    rejected = request("Data pribadi warga")["number"]
    move(rejected, "subkoord", "reject", comment="Data pribadi", reject_reason="dikecualikan")
    import ckan.model as model
    model.repo.commit()
    return portal


def charts(page):
    page.wait_for_function("() => window.Chart && Object.keys(window.Chart.instances).length")
    return page.evaluate(CHARTS)


def test_statistics_page_for_citizens(history, browser):
    url = history["url"]
    problems = []
    for viewport in (PHONE, WIDE):
        for prefix, words in (("", ("Sedang diproses", "Desember", "Januari")),
                              ("/en", ("In process", "December", "January"))):
            page = new_page(browser, viewport)
            page.goto(url + prefix + "/permintaan-data/statistik")
            # received, in process, on time side by side
            expect(page.locator("dd[data-figure=received]")).to_have_text("3")
            expect(page.locator("dd[data-figure=open]")).to_have_text("1")
            expect(page.locator("dt", has_text=words[0])).to_be_visible()
            drawn = charts(page)
            assert all(c["type"] != "pie" for c in drawn), drawn
            months = next(c for c in drawn if c["id"] == "chart_statistik_months")
            assert words[0] in [d["label"] for d in months["datasets"]], months
            # months as a reader says them: "Desember 2026", not "2026-12"
            assert all(re.fullmatch(r"[A-Z][a-z]+ \d{4}", m) for m in months["labels"]), months
            table = page.locator("#bulan tbody td").first.inner_text()
            assert re.fullmatch(r"[A-Z][a-z]+ \d{4}", table) and table.split()[0] in (
                words[1:] + tuple(m for m in _months(prefix))), table
            # the one rejection is its figure, not a one-slice chart
            assert "chart_statistik_reasons" not in [c["id"] for c in drawn]
            serious = axe_serious(page)
            if serious:
                problems.append((prefix or "/id", viewport["width"], serious))
            shot(page, "statistik-%s%s" % ("phone" if viewport is PHONE else "wide",
                                           prefix.replace("/", "-")))
            page.context.close()
    assert not problems, "\n".join(map(str, problems))


def _months(prefix):
    from babel.dates import get_month_names
    return get_month_names(locale="en" if prefix else "id").values()


def test_kinerja_marks_standards_in_sop_order_and_exports_xlsx(history, browser):
    from openpyxl import load_workbook
    url, people = history["url"], history["people"]
    page = login(browser, url, people["subkoord"])
    problems = []
    for viewport in (PHONE, WIDE):
        page.set_viewport_size(viewport)
        page.goto(url + "/satudata/kinerja")
        drawn = {c["id"]: c for c in charts(page)}
        for workflow in ("dataset", "request"):
            chart = drawn["chart_%s_time" % workflow]
            standard = next(d for d in chart["datasets"] if d["label"] == "Waktu baku")
            # a mark per step, not a line from one step's standard to the next
            assert standard["showLine"] is False and standard["pointStyle"] == "line", standard
            assert None not in standard["data"] and len(standard["data"]) == len(chart["labels"])
            numbers = [label.split(".")[0] for label in chart["labels"]]
            firsts = [int(n.split("–")[0]) for n in numbers]
            assert firsts == sorted(firsts), chart["labels"]
            # names, never a state's code
            assert not [label for label in chart["labels"] if "_" in label], chart["labels"]
        labels = drawn["chart_dataset_time"]["labels"]
        assert labels[:2] == ["1. Konsep diseminasi & disposisi",
                              "2. Perbaikan sesuai catatan"], labels
        serious = axe_serious(page)
        if serious:
            problems.append((viewport["width"], serious))
        shot(page, "kinerja-%s" % ("phone" if viewport is PHONE else "wide"))
    # the workbook first, then the CSV
    links = page.locator("#dataset_steps a").all_inner_texts()
    assert links[0].startswith("XLSX") and links[1] == "CSV", links
    book = load_workbook(io.BytesIO(page.request.get(
        url + "/satudata/kinerja/export/semua.xlsx").body()))
    header = [c.value for c in book["dataset_steps"][1]]
    assert header == page.locator("#dataset_steps thead th").all_inner_texts(), header
    assert header[:3] == ["Tahap", "Tahap SOP", "Waktu baku (menit kerja)"], header
    steps = [row[0] for row in book["dataset_steps"].iter_rows(min_row=2, values_only=True)]
    assert steps[0] == "1" and "6" in steps, steps
    # the CSV for Excel set to Indonesian: BOM, ';' between cells
    body = page.request.get(url + "/satudata/kinerja/export/dataset_steps.csv").body()
    assert body.startswith(b"\xef\xbb\xbf") and body.decode("utf-8-sig").startswith(
        '"Tahap";"Tahap SOP";'), body[:80]
    assert not problems, "\n".join(map(str, problems))

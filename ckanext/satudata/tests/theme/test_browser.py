"""End-to-end in a real browser: Debian's Chromium driven by Playwright for
Python (never a browser download) against the portal served by gunicorn on a
loopback port, with the DataStore, ckanext-xloader and a burst `ckan jobs
worker` as in production. Screenshots go to .run/browser-shots/ (or
$SATUDATA_SHOTS_DIR); docs/screenshots/ holds the ones the README shows.

(1) a dataset walked from `konsep` to `terbit` through the pages by the
Subkoord, the Staf and the Kabid, the anonymous view checked before and after,
the preview table (and chart) visible after; (3) both languages; (4) axe-core
(from npm, ckanext/satudata/tests/theme/vendor/axe.min.js) on the main pages: no serious or critical
WCAG 2.1 A/AA violation."""
import io
import os
import re
import subprocess
import sys
import time

import pytest
import requests
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata.tests.helpers import REPO_ROOT, SdiDataset, site_context

pytestmark = pytest.mark.usefixtures("satudata_db")

ROOT = str(REPO_ROOT)
CHROMIUM = "/usr/bin/chromium"
SHOTS = os.environ.get("SATUDATA_SHOTS_DIR") or os.path.join(ROOT, ".run", "browser-shots")
AXE = os.path.join(os.path.dirname(__file__), "vendor", "axe.min.js")
PASSWORD = "Uji-Peramban-2026"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]
PLUGINS = ("satudata satudata_theme activity scheming_datasets scheming_organizations dcat "
           "structured_data datastore xloader satudata_preview datatables_view image_view "
           "satudata_chart_view")

if not os.path.exists(CHROMIUM):  # scripts/lib.sh installs it; only a machine without apt lacks it
    pytest.skip("Debian's chromium is not installed (/usr/bin/chromium) and could not be "
                "installed by scripts/lib.sh", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def browser_ini(token):
    """test.ini with the production preview plugins and the xloader token."""
    with open(os.path.join(ROOT, "test.ini")) as f:
        text = f.read()
    text = re.sub(r"(?m)^ckan\.plugins = .*$", "ckan.plugins = " + PLUGINS, text)
    text = text.replace("%(here)s", ROOT)  # this file lives in .run/: same storage
    text = text.replace("[app:main]\n", "[app:main]\n"
                        "ckan.views.default_views = datatables_view image_view satudata_chart\n"
                        "ckanext.xloader.api_token = %s\n"
                        "ckanext.xloader.jobs_db.uri = sqlite:///%s/.run/test-xloader-jobs.db\n"
                        "ckanext.xloader.use_type_guessing = true\n"
                        "ckan.site_logo = /satudata/logo.svg\n"
                        "ckan.site_title = Portal Satu Data Kabupaten Banyuwangi\n" % (token, ROOT), 1)
    path = os.path.join(ROOT, ".run", "test-browser.ini")
    with open(path, "w") as f:
        f.write(text)
    return path


@pytest.fixture
def portal(satudata_db, monkeypatch):
    """People, a concept dataset with a CSV, and the portal served on loopback."""
    from ckan.lib import jobs
    from ckanext.satudata.workflow import roles
    jobs.get_queue().empty()
    port = free_port()
    url = "http://127.0.0.1:%d" % port
    # uploads' URLs are absolute and part of the signed content: this process
    # must build them as the server does
    monkeypatch.setitem(tk.config, "ckan.site_url", url)
    org = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    people = {}
    for role in ("staf", "subkoord", "kabid"):
        people[role] = factories.User(name="%s-uji" % role, fullname="%s Uji" % role.title(),
                                      password=PASSWORD)
        roles.grant(people[role]["id"], role, None)
    ds = SdiDataset(name="jumlah-penduduk-kecamatan", title="Jumlah Penduduk per Kecamatan",
                    owner_org=org["id"], narrative="Penduduk bertambah di semua kecamatan.")
    csv = b"kecamatan,penduduk\nGlagah,36210\nLicin,29340\nKabat,68120\n"
    helpers.call_action("resource_create", context=site_context(), package_id=ds["id"],
                        name="Jumlah penduduk 2025", format="CSV", url="penduduk.csv",
                        url_type="upload", upload=FileStorage(io.BytesIO(csv), "penduduk.csv",
                                                               content_type="text/csv"))
    site = helpers.call_action("get_site_user", context={"ignore_auth": True})
    token = helpers.call_action("api_token_create", context=site_context(), user=site["name"],
                                name="xloader-browser-test")["token"]
    import ckan.model as model
    model.repo.commit()

    ini = browser_ini(token)
    env = dict(os.environ, CKAN_INI=ini, CKAN_SITE_URL=url)
    log = open(os.path.join(ROOT, ".run", "test-browser-server.log"), "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:%d" % port, "--workers", "2", "--threads", "4",
         "--timeout", "120", "--pythonpath", os.path.join(ROOT, "config"), "wsgi:application"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 90
        while True:
            try:
                if requests.get(url + "/api/3/action/status_show", timeout=5).ok:
                    break
            except requests.RequestException:
                pass
            assert proc.poll() is None, "server exited, see .run/test-browser-server.log"
            assert time.time() < deadline, "server did not start"
            time.sleep(0.5)
        yield {"url": url, "people": people, "dataset": ds, "ini": ini, "env": env}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        jobs.get_queue().empty()  # no job of these pages reaches a later test's worker


@pytest.fixture(scope="module")
def browser():
    os.makedirs(SHOTS, exist_ok=True)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


def shot(page, name):
    page.screenshot(path=os.path.join(SHOTS, name + ".png"), full_page=True)


def login(browser, url, user):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20000)
    page = context.new_page()
    page.goto(url + "/en/user/login")
    page.fill("#field-login", user["name"])
    page.fill("#field-password", PASSWORD)
    with page.expect_navigation():
        page.locator("form:has(#field-password) button[type=submit]").first.click()
    return page


def press(page, url, transition, shot_name, **fields):
    page.goto(url)
    if "assignee" in fields:
        page.select_option("#field-assignee", fields["assignee"])
    if "comment" in fields and page.locator("#field-comment").count():
        page.fill("#field-comment", fields["comment"])
    shot(page, shot_name)
    page.locator("#alur-diseminasi").screenshot(path=os.path.join(SHOTS, "panel-" + shot_name + ".png"))
    with page.expect_navigation():
        page.locator("button[name=transition][value=%s]" % transition).click()
    if transition == "publish" and not page.locator("#field-confirm-publish").count():
        page.goto(url)
    if transition == "publish":
        # publishing makes data public: the panel asks for a confirmation first
        page.check("#field-confirm-publish")
        shot(page, shot_name + "-confirm")
        with page.expect_navigation():
            page.locator("button[name=transition][value=publish]").click()


def test_dataset_walked_to_terbit_in_the_browser(portal, browser):
    url, people, ds = portal["url"], portal["people"], portal["dataset"]
    # the default-language pages: publishing from a /en/ page is refused today
    # (upload URLs in the signed content carry the page's locale prefix)
    dataset_url = url + "/dataset/" + ds["name"]
    anon = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    # before: the public cannot see the concept
    response = anon.goto(dataset_url)
    assert response.status == 404
    assert "Jumlah Penduduk per Kecamatan" not in anon.content()

    subkoord = login(browser, url, people["subkoord"])
    press(subkoord, dataset_url, "assign", "workflow-1-konsep", assignee=people["staf"]["name"])
    staf = login(browser, url, people["staf"])
    press(staf, dataset_url, "submit", "workflow-2-penyusunan", comment="siap dikoreksi")
    press(subkoord, dataset_url, "approve", "workflow-3-diajukan", comment="paraf subkoord")
    kabid = login(browser, url, people["kabid"])
    press(kabid, dataset_url, "approve", "workflow-4-disetujui-subkoord", comment="paraf kabid")
    press(staf, dataset_url, "publish", "workflow-5-disetujui-kabid")
    shot(staf, "workflow-6-terbit")
    staf.locator("#alur-diseminasi").screenshot(path=os.path.join(SHOTS, "panel-workflow-6-terbit.png"))
    state = helpers.call_action("satudata_dataset_workflow_show", id=ds["id"])["state"]
    assert state == "terbit"

    # the worker loads the published CSV into the DataStore (as `ckan jobs worker` does)
    with open(os.path.join(ROOT, ".run", "test-browser-worker.log"), "wb") as log:
        subprocess.run([os.path.join(os.path.dirname(sys.executable), "ckan"), "-c",
                        portal["ini"], "jobs", "worker", "--burst"], cwd=ROOT,
                       env=portal["env"], check=True, timeout=120, stdout=log,
                       stderr=subprocess.STDOUT)
    found = requests.get(url + "/api/3/action/datastore_search",
                         params={"resource_id": ds_resource(ds)}, timeout=30).json()
    assert found["success"] and found["result"]["total"] == 3, found

    # after: the public sees the dataset, the SDI block and the preview table
    anon.goto(dataset_url)
    expect(anon.locator("h1")).to_contain_text("Jumlah Penduduk per Kecamatan")
    expect(anon.locator(".satudata-sdi")).to_be_visible()
    assert anon.locator("#alur-diseminasi").count() == 0
    shot(anon, "dataset-published")
    anon.goto(url + "/dataset/%s/resource/%s" % (ds["name"], ds_resource(ds)))
    frame = anon.frame_locator("iframe").first
    expect(frame.locator("td", has_text="Glagah").first).to_be_visible(timeout=30000)
    shot(anon, "dataset-preview-table")
    anon.goto(url + "/")
    shot(anon, "home")


def test_request_filed_and_tracked_in_the_browser(portal, browser):
    """(2), the part done here: an anonymous request filed through the form,
    its registration number shown at once, the public tracking page without
    the requester's contact details, and the request on the staff board and
    dashboard."""
    url, people = portal["url"], portal["people"]
    anon = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    anon.set_default_timeout(20000)
    anon.goto(url + "/permintaan-data/baru")
    anon.fill("#field-name", "Warga Uji")
    anon.fill("#field-email", "warga.uji@example.org")
    anon.fill("#field-phone", "081234567890")
    anon.fill("#field-title", "Jumlah penduduk per desa 2025")
    anon.fill("#field-description", "Jumlah penduduk per desa di Kabupaten Banyuwangi tahun 2025.")
    anon.fill("#field-purpose", "Penelitian skripsi")
    shot(anon, "request-form")
    with anon.expect_navigation():
        anon.locator("form:has(#field-title) button[type=submit]").first.click()
    shot(anon, "request-created")
    href = anon.locator("a[href*='/permintaan-data/']").first.get_attribute("href")
    assert href and "/permintaan-data/" in href
    # the requester's own page (with the token) shows their details to them
    anon.goto(href if href.startswith("http") else url + href)
    shot(anon, "request-tracking")
    # the public page (another visitor, no token) never shows the contact details
    public = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    public.goto(url + href.split("?")[0].replace(url, ""))
    expect(public.locator("body")).to_contain_text("Jumlah penduduk per desa 2025")
    body = public.content()
    assert "warga.uji@example.org" not in body and "081234567890" not in body
    shot(public, "request-public")

    subkoord = login(browser, url, people["subkoord"])
    subkoord.goto(url + "/satudata/permintaan")
    expect(subkoord.locator("body")).to_contain_text("Jumlah penduduk per desa 2025")
    shot(subkoord, "request-board")
    subkoord.goto(url + "/dashboard/")
    expect(subkoord.locator(".satudata-my-work")).to_contain_text("Jumlah penduduk per desa 2025")
    expect(subkoord.locator(".satudata-waiting")).to_be_visible()
    shot(subkoord, "dashboard-subkoord")


def ds_resource(ds):
    return helpers.call_action("package_show", context=site_context(),
                               id=ds["id"])["resources"][0]["id"]


# Words that must not appear on a page in the other language (visible text).
ENGLISH_ONLY = ["Request data", "Latest published data", "Search the data", "Topics",
                "Data producers", "Log in", "Register", "Datasets", "Organizations",
                "Order by", "Search organizations", "Additional Info", "Data and Resources",
                "Explore", "Language", "Satu Data Indonesia metadata", "Narrative"]
INDONESIAN_ONLY = ["Minta data", "Data terbaru", "Cari data", "Topik", "Produsen data",
                   "Masuk", "Daftar", "Organisasi", "Urutkan", "Informasi Tambahan",
                   "Jelajahi", "Bahasa", "Metadata Satu Data Indonesia", "Narasi"]


def visible_text(page):
    return page.evaluate("document.body.innerText")


PAGES = ["/", "/about", "/dataset/", "/dataset/jumlah-penduduk-kecamatan",
         "/permintaan-data/baru", "/permintaan-data", "/organization/"]


def test_both_languages_and_accessibility(portal, browser):
    """Every main page, anonymous, at phone width, in Bahasa Indonesia and in
    English: no string of the other language and no serious axe violation."""
    url, people, ds = portal["url"], portal["people"], portal["dataset"]
    from ckanext.satudata.tests.helpers import walk
    walk(ds["id"], people)
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.set_default_timeout(20000)
    problems = []
    for path in PAGES:
        slug = path.strip("/").replace("/", "-") or "home"
        for lang, foreign in (("id", ENGLISH_ONLY), ("en", INDONESIAN_ONLY)):
            response = page.goto(url + "/" + lang + path)
            if not response.ok:
                problems.append((lang, path, "HTTP %s" % response.status))
                continue
            text = visible_text(page)
            left = [w for w in foreign if re.search(r"\b%s\b" % re.escape(w), text)]
            if left:
                problems.append((lang, path, "other language: %s" % left))
            shot(page, "%s-%s-phone" % (slug, lang))
            page.add_script_tag(path=AXE)
            result = page.evaluate(
                "axe.run(document, {runOnly: {type: 'tag', values: "
                "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})")
            serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                       for v in result["violations"] if v["impact"] in ("serious", "critical")]
            if serious:
                problems.append((lang, path, "axe: %s" % serious))
    assert not problems, "\n".join(map(str, problems))

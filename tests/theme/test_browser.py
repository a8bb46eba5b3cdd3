"""End-to-end in a real browser: Debian's Chromium driven by Playwright for
Python (never a browser download) against the portal served by gunicorn on a
loopback port, with the DataStore, ckanext-xloader and a burst `ckan jobs
worker` as in production. Screenshots go to .run/browser-shots/ (or
$SATUDATA_SHOTS_DIR); docs/screenshots/ holds the ones the README shows
(scripts/screenshots copies them).

(1) a dataset walked from `konsep` to `terbit` through the pages by the
Subkoord, the Staf and the Kabid, the anonymous view checked before and after,
the CSV and an XLSX resource loaded into the DataStore by xloader and shown as
tables, the chart view drawn; (2) an anonymous request filed, tracked, routed
to an OPD, answered by the OPD through its inbox and the tracking page, and
delivered to the requester, all through the pages; (3) every page of the
extension, public and staff, in Bahasa Indonesia (default) and at /en/, with
no string of the other language; (4) axe-core (from npm,
tests/theme/vendor/axe.min.js) on those pages: no serious or
critical WCAG 2.1 A/AA violation; (5) every page any test opens, and the
view frames inside it, passes the portal's Content-Security-Policy: no
violation is reported (`watch_csp`), and the dataset page carries the
policy and nosniff."""
import contextlib
import functools
import glob
import io
import os
import re
import secrets
import subprocess
import sys
import time

import pytest
import requests
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests import workers
from tests.helpers import (REPO_ROOT, SdiDataset, as_user, free_port,
                                           gunicorn_on_loopback, site_context, walk)

# one chromium and one gunicorn (module-scoped) for the file: its tests stay
# on one xdist worker, so both start once per run
pytestmark = [pytest.mark.usefixtures("satudata_db"), pytest.mark.xdist_group("browser")]

ROOT = str(REPO_ROOT)
CHROMIUM = "/usr/bin/chromium"
SHOTS = os.environ.get("SATUDATA_SHOTS_DIR") or os.path.join(ROOT, ".run", "browser-shots")
AXE = os.path.join(os.path.dirname(__file__), "vendor", "axe.min.js")
PASSWORD = "Uji-Peramban-2026"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]
# test.ini's plugins plus the data preview as production runs it
PREVIEW_PLUGINS = "datastore xloader satudata_preview datatables_view image_view satudata_chart_view"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

if not os.path.exists(CHROMIUM):  # scripts/lib.sh installs it; only a machine without apt lacks it
    pytest.skip("Debian's chromium is not installed (/usr/bin/chromium) and could not be "
                "installed by scripts/lib.sh", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402


def browser_ini(token, port):
    """test.ini with the production preview plugins, the xloader token and
    a site id of its own: the server's and the worker's job queue is theirs
    alone (another test run on the same Redis never takes or empties it)."""
    with open(os.path.join(ROOT, "test.ini")) as f:
        text = f.read()
    text = re.sub(r"(?m)^(ckan\.plugins = .*)$", r"\1 " + PREVIEW_PLUGINS, text, count=1)
    text = text.replace("%(here)s", ROOT)  # this file lives in .run/: same storage
    text = re.sub(r"(?m)^ckan\.site_id = .*\n", "", text)
    # Bahasa Indonesia by default, English at /en/, as config/ckan.ini.template
    text = re.sub(r"(?m)^ckan\.locale_default = .*$", "ckan.locale_default = id", text)
    text = text.replace("[app:main]\n", "[app:main]\n"
                        "ckan.views.default_views = datatables_view image_view satudata_chart\n"
                        "ckanext.xloader.api_token = %s\n"
                        "ckanext.xloader.jobs_db.uri = sqlite:///%s/.run/test-xloader-jobs-%d.db\n"
                        "ckanext.xloader.use_type_guessing = true\n"
                        "ckan.site_logo = /satudata/logo.svg\n"
                        "ckan.site_title = Portal Satu Data Kabupaten Banyuwangi\n"
                        "ckan.site_id = satudata-browser-%d\n" % (token, ROOT, port, port), 1)
    # one file per server: two servers of concurrent runs (xdist, or another
    # engineer's) never read each other's site id and queue
    path = os.path.join(ROOT, ".run", "test-browser-%d.ini" % port)
    with open(path, "w") as f:
        f.write(text)
    return path


def upload(name, data, content_type):
    return FileStorage(io.BytesIO(data), name, content_type=content_type)


CSV = b"kecamatan,penduduk\nGlagah,36210\nLicin,29340\nKabat,68120\n"


def xlsx_bytes():
    """A small workbook as an OPD sends it (openpyxl, a CKAN dependency of xloader)."""
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    sheet.append(["kecamatan", "sekolah_dasar"])
    for row in (("Glagah", 24), ("Licin", 17), ("Kabat", 41)):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def portal_server():
    """gunicorn for this file's tests, started once (~6 s to start, ~3 s to
    stop): each test has an empty database (satudata_db) and builds its people
    and data again (`portal`). The xloader's token in the server's ini names
    a token id of its own, which each test's token takes."""
    from ckan.lib import api_token
    port = free_port()
    token_id = secrets.token_urlsafe(20)
    token = api_token.encode({"jti": token_id, "iat": int(time.time())})
    with gunicorn_portal(port, token) as served:
        yield dict(served, token_id=token_id, token=token)


@pytest.fixture
def portal(satudata_db, monkeypatch, portal_server):
    """People, a concept dataset with a CSV and an XLSX, and the portal
    served on loopback, for this test alone: the database emptied before it
    (satudata_db), the server's page cache, rate counts and job queue of an
    earlier test emptied, its browser contexts closed after it."""
    import ckan.model as model
    import sqlalchemy as sa
    from ckan.lib import api_token
    from ckan.lib.i18n import build_js_translations
    url = portal_server["url"]
    forget_earlier_tests(portal_server)
    people, ds, token = build_portal_data(monkeypatch, url)
    # the server's xloader token is this test's token
    model.Session.execute(sa.text("UPDATE api_token SET id = :fixed WHERE id = :made"), {
        "fixed": portal_server["token_id"], "made": api_token.decode(token)["jti"]})
    model.repo.commit()
    build_js_translations()
    try:
        yield dict(portal_server, people=people, dataset=ds)
    finally:
        close_contexts()
        forget_earlier_tests(portal_server)


def forget_earlier_tests(served):
    """The server's job queue, page cache and rate counts emptied (its own
    keys only: other test runs may share the Redis database)."""
    from ckan.lib import jobs
    import redis
    import rq
    jobs.get_queue().empty()
    connection = redis.Redis.from_url(served["redis_url"])
    rq.Queue("ckan:satudata-browser-%d:default" % served["port"], connection=connection).empty()
    keys = list(connection.scan_iter(match="satudata:satudata-browser-%d:*" % served["port"]))
    if keys:
        connection.delete(*keys)


@pytest.fixture(scope="module")
def module_portal(module_satudata_db):
    """`portal` once for a module whose tests only read what it and the
    module's own fixtures build (each test's writes are its own: a request,
    a user), on the module's database: the server started once, not per
    test (~6 s to start, ~4 s to stop, the data and the worker's loads).
    Such a module puts its tests in one xdist group, so it is built once."""
    from tests.conftest import empty_job_queues
    empty_job_queues()
    with pytest.MonkeyPatch.context() as monkeypatch, serve_portal(monkeypatch) as served:
        yield served
    empty_job_queues()


def build_portal_data(monkeypatch, url):
    """People, OPDs, a concept dataset with a CSV and an XLSX, and the
    xloader's token, for the portal served at `url`."""
    from ckanext.satudata.workflow import roles
    # uploads' URLs are absolute and part of the signed content: this process
    # must build them as the server does
    monkeypatch.setitem(tk.config, "ckan.site_url", url)
    # no picture: CKAN's factories link each user and organisation to a
    # random third-party image (Faker), which the portal's img-src refuses;
    # the portal's people and OPDs have uploaded pictures or CKAN's own
    org = factories.Organization(name="dinkes", title="Dinas Kesehatan", image_url="",
                                 description="Dinas Kesehatan Kabupaten Banyuwangi.")
    factories.Organization(name="dispendik", title="Dinas Pendidikan", image_url="",
                           description="Dinas Pendidikan Kabupaten Banyuwangi.")
    people = {}
    for role in ("staf", "subkoord", "kabid"):
        people[role] = factories.User(name="%s-uji" % role, fullname="%s Uji" % role.title(),
                                      password=PASSWORD, image_url="")
        roles.grant(people[role]["id"], role, None)
    people["opd"] = factories.User(name="opd-dinkes-uji", fullname="Petugas Dinkes",
                                   password=PASSWORD, image_url="")
    helpers.call_action("organization_member_create", context=site_context(), id=org["id"],
                        username=people["opd"]["name"], role="editor")
    people["admin"] = factories.Sysadmin(name="admin-uji", password=PASSWORD, image_url="")
    ds = SdiDataset(name="jumlah-penduduk-kecamatan", title="Jumlah Penduduk per Kecamatan",
                    owner_org=org["id"], narrative="Penduduk bertambah di semua kecamatan.",
                    notes="Jumlah penduduk per kecamatan di Kabupaten Banyuwangi, 2025.")
    helpers.call_action("resource_create", context=site_context(), package_id=ds["id"],
                        name="Jumlah penduduk 2025", format="CSV", url="penduduk.csv",
                        url_type="upload", upload=upload("penduduk.csv", CSV, "text/csv"))
    helpers.call_action("resource_create", context=site_context(), package_id=ds["id"],
                        name="Sekolah dasar 2025", format="XLSX", url="sekolah.xlsx",
                        url_type="upload", upload=upload(
                            "sekolah.xlsx", xlsx_bytes(),
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    site = helpers.call_action("get_site_user", context={"ignore_auth": True})
    token = helpers.call_action("api_token_create", context=site_context(), user=site["name"],
                                name="xloader-browser-test")["token"]
    import ckan.model as model
    model.repo.commit()
    return people, ds, token


@contextlib.contextmanager
def serve_portal(monkeypatch, ini_extra="", built=None):
    """The portal's people and data, and gunicorn serving them
    (`module_portal`); `ini_extra`: lines for its ini's [app:main]; `built`:
    a portal already served whose people and data this second server serves
    too."""
    from ckan.lib import jobs
    from ckan.lib.i18n import build_js_translations
    jobs.get_queue().empty()
    port = free_port()
    url = "http://127.0.0.1:%d" % port
    if built:
        people, ds, token = built["people"], built["dataset"], built["token"]
    else:
        people, ds, token = build_portal_data(monkeypatch, url)
    # the JavaScript's strings in Indonesian (/api/i18n/id), as scripts/portal
    # up builds them with `ckan translation js`; same storage as the server's
    build_js_translations()
    with gunicorn_portal(port, token, ini_extra) as served:
        try:
            yield dict(served, people=people, dataset=ds, token=token)
        finally:
            # the browser's kept-alive connections closed first: gunicorn
            # then stops at once instead of letting them linger (~2-4 s)
            close_contexts()
            jobs.get_queue().empty()


@contextlib.contextmanager
def gunicorn_portal(port, token, ini_extra=""):
    """gunicorn serving the portal (test.ini with the preview) on `port`,
    its xloader token `token`."""
    url = "http://127.0.0.1:%d" % port
    ini = browser_ini(token, port)
    if ini_extra:
        with open(ini) as f:
            text = f.read()
        with open(ini, "w") as f:
            f.write(text.replace("[app:main]\n", "[app:main]\n" + ini_extra, 1))
    # a Redis database of its own as well: a `clean_redis` (FLUSHDB) of another
    # test run on this Redis never empties this server's queue
    redis_url = re.sub(r"/\d+$", "", tk.config["ckan.redis.url"]) + "/%d" % (
        workers.redis_db(server=True))
    env = dict(os.environ, CKAN_INI=ini, CKAN_SITE_URL=url, CKAN_REDIS_URL=redis_url)
    # keep-alive longer than any pause of the test (an axe scan takes seconds):
    # with gunicorn's default of 2 s the server may close an idle connection
    # just as the browser sends the next page's request on it, which Chromium
    # reports as ERR_EMPTY_RESPONSE. One worker process with eight threads:
    # the same concurrency for one browser as two with four, but CKAN loaded
    # once per start, not twice (~3 s of CPU each time).
    try:
        with gunicorn_on_loopback(port, env, "test-browser-server.log", "--workers", "1",
                                  "--threads", "8", "--keep-alive", "300"):
            try:
                yield {"url": url, "ini": ini, "env": env, "port": port, "redis_url": redis_url}
            finally:
                close_contexts()
    finally:
        # no job of these pages reaches a later test's worker
        import redis
        import rq
        rq.Queue("ckan:satudata-browser-%d:default" % port,
                 connection=redis.Redis.from_url(redis_url)).empty()
        os.remove(ini)


@pytest.fixture(scope="module")
def browser():
    os.makedirs(SHOTS, exist_ok=True)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


# Screenshots are taken for scripts/screenshots (which sets SATUDATA_SHOTS_DIR)
# or with SATUDATA_SHOTS=1: ~0.15 s of Chromium's CPU each, ~110 a run, and
# no test reads them. A failing test's open pages are always kept
# (keep_pages_of_a_failure, called by tests/conftest.py).
SHOTS_WANTED = bool(os.environ.get("SATUDATA_SHOTS_DIR") or os.environ.get("SATUDATA_SHOTS"))


def shot(page, name):
    if SHOTS_WANTED:
        page.screenshot(path=os.path.join(SHOTS, name + ".png"), full_page=True)


def shot_of(locator, name):
    """A screenshot of one element (the workflow panel), as `shot`."""
    if SHOTS_WANTED:
        locator.screenshot(path=os.path.join(SHOTS, name + ".png"))


def keep_pages_of_a_failure(test_name):
    """Every page the failed test still has open, as it was at the failure."""
    os.makedirs(SHOTS, exist_ok=True)
    for i, context in enumerate(_CONTEXTS):
        for j, page in enumerate(context.pages):
            try:
                page.screenshot(path=os.path.join(SHOTS, "failed-%s-%d-%d.png" % (
                    re.sub(r"[^\w-]+", "_", test_name), i, j)), full_page=True)
            except Exception:  # noqa: BLE001 - a closed page: nothing to keep
                pass


# Every violation of the portal's Content-Security-Policy seen by any page of
# the running test (autouse fixture `no_csp_violation` empties and checks it).
CSP_VIOLATIONS = []
# In every document of the context, the view iframes included, before any
# script of the page: each `securitypolicyviolation` goes to the test.
CSP_WATCH = """document.addEventListener('securitypolicyviolation', e => window.__satudataCsp(
  {page: location.href, directive: e.effectiveDirective, blocked: e.blockedURI,
   source: e.sourceFile ? e.sourceFile + ':' + e.lineNumber : '', sample: e.sample}));"""


# the browser's reports of a violation, and of a style or script refused for
# its type under nosniff (which breaks a page as surely)
REFUSED = re.compile(r"Content Security Policy|Refused to")


def watch_csp(context):
    """Record the context's CSP violations: the DOM event (in every frame)
    and the browser's console report (which also covers the few a document
    is not told of, such as frame-ancestors, and a refused MIME type)."""
    context.expose_binding("__satudataCsp", lambda source, v: CSP_VIOLATIONS.append(
        "%(page)s: %(directive)s blocked %(blocked)s %(source)s %(sample)s" % v))
    context.add_init_script(CSP_WATCH)
    context.on("console", lambda m: CSP_VIOLATIONS.append("%s: console: %s" % (
        m.page.url if m.page else "?", m.text)) if REFUSED.search(m.text) else None)


@pytest.fixture(autouse=True)
def no_csp_violation():
    CSP_VIOLATIONS.clear()
    yield
    assert not CSP_VIOLATIONS, "Content-Security-Policy violations, refusals:\n" + "\n".join(
        CSP_VIOLATIONS)


# the contexts a test opened (new_page), closed before its portal stops
_CONTEXTS = []


def close_contexts():
    while _CONTEXTS:
        context = _CONTEXTS.pop()
        try:
            context.close()
        except Exception:   # closed by the test, or its browser already gone
            pass


def new_page(browser, viewport=DESKTOP):
    # as a visitor who asked for less motion: Bootstrap's smooth scrolling
    # then stays off, which made each click below the fold wait ~0.9 s for
    # the scroll to settle (and Chromium paint every frame of it)
    context = browser.new_context(viewport=viewport, reduced_motion="reduce")
    _CONTEXTS.append(context)
    watch_csp(context)
    page = context.new_page()
    page.set_default_timeout(20000)
    return page


def login(browser, url, user):
    page = new_page(browser)
    page.goto(url + "/en/user/login")
    page.fill("#field-login", user["name"])
    page.fill("#field-password", PASSWORD)
    with page.expect_navigation():
        page.locator("form:has(#field-password) button[type=submit]").first.click()
    # logged in: the header links to the person's profile
    expect(page.locator("a[href$='/user/%s']" % user["name"]).first).to_be_attached()
    return page


def run_worker(portal):
    """The RQ worker as `ckan jobs worker` runs it, in burst mode (xloader jobs)."""
    with open(portal["ini"][:-len(".ini")] + "-worker.log", "wb") as log:
        subprocess.run([os.path.join(os.path.dirname(sys.executable), "ckan"), "-c",
                        portal["ini"], "jobs", "worker", "--burst"], cwd=ROOT,
                       env=portal["env"], check=True, timeout=180, stdout=log,
                       stderr=subprocess.STDOUT)


def resources(ds):
    found = helpers.call_action("package_show", context=site_context(), id=ds["id"])["resources"]
    return {r["format"]: r for r in found}


# -- (1) workflow 1 in the pages ------------------------------------------------------

def press(page, url, transition, shot_name, **fields):
    page.goto(url)
    if "assignee" in fields:
        page.select_option("#field-assignee", fields["assignee"])
    if "comment" in fields and page.locator("#field-comment").count():
        page.fill("#field-comment", fields["comment"])
    shot(page, shot_name)
    shot_of(page.locator("#alur-diseminasi"), "panel-" + shot_name)
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


def view_ids(url, resource_id):
    """The resource's views by type, as the server (with the view plugins) lists them."""
    found = requests.get(url + "/api/3/action/resource_view_list", params={"id": resource_id},
                         timeout=30).json()
    assert found["success"], found
    return {v["view_type"]: v["id"] for v in found["result"]}


def chart_state(frame):
    """What the chart view drew: the Chart.js instance's data and how many
    pixels of its canvas are painted."""
    return frame.evaluate("""() => {
        const canvas = document.getElementById('satudata-chart-canvas');
        const chart = window.Chart && window.Chart.getChart(canvas);
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) { painted++; } }
        return {labels: chart ? chart.data.labels : null,
                values: chart ? chart.data.datasets.map(d => d.data) : null,
                painted: painted, size: pixels.length / 4};
    }""")


def test_dataset_walked_to_terbit_in_the_browser(portal, browser):
    url, people, ds = portal["url"], portal["people"], portal["dataset"]
    dataset_url = url + "/dataset/" + ds["name"]
    anon = new_page(browser)
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
    shot_of(staf.locator("#alur-diseminasi"), "panel-workflow-6-terbit")
    state = helpers.call_action("satudata_dataset_workflow_show", id=ds["id"])["state"]
    assert state == "terbit"

    # the worker loads the published CSV and XLSX into the DataStore
    run_worker(portal)
    res = resources(ds)
    for fmt, first_column, total in (("CSV", "Glagah", 3), ("XLSX", "Glagah", 3)):
        found = requests.get(url + "/api/3/action/datastore_search",
                             params={"resource_id": res[fmt]["id"]}, timeout=30).json()
        assert found["success"] and found["result"]["total"] == total, (fmt, found)
        assert found["result"]["records"][0]["kecamatan"] == first_column
    sekolah = requests.get(url + "/api/3/action/datastore_search",
                           params={"resource_id": res["XLSX"]["id"]}, timeout=30).json()
    assert [int(r["sekolah_dasar"]) for r in sekolah["result"]["records"]] == [24, 17, 41]

    # after: the public sees the dataset, the SDI block and the preview table;
    # the page comes with the portal's policy and never sniffed
    from ckanext.satudata.operations.headers import CONTENT_SECURITY_POLICY
    headers = anon.goto(dataset_url).all_headers()
    assert headers.get("content-security-policy") == CONTENT_SECURITY_POLICY, headers
    assert headers.get("x-content-type-options") == "nosniff", headers
    expect(anon.locator("h1")).to_contain_text("Jumlah Penduduk per Kecamatan")
    expect(anon.locator(".satudata-sdi")).to_be_visible()
    assert anon.locator("#alur-diseminasi").count() == 0
    shot(anon, "dataset-published")
    views = view_ids(url, res["CSV"]["id"])
    assert {"datatables_view", "satudata_chart"} <= set(views), views
    resource_url = url + "/dataset/%s/resource/%s" % (ds["name"], res["CSV"]["id"])
    anon.goto(resource_url + "?view_id=" + views["datatables_view"])
    frame = anon.frame_locator("iframe").first
    expect(frame.locator("td", has_text="Glagah").first).to_be_visible(timeout=30000)
    # CKAN's table controls speak Indonesian too (its JavaScript strings and
    # its template): none of them is left in English
    expect(frame.locator("#sortinfoicon").locator("xpath=..")).to_contain_text("Urutkan")
    titles = [t for t in frame.locator("[title]").evaluate_all("els => els.map(e => e.title)")]
    assert {"Salin ke papan klip", "Cetak", "Sesuaikan lebar kolom"} <= set(titles), titles
    assert not {"Copy to clipboard", "Print", "Refit", "Sort"} & set(titles), titles
    expect(anon.get_by_text("Tambah Filter", exact=True)).to_be_visible()
    # sorting (server side, through the view's ajax) and the pager work
    # the first cell shown is the data's own: the internal _id column is hidden (issue 23)
    first_cell = frame.locator("#dtprv tbody tr").first.locator("td").nth(0)
    expect(first_cell).to_have_text("Glagah")
    frame.get_by_role("columnheader", name=re.compile("penduduk")).first.click()
    expect(first_cell).to_have_text("Licin")
    expect(frame.locator(".dataTables_paginate, .dt-paging").first).to_be_visible()
    shot(anon, "dataset-preview-table")

    # the chart view draws the table: a Chart.js chart with the rows, pixels on the canvas
    anon.goto(resource_url + "?view_id=" + views["satudata_chart"])
    chart_frame = anon.locator("iframe").first.element_handle().content_frame()
    chart_frame.wait_for_selector("#satudata-chart[data-ready='1']", state="attached",
                                  timeout=30000)
    drawn = chart_state(chart_frame)
    assert drawn["labels"] == ["Glagah", "Licin", "Kabat"], drawn
    assert [36210, 29340, 68120] in drawn["values"], drawn
    assert drawn["painted"] > drawn["size"] // 50, drawn  # bars, not a blank canvas
    assert not chart_frame.locator(".satudata-chart-error").is_visible()
    shot(anon, "dataset-preview-chart")

    # the XLSX, loaded by xloader, previews as a table too
    xlsx_views = view_ids(url, res["XLSX"]["id"])
    assert "datatables_view" in xlsx_views, xlsx_views
    anon.goto(url + "/dataset/%s/resource/%s?view_id=%s" % (
        ds["name"], res["XLSX"]["id"], xlsx_views["datatables_view"]))
    frame = anon.frame_locator("iframe").first
    expect(frame.locator("td", has_text="Kabat").first).to_be_visible(timeout=30000)
    expect(frame.locator("td", has_text="41").first).to_be_visible()
    shot(anon, "dataset-preview-xlsx")
    anon.goto(url + "/")
    expect(anon.locator(".satudata-home")).to_contain_text("Jumlah Penduduk per Kecamatan")
    shot(anon, "home")
    # the tiles' counts in each language's plural forms: one topic and the
    # OPD hold the published dataset, the other topics none
    for prefix, one, none in (("", "1 dataset", "0 dataset"),
                              ("/en", "1 dataset", "0 datasets")):
        anon.goto(url + prefix + "/")
        counts = anon.locator(".satudata-tiles .count").all_inner_texts()
        assert counts.count(one) == 2 and none in counts and "1 datasets" not in counts, \
            (prefix, counts)



def test_resource_upload_field_and_api_tokens_in_the_browser(portal, browser):
    """(5) The two CKAN forms whose inline handlers the theme moved into
    theme.js work under the policy: the resource form's Upload / Link /
    Remove switch, and a user's API token page (create, select, revoke)."""
    url, people, ds = portal["url"], portal["people"], portal["dataset"]
    admin = login(browser, url, people["admin"])
    admin.goto(url + "/dataset/%s/resource/new" % ds["name"])
    link, upload_field = admin.locator("#field-resource-url"), admin.locator("#field-resource-upload")
    expect(link).to_be_hidden()
    admin.click("#resource-link-button")
    expect(link).to_be_visible()
    expect(link).to_be_focused()
    link.fill("https://example.org/penduduk.csv")
    link.locator("xpath=ancestor::div[contains(@class,'select-type')]").locator(
        ".btn-remove-url").click()
    expect(link).to_be_hidden()
    expect(link).to_have_value("")  # removed, not kept behind the switch
    expect(admin.locator("#resource-upload-button")).to_be_focused()
    with admin.expect_file_chooser() as chooser:
        admin.click("#resource-upload-button")
    chooser.value.set_files(files=[{"name": "penduduk-2026.csv", "mimeType": "text/csv",
                                    "buffer": CSV}])
    expect(upload_field).to_be_visible()
    expect(admin.locator("#resource-url-upload")).to_be_checked()
    expect(admin.locator("#field-name")).to_have_value("penduduk-2026.csv")
    shot(admin, "resource-upload-field")
    upload_field.locator("xpath=ancestor::div[contains(@class,'upload-type')]").locator(
        ".btn-remove-url").click()
    expect(upload_field).to_be_hidden()
    assert upload_field.evaluate("el => el.value") == ""

    opd = login(browser, url, people["opd"])
    opd.goto(url + "/user/%s/api-tokens" % people["opd"]["name"])
    opd.fill("form[hx-post$='/api-tokens'] input[name=name]", "token-uji-peramban")
    opd.get_by_role("button", name=re.compile("Create API Token|Buat Token API", re.I)).click()
    created = opd.locator("#api-tokens-table tbody tr").first
    expect(created).to_contain_text("token-uji-peramban")
    token = created.locator("code").nth(1).inner_text().strip()
    assert len(token) > 40, token
    shot(opd, "api-token-created")
    listed = helpers.call_action("api_token_list", context=site_context(),
                                 user_id=people["opd"]["id"])
    assert [t["name"] for t in listed] == ["token-uji-peramban"], listed
    revoke = opd.locator("#revoke-tokens-button")
    expect(revoke).to_be_disabled()
    created.locator("input[name=token]").check()
    expect(revoke).to_be_enabled()
    created.locator("input[name=token]").uncheck()
    expect(revoke).to_be_disabled()
    created.locator("input[name=token]").check()
    revoke.click()
    opd.locator(".modal.show .btn-primary").click()
    expect(revoke).to_be_disabled()
    listed = helpers.call_action("api_token_list", context=site_context(),
                                 user_id=people["opd"]["id"])
    assert listed == [], listed

# -- (2) workflow 2 in the pages ------------------------------------------------------

def request_status(number):
    return helpers.call_action("satudata_request_show", id=number)["status"]


def act(page, url, number, transition, shot_name, expect_status, comment=None,
        select=None, files=None):
    """Press one button of the tracking page's action form, as that person."""
    page.goto("%s/permintaan-data/%s" % (url, number))
    form = page.locator("#tindakan")
    expect(form.locator("button[name=transition][value=%s]" % transition)).to_be_visible()
    for selector, value in (select or {}).items():
        page.select_option(selector, value)
    if comment:
        page.fill("#field-comment", comment)
    if files:
        page.set_input_files("#field-upload", files=files)
    shot(page, shot_name)
    with page.expect_navigation():
        form.locator("button[name=transition][value=%s]" % transition).click()
    # the page says so, no error flashed, and the request moved
    expect(page.locator(".flash-messages, .alert-success").first).to_contain_text(
        re.compile(r"Permintaan diperbarui|Request updated"))
    assert page.locator(".flash-messages .alert-danger, .flash-messages .alert-error").count() == 0
    assert request_status(number) == expect_status, (transition, request_status(number))
    expect(page.locator(".satudata-request-status").first).to_have_class(
        re.compile(r"satudata-request-status-%s\b" % expect_status))


OPD_FILE = b"desa,penduduk\nGlagah,5120\nKemiren,2890\nOlehsari,3410\n"


def test_request_filed_routed_answered_and_delivered_in_the_browser(portal, browser):
    """(2) SOP steps 1-8 through the pages: the requester files anonymously
    and follows the request; the Subkoord assigns it, the Staf finds the data
    is not on the portal, the Subkoord asks the OPD (escalate), the OPD member
    finds it in the OPD inbox, confirms and sends a file from the tracking
    page, the Subkoord hands it to the Staf, the Staf delivers it, and the
    requester downloads it; the public page never shows contact details."""
    url, people = portal["url"], portal["people"]
    requester = new_page(browser)
    requester.goto(url + "/permintaan-data/baru")
    requester.fill("#field-name", "Warga Uji")
    requester.fill("#field-email", "warga.uji@example.org")
    requester.fill("#field-phone", "081234567890")
    requester.fill("#field-title", "Jumlah penduduk per desa 2025")
    requester.fill("#field-description", "Jumlah penduduk per desa di Kabupaten Banyuwangi tahun 2025.")
    requester.fill("#field-purpose", "Penelitian skripsi")
    shot(requester, "request-form")
    with requester.expect_navigation():
        requester.locator("form:has(#field-title) button[type=submit]").first.click()
    number = requester.locator(".satudata-request-number").first.inner_text().strip()
    assert re.match(r"^PDS-\d{4}-\d+$", number), number
    expect(requester.locator(".satudata-access-token code")).not_to_be_empty()
    shot(requester, "request-created")
    assert request_status(number) == "baru"
    # the requester's own page (the session holds the token) shows their details
    requester.goto("%s/permintaan-data/%s" % (url, number))
    expect(requester.locator(".satudata-requester")).to_contain_text("warga.uji@example.org")
    shot(requester, "request-tracking")
    # the public page (another visitor, no token) never shows the contact details
    public = new_page(browser)
    public.goto("%s/permintaan-data/%s" % (url, number))
    expect(public.locator("body")).to_contain_text("Jumlah penduduk per desa 2025")
    body = public.content()
    assert "warga.uji@example.org" not in body and "081234567890" not in body
    assert public.locator("#tindakan").count() == 0
    shot(public, "request-public")

    # the Walidata team: board and dashboard, then SOP steps 2-4
    subkoord = login(browser, url, people["subkoord"])
    subkoord.goto(url + "/satudata/permintaan")
    expect(subkoord.locator("body")).to_contain_text("Jumlah penduduk per desa 2025")
    shot(subkoord, "request-board")
    subkoord.goto(url + "/dashboard/")
    expect(subkoord.locator(".satudata-my-work")).to_contain_text("Jumlah penduduk per desa 2025")
    expect(subkoord.locator(".satudata-waiting")).to_be_visible()
    shot(subkoord, "dashboard-subkoord")
    act(subkoord, url, number, "assign", "request-2-disposisi", "diperiksa",
        select={"#field-assignee": people["staf"]["name"]}, comment="Mohon dicek")
    staf = login(browser, url, people["staf"])
    act(staf, url, number, "not_available", "request-3-cek-ketersediaan", "perlu_opd",
        comment="Belum ada di portal; perlu data dari Dinas Kesehatan")
    act(subkoord, url, number, "escalate", "request-4-ke-opd", "di_opd",
        select={"#field-organization": "dinkes"}, comment="Mohon data penduduk per desa")

    # the OPD: the request waits in its inbox; confirm (step 5), send the file (step 6)
    opd = login(browser, url, people["opd"])
    opd.goto(url + "/satudata/permintaan/opd")
    waiting = opd.locator("#opd-dinkes .satudata-opd-inbox-table").first
    expect(waiting).to_contain_text(number)
    expect(waiting).to_contain_text("Jumlah penduduk per desa 2025")
    shot(opd, "opd-inbox")
    with opd.expect_navigation():
        waiting.locator("a", has_text=number).click()
    assert opd.url.endswith("/permintaan-data/" + number)
    act(opd, url, number, "opd_confirm", "request-5-opd-konfirmasi", "opd_menyiapkan",
        comment="Data tersedia")
    act(opd, url, number, "opd_send", "request-6-opd-kirim", "data_diterima",
        comment="Data terlampir",
        files=[{"name": "penduduk-desa.csv", "mimeType": "text/csv", "buffer": OPD_FILE}])
    opd.goto(url + "/satudata/permintaan/opd")
    expect(opd.locator("#opd-dinkes .satudata-opd-inbox-table").first).to_contain_text(
        re.compile(r"Tidak ada yang menunggu|Nothing is waiting"))

    # the Walidata team: the Subkoord reads the OPD's file and hands it over
    # (step 7), the Staf delivers it (step 8)
    subkoord.goto("%s/permintaan-data/%s" % (url, number))
    received = subkoord.context.request.get(
        "%s/permintaan-data/%s/berkas-opd" % (url, number))
    assert received.ok and received.body() == OPD_FILE
    act(subkoord, url, number, "handover", "request-7-serah-staf", "siap_dikirim")
    act(staf, url, number, "deliver", "request-8-kirim", "selesai",
        comment="Data dari Dinas Kesehatan terlampir")

    # the requester: delivered, with the file to download
    requester.goto("%s/permintaan-data/%s" % (url, number))
    delivered = requester.locator(".satudata-request-delivered")
    expect(delivered).to_be_visible()
    expect(requester.locator(".satudata-request-status")).to_have_class(
        re.compile(r"satudata-request-status-selesai"))
    with requester.expect_download() as info:
        delivered.locator("a.satudata-request-download").click()
    with open(info.value.path(), "rb") as f:
        assert f.read() == OPD_FILE
    shot(requester, "request-delivered")

    # the anonymous tracking page at the end: fulfilled, no contact details, no file
    public.goto("%s/permintaan-data/%s" % (url, number))
    expect(public.locator(".satudata-request-status")).to_have_class(
        re.compile(r"satudata-request-status-selesai"))
    expect(public.locator(".satudata-request-delivered")).to_contain_text(
        re.compile(r"dikirim secara pribadi|delivered privately"))
    assert public.locator("a.satudata-request-download").count() == 0
    body = public.content()
    assert "warga.uji@example.org" not in body and "081234567890" not in body
    assert public.request.get("%s/permintaan-data/%s/berkas" % (url, number)).status == 404
    shot(public, "request-public-done")


# -- (3) both languages and (4) accessibility on every page ---------------------------

def catalogues():
    """(English, Indonesian) message pairs of the extension's catalogue and
    CKAN's own (the extension's wins, as Flask-Babel merges them)."""
    from babel.messages.pofile import read_po
    import ckan
    pairs = {}
    paths = [os.path.join(os.path.dirname(ckan.__file__), "i18n", "id", "LC_MESSAGES", "ckan.po")]
    paths += glob.glob(os.path.join(ROOT, "ckanext", "satudata", "i18n", "id", "LC_MESSAGES",
                                    "*.po"))
    for path in paths:
        with open(path, "rb") as f:
            catalog = read_po(f, locale="id")
        for message in catalog:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
            strings = (message.string if isinstance(message.string, (list, tuple))
                       else (message.string,))
            for i, msgid in enumerate(ids):
                translated = strings[min(i, len(strings) - 1)] if strings else ""
                if translated or msgid not in pairs:
                    pairs[msgid] = translated or ""
    return pairs


# Names that read the same in both languages although CKAN's catalogue
# leaves them untranslated.
SAME_IN_BOTH = {"Facebook", "Twitter", "LinkedIn", "Email", "Hash", "Sysadmin"}

PLACEHOLDER = re.compile(r"\{[a-z_0-9]*\}|%\([a-z_]+\)[sd]|%[sd]")


def _pattern(message):
    parts = PLACEHOLDER.split(message)
    return re.compile("^" + "(.+?)".join(re.escape(p) for p in parts) + "$", re.S)


class Foreign:
    """The strings that give a page away as the other language: on an
    Indonesian page, an English msgid whose Indonesian differs (or is
    missing); on an English page, an Indonesian translation that is not also
    an English msgid. A visible text node matches a whole message (with its
    placeholders filled in), so a word shared by both languages never counts."""

    def __init__(self):
        pairs = catalogues()
        english, indonesian = set(pairs), {v for v in pairs.values() if v}
        self.exact = {"id": set(), "en": set()}
        self.patterns = {"id": [], "en": []}
        for msgid, msgstr in pairs.items():
            for lang, text, other in (("id", msgid, indonesian), ("en", msgstr, english)):
                if not text or text == (msgstr if lang == "id" else msgid) or text in other \
                        or text in SAME_IN_BOTH:
                    continue
                if len(re.sub(r"[^A-Za-z]", "", PLACEHOLDER.sub("", text))) < 4:
                    continue  # "OK", "{0}:", "min" alone say nothing of the language
                if PLACEHOLDER.search(text):
                    self.patterns[lang].append(_pattern(text))
                else:
                    self.exact[lang].add(text)

    def find(self, lang, texts):
        found = []
        for text in texts:
            if text in self.exact[lang] or any(p.match(text) for p in self.patterns[lang]):
                found.append(text)
        return found


# Words that must not appear on a page in the other language (visible text),
# besides the catalogues' messages: the theme's own headings and CKAN's menus.
ENGLISH_ONLY = ["Request data", "Latest published data", "Search the data", "Topics",
                "Data producers", "Log in", "Register", "Datasets", "Organizations",
                "Order by", "Search organizations", "Additional Info", "Data and Resources",
                "Explore", "Language", "Satu Data Indonesia metadata", "Narrative",
                "Review queue", "Request board", "Your work", "waiting for you", "History",
                "Actions", "Comment", "Submitted", "Answer due", "Overdue", "overdue",
                # split over several text nodes by links, so no whole message
                "access this registry", "datasets found", "dataset found"]
INDONESIAN_ONLY = ["Minta data", "Data terbaru", "Cari data", "Topik", "Produsen data",
                   "Masuk", "Daftar", "Organisasi", "Urutkan", "Informasi Tambahan",
                   "Jelajahi", "Bahasa", "Metadata Satu Data Indonesia", "Narasi",
                   "Antrian Review", "Papan Permintaan", "Pekerjaan Anda", "menunggu Anda",
                   "Riwayat", "Tindakan", "Catatan", "Diajukan", "Batas waktu", "terlambat"]

# The visible text of the page as the person reads it: every text node
# outside scripts, code and form values, with the labels a screen reader reads.
VISIBLE_TEXTS = """() => {
  const out = new Set();
  const skip = 'SCRIPT,STYLE,NOSCRIPT,TEXTAREA,CODE,PRE,TEMPLATE'.split(',');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || skip.includes(el.tagName) || el.closest('[translate=no], pre, code')) continue;
    if (el.tagName !== 'OPTION' && !el.checkVisibility()) continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (text) out.add(text);
  }
  for (const el of document.body.querySelectorAll('[placeholder], [aria-label], [title], img[alt]')) {
    for (const attr of ['placeholder', 'aria-label', 'title', 'alt']) {
      const value = (el.getAttribute(attr) || '').trim();
      if (value) out.add(value);
    }
  }
  out.add(document.title.split(' - ')[0].trim());
  return [...out];
}"""

# resultTypes: the violations in full, of the other kinds (passes,
# inapplicable, incomplete) one node each, which is all the test reads: axe
# then builds no selector for every node that passed (most of its time), and
# only the violations cross back to Python.
AXE_RUN = ("axe.run(document, {runOnly: {type: 'tag', values: "
           "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})"
           ".then(result => ({violations: result.violations}))")


@functools.lru_cache(maxsize=1)
def axe_source() -> str:
    with open(AXE) as f:
        return f.read()


def axe_serious(page):
    """The serious and critical axe violations of a page (or a frame)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # evaluated by the test (DevTools), not a <script> element: the
        # portal's policy rightly refuses an inline script tag
        page.evaluate(axe_source() + "\n;undefined")
        context = getattr(page, "context", None)   # a frame has none
        if context is not None and not getattr(context, "_satudata_axe", False):
            # the context's next pages get axe as they open (an init script,
            # DevTools' too), in the top window only, so frames are audited
            # as before: compiled once, where evaluating it on every page
            # cost ~60 ms of Chromium's CPU
            context.add_init_script(script="if (window === window.top) {\n%s\n}" % axe_source())
            context._satudata_axe = True
    result = page.evaluate(AXE_RUN)
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def check_page(page, url, path, foreign, problems, name, axe=True):
    """One page in both languages: reachable, no string of the other
    language, no serious axe violation; a screenshot of each."""
    for lang, prefix, markers in (("id", "", ENGLISH_ONLY), ("en", "/en", INDONESIAN_ONLY)):
        response = page.goto(url + prefix + path)
        if not response.ok:
            problems.append((lang, path, "HTTP %s" % response.status))
            continue
        expected = "id" if lang == "id" else "en"
        if page.evaluate("document.documentElement.lang").split("-")[0] not in (expected, ""):
            problems.append((lang, path, "html lang=%s" % page.evaluate(
                "document.documentElement.lang")))
        texts = page.evaluate(VISIBLE_TEXTS)
        joined = "\n".join(texts)
        left = [w for w in markers if re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(w), joined)]
        left += foreign.find(lang, texts)
        if left:
            problems.append((lang, path, "other language: %s" % sorted(set(left))))
        shot(page, "%s-%s" % (name, lang))
        if axe:
            serious = axe_serious(page)
            if serious:
                problems.append((lang, path, "axe: %s" % serious))


def test_every_page_in_both_languages_and_accessible(portal, browser):
    """(3) and (4): every page of the extension, as the visitor and as each
    person who has one (Subkoord, Staf, OPD member, requester, sysadmin), in
    Bahasa Indonesia and in English; axe-core on each. One browser, one
    logged-in context per person."""
    url, people, ds = portal["url"], portal["people"], portal["dataset"]
    # a published dataset (public pages), one waiting for the Subkoord's
    # review (workflow panel, review queue), a request at the OPD (board,
    # inbox, tracking page in every view)
    walk(ds["id"], people)
    pending = SdiDataset(name="sekolah-dasar-kecamatan", title="Jumlah Sekolah Dasar per Kecamatan",
                         owner_org=portal["dataset"]["owner_org"],
                         narrative="Sekolah dasar negeri dan swasta.",
                         notes="Jumlah sekolah dasar per kecamatan, 2025.")
    walk(pending["id"], people, until="diajukan")
    filed = helpers.call_action("satudata_request_create", context={"user": "", "ignore_auth": False},
                                name="Warga Uji", email="warga.uji@example.org",
                                title="Jumlah penduduk per desa 2025",
                                description="Per desa, tahun 2025.", purpose="Penelitian")
    number = filed["number"]
    for who, transition, extra in (("subkoord", "assign", {"assignee": people["staf"]["name"]}),
                                   ("staf", "not_available", {}),
                                   ("subkoord", "escalate", {"organization": "dinkes"})):
        helpers.call_action("satudata_request_transition", context=as_user(people[who]),
                            id=number, transition=transition, **extra)
    import ckan.model as model
    model.repo.commit()
    resource_id = resources(ds)["CSV"]["id"]
    foreign = Foreign()
    problems = []

    visitor = new_page(browser, PHONE)
    for path, name in (("/", "home"), ("/about", "about"), ("/dataset/", "search"),
                       ("/dataset/?q=penduduk", "search-penduduk"),
                       ("/dataset/" + ds["name"], "dataset"),
                       ("/dataset/%s/resource/%s" % (ds["name"], resource_id), "resource"),
                       ("/organization/", "organizations"), ("/organization/dinkes", "opd-page"),
                       ("/organization/about/dinkes", "opd-about"),
                       ("/permintaan-data", "requests"), ("/permintaan-data/baru", "request-form"),
                       ("/permintaan-data/" + number, "request-public"),
                       ("/permintaan-data/statistik", "statistik"), ("/user/login", "login")):
        check_page(visitor, url, path, foreign, problems, "lang-%s-phone" % name)

    requester = new_page(browser)
    requester.goto("%s/permintaan-data/%s?token=%s" % (url, number, filed["access_token"]))
    expect(requester.locator(".satudata-requester")).to_contain_text("warga.uji@example.org")
    for path, name in (("/permintaan-data/" + number, "request-requester"),
                       ("/permintaan-data/%s/diterima" % number, "request-created")):
        check_page(requester, url, path, foreign, problems, "lang-" + name)

    subkoord = login(browser, url, people["subkoord"])
    subkoord.goto(url + "/dataset/" + pending["name"])
    expect(subkoord.locator("#alur-diseminasi button[name=transition][value=approve]")).to_be_visible()
    for path, name in (("/dataset/" + pending["name"], "workflow-panel"),
                       ("/satudata/antrian-review", "review-queue"),
                       ("/satudata/permintaan", "request-board"),
                       ("/permintaan-data/" + number, "request-internal"),
                       ("/dashboard/", "dashboard"), ("/satudata/kinerja", "kinerja"),
                       ("/satudata/laporan-ppid", "laporan-ppid"),
                       ("/satudata/laporan-ppid?cetak=1", "laporan-ppid-print"),
                       ("/dataset/edit/" + pending["name"], "dataset-edit")):
        check_page(subkoord, url, path, foreign, problems, "lang-%s" % name)

    opd = login(browser, url, people["opd"])
    for path, name in (("/satudata/permintaan/opd", "opd-inbox"),
                       ("/permintaan-data/" + number, "request-opd"),
                       ("/dashboard/", "dashboard-opd")):
        check_page(opd, url, path, foreign, problems, "lang-%s" % name)

    admin = login(browser, url, people["admin"])
    for path, name in (("/ckan-admin/satudata/roles", "admin-roles"),
                       ("/ckan-admin/satudata/mail", "admin-mail"),
                       ("/ckan-admin/satudata/outbox", "admin-outbox"),
                       # CKAN's own forms, whose messages CKAN leaves untranslated
                       ("/dataset/new", "dataset-new"),
                       ("/dataset/%s/resource/new" % pending["name"], "resource-new"),
                       ("/dataset/activity/" + ds["name"], "dataset-activity"),
                       ("/user/edit/" + people["admin"]["name"], "user-edit"),
                       ("/ckan-admin/trash", "admin-trash")):
        check_page(admin, url, path, foreign, problems, "lang-%s" % name)
    assert not problems, "\n".join(map(str, problems))

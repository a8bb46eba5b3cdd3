"""The public request pages in Debian's Chromium (the fixtures of
tests/theme/test_browser.py: the portal under gunicorn, Bahasa Indonesia by
default, the portal's Content-Security-Policy watched on every page), at
390 px and 1366 px (issue 23): a refused form opens on its error summary
with the fields marked and the long text counted, not cut; axe-core finds
nothing serious on the form with its errors, the tracking page and
"Permintaan saya"; a citizen who registers lands on their requests; one
address with six requesters is served while one email over its limit is told
the wait in minutes."""
import re

import pytest
from playwright.sync_api import expect

import tests.theme.test_browser as browser_tests
from tests.theme.test_browser import (PHONE, Foreign, axe_serious, browser, new_page,  # noqa: F401
                                      no_csp_violation, serve_portal, shot)

# One portal for the module, served once, not per test (its tests' writes are
# their own: each its own requesters, emails and account), and a second
# server over the same data for the test that needs registration open; the
# tests on one xdist worker, so they are built once per run.
pytestmark = [pytest.mark.usefixtures("module_satudata_db"),
              pytest.mark.xdist_group("browser-requests")]

WIDE = {"width": 1366, "height": 900}
PASSWORD = "Warga-Banyuwangi-2026"
PASTED = ("Jumlah posyandu aktif per desa. " * 180).strip()     # 5,759 characters

# What the page says of its fields, as the browser has it.
FIELDS = """() => [...document.querySelectorAll('.satudata-request-new [aria-invalid="true"]')]
  .map(el => ({id: el.id, described: (el.getAttribute('aria-describedby') || '').split(' ')
    .map(id => { const t = document.getElementById(id); return t ? t.textContent.trim() : null; })}))"""
VISIBLE_TEXTS = browser_tests.VISIBLE_TEXTS


@pytest.fixture(scope="module")
def served(module_satudata_db):
    """The portal (tests/theme/test_browser.py's `portal`) for the module."""
    from tests.conftest import empty_job_queues
    empty_job_queues()
    with pytest.MonkeyPatch.context() as monkeypatch, serve_portal(monkeypatch) as portal:
        yield portal
    empty_job_queues()


@pytest.fixture(scope="module")
def registering(served):
    """The portal as config/ckan.ini.template runs it: citizens register on
    the web (ckan.auth.create_user_via_web = true; test.ini leaves CKAN's
    default, off): a second server, its ini with it, over the same data."""
    with pytest.MonkeyPatch.context() as monkeypatch, serve_portal(
            monkeypatch, ini_extra="ckan.auth.create_user_via_web = true\n",
            built=served) as portal:
        yield portal


@pytest.fixture
def portal(request, served):
    """The module's portal; with `registration_open`, the one that lets
    citizens register."""
    if "registration_open" in request.fixturenames:
        return request.getfixturevalue("registering")
    return served


@pytest.fixture
def registration_open():
    """Marks a test that needs citizens to register on the web (`portal`)."""


def no_foreign_text(page, foreign, lang="id"):
    found = foreign.find(lang, page.evaluate(VISIBLE_TEXTS))
    assert not found, "%s: the other language: %s" % (page.url, found)


def no_serious_axe(page):
    serious = axe_serious(page)
    assert not serious, "%s: %s" % (page.url, serious)


def counter(page, field):
    return " ".join(page.locator("#field-%s-count" % field).inner_text().split())


def submit_request(page, url, email, title="Jumlah posyandu per desa"):
    page.goto(url + "/permintaan-data/baru")
    page.fill("#field-name", "Warga Uji")
    page.fill("#field-email", email)
    page.fill("#field-title", title)
    page.fill("#field-description", "Jumlah posyandu aktif per desa, 2024.")
    page.fill("#field-purpose", "Skripsi")
    with page.expect_navigation() as navigation:
        page.locator(".satudata-request-new button[type=submit]").click()
    return navigation.value


def test_a_refused_form_opens_on_its_summary_with_fields_marked_and_text_counted(portal, browser):
    url = portal["url"]
    foreign = Foreign()
    for viewport, width in ((PHONE, "phone"), (WIDE, "wide")):
        page = new_page(browser, viewport)
        page.goto(url + "/permintaan-data/baru")
        expect(page.locator("#field-description-count")).to_be_visible()
        assert counter(page, "description") == "0 dari 5.000 karakter"
        # the count follows typing
        page.locator("#field-purpose").press_sequentially("Skripsi")
        assert counter(page, "purpose") == "7 dari 2.000 karakter"
        # a paste longer than the limit is kept whole and the count says by how much
        page.fill("#field-name", "Warga Uji")
        page.fill("#field-email", "bukan-email")
        page.fill("#field-description", PASTED)
        assert len(page.input_value("#field-description")) == len(PASTED)
        expect(page.locator("#field-description-count")).to_be_visible()
        assert counter(page, "description") == "5.759 dari 5.000 karakter: kelebihan 759"
        assert "satudata-counter-over" in page.get_attribute("#field-description-count", "class")

        with page.expect_navigation():
            page.locator(".satudata-request-new button[type=submit]").click()
        # the focus is on the summary, which lists the errors in the form's order
        focused = page.evaluate("document.activeElement && document.activeElement.id")
        assert focused == "satudata-error-summary", focused
        summary = page.locator("#satudata-error-summary")
        expect(summary).to_be_visible()
        links = summary.locator("a")
        assert [links.nth(i).get_attribute("href") for i in range(links.count())] == \
            ["#field-email", "#field-title", "#field-description"]
        expect(links.nth(0)).to_contain_text("Alamat email tidak valid")
        expect(links.nth(2)).to_contain_text("Terlalu panjang: 5759 karakter (maksimal 5000)")
        # each marked field is described by its error text
        marked = {f["id"]: f["described"] for f in page.evaluate(FIELDS)}
        assert set(marked) == {"field-email", "field-title", "field-description"}, marked
        assert marked["field-title"][0] == "Wajib diisi", marked
        assert marked["field-description"][0].startswith("Terlalu panjang"), marked
        assert "5.759 dari 5.000 karakter: kelebihan 759" in marked["field-description"], marked
        assert None not in sum(marked.values(), []), marked
        # nothing typed is lost
        assert page.input_value("#field-description") == PASTED
        assert page.input_value("#field-purpose") == "Skripsi"
        # a summary link takes the person to the field
        links.nth(1).click()
        assert page.evaluate("document.activeElement.id") == "field-title"
        no_foreign_text(page, foreign)
        no_serious_axe(page)
        shot(page, "request-form-errors-%s" % width)
        page.context.close()


@pytest.mark.usefixtures("registration_open")
def test_a_citizen_registers_lands_on_their_requests_and_follows_one(portal, browser):
    url = portal["url"]
    foreign = Foreign()
    page = new_page(browser, PHONE)
    page.goto(url + "/user/register")
    page.fill("#field-username", "warga-baru")
    page.fill("#field-fullname", "Warga Baru")
    page.fill("#field-email", "warga.baru@example.org")
    page.fill("#field-password", PASSWORD)
    page.fill("#field-confirm-password", PASSWORD)
    with page.expect_navigation(url=re.compile(r".*/permintaan-data/saya$")):
        page.locator("button[name=save]").click()
    expect(page.locator("h1")).to_have_text("Permintaan saya")
    expect(page.locator(".satudata-request-mine-empty")).to_be_visible()
    for viewport, width in ((PHONE, "phone"), (WIDE, "wide")):
        page.set_viewport_size(viewport)
        no_foreign_text(page, foreign)
        no_serious_axe(page)
        shot(page, "request-mine-empty-%s" % width)

    # the form knows them; the request is theirs, on their list and its page
    submit_request(page, url, "warga.baru@example.org", title="Jumlah posyandu per desa 2024")
    number = re.search(r"/permintaan-data/(PDS-\d{4}-\d+)/diterima$", page.url).group(1)
    page.goto(url + "/permintaan-data/saya")
    row = page.locator(".satudata-request-list tbody tr")
    expect(row).to_have_count(1)
    expect(row.first).to_contain_text("Jumlah posyandu per desa 2024")
    expect(row.first).to_contain_text(number)
    for viewport, width in ((PHONE, "phone"), (WIDE, "wide")):
        page.set_viewport_size(viewport)
        page.goto(url + "/permintaan-data/saya")
        no_foreign_text(page, foreign)
        no_serious_axe(page)
        shot(page, "request-mine-%s" % width)
        page.locator(".satudata-request-list tbody a").first.click()
        expect(page.locator(".satudata-request-number")).to_have_text(number)
        expect(page.locator(".satudata-requester")).to_contain_text("warga.baru@example.org")
        no_foreign_text(page, foreign)
        no_serious_axe(page)
        shot(page, "request-track-requester-%s" % width)
    # the requester's own text box counts as well, and cuts nothing
    page.locator(".satudata-request-withdraw summary").click()
    page.fill("#field-withdraw-comment", "x" * 5003)
    assert len(page.input_value("#field-withdraw-comment")) == 5003
    assert counter(page, "withdraw-comment") == "5.003 dari 5.000 karakter: kelebihan 3"
    page.context.close()


def test_six_requesters_from_one_address_are_served_one_email_over_its_limit_waits(portal,
                                                                                  browser):
    """Every browser here comes from 127.0.0.1: a warnet. The portal's limits
    are the defaults (5 per email, 60 per address)."""
    url = portal["url"]
    foreign = Foreign()
    page = new_page(browser, PHONE)
    for i in range(6):
        answer = submit_request(page, url, "warga%d@warga.example.org" % i)
        assert answer.status == 200 and "/diterima" in page.url, (i, page.url)
    for _ in range(4):   # warga0 reaches its limit of 5
        submit_request(page, url, "warga0@warga.example.org")
        assert "/diterima" in page.url
    for viewport, width in ((PHONE, "phone"), (WIDE, "wide")):
        page.set_viewport_size(viewport)
        answer = submit_request(page, url, "warga0@warga.example.org", title="Keenam")
        assert answer.status == 429
        notice = page.locator(".satudata-request-form .alert-warning")
        expect(notice).to_be_visible()
        text = " ".join(notice.inner_text().split())
        minutes = int(re.search(r"coba lagi dalam (\d+) menit\.$", text).group(1))
        assert 55 <= minutes <= 60, text
        assert int(answer.headers["retry-after"]) > 60 * (minutes - 1)
        assert "detik" not in text and "Too many" not in text
        # the form, filled in as it was sent
        assert page.input_value("#field-title") == "Keenam"
        no_foreign_text(page, foreign)
        no_serious_axe(page)
        shot(page, "request-rate-limited-%s" % width)
    # a seventh neighbour is still served
    submit_request(page, url, "warga7@warga.example.org")
    assert "/diterima" in page.url
    page.context.close()

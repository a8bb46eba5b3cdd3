"""What the Walidata team meets, in Debian's Chromium (the fixtures of
tests/theme/test_browser.py), issue 23: the staff menu on one line at
1366 px for the Staf, the Subkoord and the Kabid, in both languages, with the
public request entry and the staff's incoming requests named apart; no staff
page wider than a 390 px phone; the revision page (word diff) with no serious
or critical axe-core violation."""

import pytest
from playwright.sync_api import expect

from ckan.tests import helpers

from tests.helpers import as_user, walk
from tests.theme.test_browser import (PHONE, axe_serious, browser, login,  # noqa: F401
                                      module_portal, no_csp_violation, shot, shot_of)
from tests.theme.test_browser_citizen import OVERFLOW

# One portal for the module (`module_portal`), which its tests only read:
# served and loaded once, not per test; its tests on one xdist worker, so it
# is built once per run.
pytestmark = [pytest.mark.usefixtures("module_satudata_db"),
              pytest.mark.xdist_group("browser-staff")]

WIDE = {"width": 1366, "height": 900}
STAFF = ("staf", "subkoord", "kabid")

# every entry of the main menu, and the site search beside it
NAV_BOXES = """() => {
    const box = el => { const b = el.getBoundingClientRect();
                        return {top: Math.round(b.top), bottom: Math.round(b.bottom),
                                right: Math.round(b.right)}; };
    const items = [...document.querySelectorAll('.masthead .navbar-nav > li')].map(
        li => Object.assign(box(li), {text: li.innerText.trim()}));
    const search = document.querySelector('.masthead .site-search');
    return {items: items, search: search ? box(search) : null, width: window.innerWidth};
}"""


@pytest.fixture(scope="module")
def revised(module_portal):
    """The portal's dataset published, then edited by its OPD: a revision
    waiting, whose diff the panel and the revision page show."""
    portal = module_portal
    ds, people = portal["dataset"], portal["people"]
    walk(ds["id"], people)
    helpers.call_action("package_patch", context=as_user(people["opd"]), id=ds["id"],
                        notes="Jumlah penduduk per kecamatan di Kabupaten Banyuwangi, "
                              "2025, menurut **Dukcapil**.",
                        title="Jumlah Penduduk per Kecamatan 2025")
    import ckan.model as model
    model.repo.commit()
    return portal


def test_staff_menu_on_one_line_and_no_staff_page_wider_than_a_phone(revised, browser):
    url, people, ds = revised["url"], revised["people"], revised["dataset"]
    wide, problems = {}, []
    for role in STAFF:
        page = login(browser, url, people[role])
        page.set_viewport_size(WIDE)
        for prefix, public, staff in (("", "Ajukan Permintaan", "Permintaan Masuk"),
                                      ("/en", "Ask for data", "Incoming requests")):
            page.goto(url + prefix + "/dataset/" + ds["name"])
            found = page.evaluate(NAV_BOXES)
            texts = [i["text"] for i in found["items"]]
            # the two request entries: the public service and the staff's board, apart
            assert public in texts and staff in texts, (role, prefix, texts)
            tops = {i["top"] for i in found["items"]}
            if len(tops) != 1:
                problems.append((role, prefix or "/id", "menu on %d lines" % len(tops),
                                 found["items"]))
            # and no entry's words wrap inside it: every entry one line high
            heights = [i["bottom"] - i["top"] for i in found["items"]]
            if max(heights) - min(heights) > 2:
                problems.append((role, prefix or "/id", "an entry on two lines",
                                 found["items"]))
            search = found["search"]
            item = found["items"][0]
            if search and not (search["top"] < item["bottom"] and search["bottom"] > item["top"]):
                problems.append((role, prefix or "/id", "search below the menu", search, item))
            if max(i["right"] for i in found["items"]) > found["width"]:
                problems.append((role, prefix or "/id", "menu wider than the page"))
            shot(page, "staff-menu-1366-%s%s" % (role, prefix.replace("/", "-")))

        page.set_viewport_size(PHONE)
        for path in ("/", "/dashboard/", "/satudata/antrian-review", "/satudata/permintaan",
                     "/permintaan-data", "/dataset/" + ds["name"],
                     "/dataset/%s/revisi" % ds["name"]):
            page.goto(url + path)
            page.wait_for_load_state("load")
            sizes = page.evaluate(OVERFLOW)
            if sizes["scroll"] > sizes["inner"]:
                wide[(role, path)] = sizes
        shot(page, "staff-revision-phone-" + role)
        page.context.close()
    assert not problems, "\n".join(map(str, problems))
    assert not wide, "\n".join("%s %s" % item for item in wide.items())


def test_revision_page_shows_the_word_diff_and_is_accessible(revised, browser):
    url, people, ds = revised["url"], revised["people"], revised["dataset"]
    problems = []
    page = login(browser, url, people["subkoord"])
    for prefix, viewport in (("", WIDE), ("/en", WIDE), ("", PHONE)):
        page.set_viewport_size(viewport)
        page.goto(url + prefix + "/dataset/%s/revisi" % ds["name"])
        table = page.locator("table.satudata-diff")
        expect(table).to_be_visible()
        expect(table.locator("ins", has_text="2025").first).to_be_visible()
        expect(table.locator("ins", has_text="Dukcapil").first).to_be_visible()
        assert "**" not in table.inner_text()
        serious = axe_serious(page)
        if serious:
            problems.append((prefix or "/id", viewport["width"], serious))
        shot(page, "staff-revision-diff-%d%s" % (viewport["width"], prefix.replace("/", "-")))
    shot_of(page.locator("#alur-diseminasi"), "panel-revision-diff")
    assert not problems, "\n".join(map(str, problems))

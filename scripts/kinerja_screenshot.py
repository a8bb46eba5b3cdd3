"""Screenshot of the Kinerja SOP page of a running portal, as the demo Subkoord:
    .run/venv/bin/python scripts/kinerja_screenshot.py http://127.0.0.1:5000 "$(cat .run/demo_password)" docs/screenshots/kinerja.png
(Debian chromium through Playwright; never a browser download)."""
import sys
from playwright.sync_api import sync_playwright
base, password, out = sys.argv[1], sys.argv[2], sys.argv[3]
with sync_playwright() as p:
    b = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"])
    page = b.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base + "/user/login")
    page.fill("#field-login", "subkoord")
    page.fill("#field-password", password)
    page.press("#field-password", "Enter")
    page.wait_for_load_state("networkidle")
    print("after login:", page.url)
    page.goto(base + "/satudata/kinerja")
    page.wait_for_timeout(1500)
    print(page.title(), page.locator("canvas").count())
    page.screenshot(path=out, full_page=True)
    b.close()

"""After filing a request (issue 23): the confirmation page gives the private
tracking link as a link that opens the request, with a copy button run from
the theme's asset (no inline script: the portal's CSP); the tracking page's
token box is a plain text field a pasted token fits in."""
import re

import bs4
import pytest

pytestmark = [pytest.mark.usefixtures("satudata_db", "clean_redis"),
              pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")]

FORM = {"name": "Siti Aminah Rahayu", "email": "siti.aminah@warga.example.org",
        "title": "Jumlah tenaga kesehatan per kecamatan",
        "description": "Per kecamatan, 2020-2025.", "purpose": "Penelitian skripsi",
        "format": "CSV", "organization": "", "website": ""}


def test_confirmation_gives_the_private_link_to_open_and_copy(app, walidata):
    client = app.test_client()
    page = client.post("/permintaan-data/baru", data=FORM)
    assert page.status_code == 200
    soup = bs4.BeautifulSoup(page.body, "html.parser")
    box = soup.find(class_="satudata-private-link")
    link = box.find("a", href=re.compile(r"\?token="))
    assert link is not None and link.get_text(strip=True) == link["href"]
    button = box.find("button", class_="satudata-copy-link")
    assert button["data-url"] == link["href"] and button.get("type") == "button"
    assert "Copy link" in button.get_text()
    # no inline script or handler; the handler is in the theme asset the page loads
    assert not any(attr.startswith("on") for tag in soup.find_all(True) for attr in tag.attrs)
    assert not [s for s in soup.find_all("script") if not s.get("src")
                and s.get("type") != "application/ld+json" and s.string and s.string.strip()]
    assert any("theme.js" in s.get("src", "") for s in soup.find_all("script"))

    # the link opens the whole request in a fresh browser
    other = app.test_client()
    path = re.sub(r"^https?://[^/]+", "", link["href"])
    opened = other.get(path, follow_redirects=True)
    assert opened.status_code == 200 and FORM["email"] in opened.body


def test_token_box_is_a_plain_text_field(app, walidata):
    page = app.test_client().post("/permintaan-data/baru", data=FORM)
    number = re.search(r"PDS-\d{4}-\d{5}", page.body).group(0)
    soup = bs4.BeautifulSoup(app.get("/permintaan-data/%s" % number).body, "html.parser")
    box = soup.find("input", attrs={"name": "access_token"})
    assert box["type"] == "text" and box["autocomplete"] == "off"
    assert not box.has_attr("maxlength") and not box.has_attr("onpaste")

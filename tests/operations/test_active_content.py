"""Uploaded active content never runs in the portal's origin; every answer
carries the safety headers; a download whose link is not http(s) answers,
never 500 (issue 22, "Trust at the seams").

Through CKAN's real stack: resources uploaded into CKAN's storage, the
dataset published by the workflow, the files fetched by the `app` client."""
import io

import pytest
from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata.operations import headers
from tests.helpers import SdiDataset, as_user, site_context, walk

pytestmark = pytest.mark.usefixtures("satudata_db")

HTML = b"<html><body><script>fetch('/api/3/action/package_patch')</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
CSV = b"kecamatan,jiwa\nGlagah,36210\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def opd_team(walidata):
    org = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    editor = factories.User(name="opd-dinkes")
    helpers.call_action("organization_member_create", context=site_context(), id=org["id"],
                        username=editor["name"], role="editor")
    return dict(walidata, opd=editor, org=org)


def published_with(team, files):
    """A published dataset whose resources are the given uploads
    (name, bytes, declared mimetype or None)."""
    ds = SdiDataset(owner_org=team["org"]["id"])
    for name, data, mimetype in files:
        extra = {"mimetype": mimetype} if mimetype else {}
        helpers.call_action("resource_create", context=as_user(team["opd"]),
                            package_id=ds["id"], name=name, url=name, url_type="upload",
                            upload=FileStorage(io.BytesIO(data), name), **extra)
    walk(ds["id"], team)
    model.repo.commit()
    shown = helpers.call_action("package_show", context=as_user(None), id=ds["id"])
    return shown, {r["name"]: r for r in shown["resources"]}


# an inline event handler, htmx's hx-on too (htmx evaluates it)
INLINE_HANDLER = r"\s(on[a-z]+|hx-on[:a-z-]*)\s*=\s*[\"']"


def assert_safety_headers(response):
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy or "sandbox" in policy, policy


# -- headers on every answer ----------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/dataset/", "/permintaan-data/baru",
                                  "/api/3/action/status_show", "/dataset/no-such-dataset",
                                  "/api/3/action/package_show?id=no-such-dataset"])
def test_every_answer_carries_the_safety_headers(app, path):
    response = app.get(path, status=None)
    assert response.status_code < 500
    assert_safety_headers(response)
    policy = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "object-src 'none'",
                      "base-uri 'self'", "frame-ancestors 'self'", "form-action 'self'"):
        assert directive in policy, (path, policy)
    # no inline script, no eval: the script directive names the portal alone
    script_src = [d for d in policy.split(";") if d.strip().startswith("script-src")][0]
    assert script_src.split() == ["script-src", "'self'"]



def test_the_portals_own_styles_scripts_and_images_keep_their_type(app):
    """CKAN's static files and webassets are the portal's own code, sent
    with werkzeug's send_file (which names the file in a Content-Disposition):
    they are not downloads. Typed as a download (octet-stream, attachment)
    under nosniff, the browser refused every stylesheet and script."""
    import re
    page = app.get("/").body
    css = re.search(r'href="(/webassets/[^"]+\.css)"', page).group(1)
    js = re.search(r'src="(/webassets/[^"]+\.js)"', page).group(1)
    for path, kind in ((css, "text/css"), (js, "javascript"),
                       ("/satudata/logo.svg", "image/svg+xml"),
                       ("/base/images/ckan-logo.png", "image/png")):
        response = app.get(path)
        assert kind in response.headers["Content-Type"], (path, response.headers)
        assert "attachment" not in response.headers.get("Content-Disposition", ""), path
        assert_safety_headers(response)

def test_the_portals_pages_have_no_inline_script(app):
    """The home page and the request form (what a visitor meets) carry no
    executable inline script and no inline event handler."""
    import re
    for path in ("/", "/permintaan-data/baru", "/dataset/"):
        body = app.get(path).body
        for tag in re.findall(r"<script\b[^>]*>", body, flags=re.I):
            assert "src=" in tag or re.search(r"type=\"?application/(ld\+)?json", tag), (path, tag)
        assert not re.search(INLINE_HANDLER, body), path


def test_the_resource_form_and_token_pages_have_no_inline_handler(app, opd_team):
    """CKAN's resource upload field and API token pages had onclick/
    onchange/hx-on handlers: the theme's templates move them to theme.js."""
    import re
    ds = SdiDataset(owner_org=opd_team["org"]["id"])
    editor = opd_team["opd"]["name"]
    token = helpers.call_action("api_token_create", context=site_context(), user=editor,
                                name="uji")["token"]
    for path in ("/dataset/%s/resource/new" % ds["name"], "/user/%s/api-tokens" % editor):
        body = app.get(path, headers={"Authorization": token}).body
        assert "data-satudata-" in body, path
        assert not re.search(INLINE_HANDLER, body), (path, re.search(INLINE_HANDLER, body))
        for tag in re.findall(r"<script\b[^>]*>", body, flags=re.I):
            assert "src=" in tag or "application/json" in tag, (path, tag)


# -- uploaded files --------------------------------------------------------------------

def download(app, shown, res, filename=None, user=None):
    url = "/dataset/%s/resource/%s/download" % (shown["name"], res["id"])
    if filename:
        url += "/" + filename
    env = {"REMOTE_USER": user["name"]} if user else {}
    return app.get(url, extra_environ=env, status=None, follow_redirects=False)


def test_uploaded_html_and_svg_download_as_attachments(app, opd_team):
    shown, res = published_with(opd_team, [
        ("halaman.html", HTML, None), ("gambar.svg", SVG, None),
        ("data.csv", HTML, "text/html"),           # the declared type says HTML
        ("catatan.txt", HTML, None),               # named text, opened by an .html link
    ])
    for name, link_name in (("halaman.html", "halaman.html"), ("gambar.svg", "gambar.svg"),
                            ("data.csv", "data.csv"), ("catatan.txt", "catatan.html"),
                            ("halaman.html", "halaman.csv"), ("halaman.html", None)):
        response = download(app, shown, res[name], link_name)
        assert response.status_code == 200, (name, response.status_code)
        assert response.headers["Content-Type"] == "application/octet-stream", (
            name, link_name, response.headers["Content-Type"])
        assert response.headers["Content-Disposition"].startswith("attachment"), (
            name, link_name, response.headers["Content-Disposition"])
        assert "sandbox" in response.headers["Content-Security-Policy"]
        assert_safety_headers(response)


def test_passive_files_keep_their_type(app, opd_team):
    shown, res = published_with(opd_team, [("penduduk.csv", CSV, None), ("peta.png", PNG, None)])
    csv = download(app, shown, res["penduduk.csv"], "penduduk.csv")
    assert csv.status_code == 200 and csv.body.encode() == CSV
    assert csv.headers["Content-Type"].startswith("text/csv")
    assert csv.headers["Content-Disposition"].startswith("inline")
    png = download(app, shown, res["peta.png"], "peta.png")
    assert png.headers["Content-Type"] == "image/png"
    assert png.headers["Content-Disposition"].startswith("inline")
    for response in (csv, png):
        assert_safety_headers(response)


def test_a_mimetype_changed_later_cannot_make_html_inline(app, opd_team):
    """The OPD editor declares an HTML upload as text/plain afterwards: the
    stored file's name still says HTML."""
    shown, res = published_with(opd_team, [("halaman.html", HTML, "text/plain")])
    response = download(app, shown, res["halaman.html"], "laporan.txt")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Content-Type"] == "application/octet-stream"


@pytest.mark.parametrize("served, names, declared, expected", [
    ("text/csv", ["a.csv", "a.csv"], None, ("text/csv", True)),
    ("text/csv", ["a.csv", "a.html"], None, ("application/octet-stream", False)),
    ("text/csv", ["a.csv"], "text/html", ("application/octet-stream", False)),
    ("text/html", ["a.csv"], "text/csv", ("application/octet-stream", False)),
    ("image/svg+xml", ["a.png"], "image/png", ("application/octet-stream", False)),
    ("application/pdf", ["a.pdf"], None, ("application/pdf", False)),
    ("application/octet-stream", ["a"], None, ("application/octet-stream", False)),
    ("text/plain", ["a"], None, ("application/octet-stream", False)),   # unknown name
    ("application/xml", ["a.xml"], None, ("application/octet-stream", False)),
    ("text/javascript", ["a.js"], None, ("application/octet-stream", False)),
    ("text/csv", ["a.csv"], None, ("text/csv", True)),
])
def test_disposition_needs_every_witness(served, names, declared, expected):
    assert headers.disposition(served, names, declared) == expected


# -- links that are not http(s) --------------------------------------------------------

HOSTILE_URLS = ["javascript:alert(document.domain)", "data:text/html,<script>alert(1)</script>",
                "JaVaScRiPt:alert(1)", "vbscript:msgbox(1)", "file:///etc/passwd"]


def with_stored_url(team, urls):
    """A published dataset whose linked resources hold these URLs, as a
    resource stored before the URL was checked on write holds them; one
    more, last, keeps its http link."""
    ds = SdiDataset(owner_org=team["org"]["id"],
                    resources=[{"url": "http://example.com/%d.csv" % i, "name": "R%d" % i}
                               for i in range(len(urls) + 1)])
    walk(ds["id"], team)
    shown = helpers.call_action("package_show", context=as_user(None), id=ds["id"])
    for res, url in zip(shown["resources"], urls):
        model.Resource.get(res["id"]).url = url
    model.repo.commit()
    return shown


def test_a_download_whose_link_is_not_http_answers_404(app, opd_team):
    shown = with_stored_url(opd_team, HOSTILE_URLS + [" "])
    for res, url in zip(shown["resources"], HOSTILE_URLS + [" "]):
        response = download(app, shown, res)
        assert response.status_code == 404, (url, response.status_code)
        assert "Location" not in response.headers
        assert_safety_headers(response)
        page = app.get("/dataset/%s/resource/%s" % (shown["name"], res["id"]))
        assert page.status_code == 200
        lowered = page.body.lower()
        for scheme in ("javascript:", "data:", "vbscript:", "file:"):
            assert 'href="%s' % scheme not in lowered, (url, scheme)
    # an http link still leads where it says
    linked = shown["resources"][-1]
    ok = download(app, shown, linked)
    assert ok.status_code == 302 and ok.headers["Location"] == linked["url"]


@pytest.mark.parametrize("url", HOSTILE_URLS + ["//evil.example/x.csv", "penduduk.csv"])
def test_a_link_resource_must_be_http(opd_team, url):
    ds = SdiDataset(owner_org=opd_team["org"]["id"])
    with pytest.raises(tk.ValidationError) as e:
        helpers.call_action("resource_create", context=as_user(opd_team["opd"]),
                            package_id=ds["id"], name="Tautan", url=url)
    message = e.value.error_dict["url"][0]
    assert "http" in message and " / " in message, message   # both languages


def test_an_http_link_and_an_upload_are_accepted(opd_team):
    ds = SdiDataset(owner_org=opd_team["org"]["id"])
    helpers.call_action("resource_create", context=as_user(opd_team["opd"]),
                        package_id=ds["id"], name="Tautan", url="https://bps.go.id/data.csv")
    helpers.call_action("resource_create", context=as_user(opd_team["opd"]),
                        package_id=ds["id"], name="Berkas", url="penduduk.csv",
                        url_type="upload", upload=FileStorage(io.BytesIO(CSV), "penduduk.csv"))

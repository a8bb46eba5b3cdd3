"""Asset URLs worked out once a while per process (theme/assets.py), not by
stat-ing every source file on every page; the same tags on the page. And the
files kept by browsers: a built asset a year, a public file an hour, a page
or an uploaded file as CKAN sends it, never a file with a session cookie."""
import re

import pytest
from ckan.tests import factories
from webassets.updater import TimestampUpdater

from ckanext.satudata.theme import assets

pytestmark = pytest.mark.usefixtures("satudata_db")

_ASSET_TAG = re.compile(r'<(?:script src|link href)="(/webassets/[^"]+)"')


class _Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_bundles_urls_are_asked_once_then_again_after_the_kept_time():
    asked = []

    def urls(*args, **kwargs):
        asked.append((args, kwargs))
        return ["/webassets/x.js?v%d" % len(asked)]

    clock = _Clock()
    kept = assets._UrlsKeptAWhile(urls, clock=clock)
    first = kept()
    first.append("changed by a caller")
    assert kept() == ["/webassets/x.js?v1"] and len(asked) == 1
    clock.now += assets.KEPT_SECONDS - 1
    assert kept() == ["/webassets/x.js?v1"] and len(asked) == 1
    clock.now += 1
    assert kept() == ["/webassets/x.js?v2"] and len(asked) == 2
    # a call with arguments (subresource integrity) is never kept
    kept(calculate_sri=True)
    kept(calculate_sri=True)
    assert len(asked) == 4


def test_a_failed_build_is_not_kept():
    calls = []

    def urls():
        calls.append(1)
        if len(calls) == 1:
            raise OSError("disk full")
        return ["/webassets/y.css"]

    kept = assets._UrlsKeptAWhile(urls)
    with pytest.raises(OSError):
        kept()
    assert kept() == ["/webassets/y.css"]


@pytest.fixture
def staleness_checks(monkeypatch):
    checks = []
    real = TimestampUpdater.needs_rebuild

    def counted(self, bundle, ctx):
        checks.append(bundle)
        return real(self, bundle, ctx)
    monkeypatch.setattr(TimestampUpdater, "needs_rebuild", counted)
    return checks


@pytest.mark.ckan_config("ckanext.satudata.page_cache", False)   # each page rendered
def test_a_second_page_checks_no_source_file_and_carries_the_same_tags(app, staleness_checks):
    first = app.get("/dataset/").body
    assert staleness_checks, "the first page builds (or checks) each bundle"
    staleness_checks.clear()
    second = app.get("/dataset/").body
    assert staleness_checks == []
    tags = _ASSET_TAG.findall(first)
    assert tags and tags == _ASSET_TAG.findall(second)
    # every kept URL is a built file the portal serves
    for url in tags:
        assert app.get(url.split("?")[0]).status_code == 200


@pytest.mark.parametrize("setting", ["debug", "ckan.webassets.debug"])
def test_a_developer_editing_assets_gets_them_checked_on_every_page(tmp_path, setting):
    from webassets import Bundle, Environment
    env = Environment(str(tmp_path), "/webassets/")
    env.register("site/main", Bundle(output="main.js"))
    bundle = env["site/main"]
    assert assets.keep_bundle_urls(env=env, config={setting: "true"}) == 0
    assert "urls" not in bundle.__dict__
    assert assets.keep_bundle_urls(env=env, config={}) == 1
    assert assets.keep_bundle_urls(env=env, config={}) == 0   # never wrapped twice


def _cache_control(response):
    return response.headers.get("Cache-Control", "")


@pytest.mark.ckan_config("ckanext.satudata.page_cache", False)
def test_built_assets_are_kept_a_year_and_public_files_an_hour_by_everyone(app):
    token = factories.APIToken(user=factories.User()["name"])["token"]
    page = app.get("/dataset/").body
    built = [url.split("?")[0] for url in _ASSET_TAG.findall(page)]
    assert built
    for headers in ({}, {"Authorization": token}):   # CKAN: `private` to a person
        for url in built:
            answer = app.get(url, headers=headers)
            assert answer.status_code == 200
            assert _cache_control(answer) == assets.BUILT_FILE, url
            assert "Cookie" not in answer.headers.get("Vary", "")
            assert "Set-Cookie" not in answer.headers
        for url in ("/base/images/bg.png", "/satudata/logo.svg", "/api/i18n/id", "/api/i18n/en"):
            answer = app.get(url, headers=headers)
            assert answer.status_code == 200 and _cache_control(answer) == assets.PUBLIC_FILE
    # asked again with its ETag: a 304, kept as long
    answer = app.get(built[0])
    again = app.get(built[0], headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304 and _cache_control(again) == assets.BUILT_FILE


@pytest.mark.ckan_config("ckanext.satudata.page_cache", False)
def test_a_first_visits_session_cookie_is_not_handed_out_with_a_file(app):
    """A first visit's page sets the session cookie, and CKAN updates it on
    the next answer, whichever it is: on a file it was dropped, so the file
    is kept (and a shared cache never hands one visitor's cookie out)."""
    page = app.get("/dataset/")
    assert "Set-Cookie" in page.headers
    url = _ASSET_TAG.findall(page.body)[0].split("?")[0]
    answer = app.get(url)
    assert "Set-Cookie" not in answer.headers and _cache_control(answer) == assets.BUILT_FILE
    # the next page still carries the session CKAN keeps
    assert app.get("/dataset/").status_code == 200


@pytest.mark.ckan_config("ckanext.satudata.page_cache", False)
def test_pages_missing_files_and_uploads_keep_ckans_headers(app, ckan_config):
    import os
    import uuid
    # an OPD's logo as CKAN stores an uploaded group image
    folder = os.path.join(ckan_config["ckan.storage_path"], "storage", "uploads", "group")
    os.makedirs(folder, exist_ok=True)
    name = "%s-logo.png" % uuid.uuid4().hex
    with open(os.path.join(folder, name), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
    try:
        upload = app.get("/uploads/group/" + name)
        assert upload.status_code == 200
        assert _cache_control(upload) not in (assets.BUILT_FILE, assets.PUBLIC_FILE)
    finally:
        os.remove(os.path.join(folder, name))
    for url in ("/", "/dataset/", "/api/3/action/status_show"):
        assert "max-age=3600" not in _cache_control(app.get(url))
        assert "immutable" not in _cache_control(app.get(url))
    missing = app.get("/webassets/base/00000000_missing.css", status=404)
    assert _cache_control(missing) not in (assets.BUILT_FILE, assets.PUBLIC_FILE)
    assert app.get("/base/images/no-such-file.png", status=404).headers.get(
        "Cache-Control") != assets.PUBLIC_FILE
    assert _cache_control(app.get("/api/i18n/xx", status=400)) != assets.PUBLIC_FILE


def test_which_answers_are_kept():
    keeping = assets.browser_keeping
    assert keeping("webassets.index", "/webassets/base/f1c08bee_main.css") == assets.BUILT_FILE
    # a name without its content's hash (webassets' debug output) is no version
    assert keeping("webassets.index", "/webassets/base/main.css") == assets.PUBLIC_FILE
    assert keeping("static", "/base/images/bg.png") == assets.PUBLIC_FILE
    assert keeping("static", "/uploads/group/logo.png") is None   # a user's upload
    assert keeping("api.i18n_js_translations", "/api/i18n/id") == assets.PUBLIC_FILE
    assert keeping("api.action", "/api/3/action/package_show") is None
    # a resource's file bytes answer to the dataset's workflow, never a cache
    assert keeping("resource.download", "/dataset/x/resource/y/download/data.csv") is None
    # a page whose path looks like a file is a page
    assert keeping("dataset.read", "/dataset/f1c08bee_main.css") is None
    assert keeping(None, "/webassets/base/f1c08bee_main.css") is None


@pytest.mark.parametrize("setting", ["debug", "ckan.webassets.debug"])
def test_a_developer_editing_assets_gets_them_asked_on_every_page(setting):
    import flask
    app = flask.Flask(__name__)
    assets.keep_files_in_browsers(app, config={setting: "true"})
    assert not isinstance(app.wsgi_app, assets.BrowsersKeepFiles)
    assert not app.after_request_funcs
    assets.keep_files_in_browsers(app, config={})
    assert isinstance(app.wsgi_app, assets.BrowsersKeepFiles)

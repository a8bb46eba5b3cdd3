"""Asset URLs worked out once a while per process (theme/assets.py), not by
stat-ing every source file on every page; the same tags on the page."""
import re

import pytest
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

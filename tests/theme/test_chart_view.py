"""The chart view's page as CKAN serves it: the plan chart_view.py chose
from the DataStore table (read as the visitor), the title a reader quotes
and the year selector, no inline script."""
import html
import json
import re

import pytest
from ckan.tests import factories, helpers

from tests.helpers import SdiDataset, site_context, walk, with_the_preview

pytestmark = with_the_preview()

KECAMATAN = ["Glagah", "Licin", "Kabat"]


@pytest.fixture
def chart(walidata):
    org = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    ds = SdiDataset(name="jumlah-penduduk", title="Jumlah Penduduk per Kecamatan",
                    owner_org=org["id"], unit="jiwa", measurement="Jumlah penduduk",
                    resources=[{"url": "http://example.invalid/p.csv", "format": "CSV",
                                "name": "penduduk"}])
    walk(ds["id"], walidata)
    res_id = ds["resources"][0]["id"]
    # as xloader leaves a long table: kecamatan × tahun × nilai, numbers typed
    helpers.call_action(
        "datastore_create", context=site_context(), resource_id=res_id, force=True,
        fields=[{"id": "kode_wilayah", "type": "text"}, {"id": "kecamatan", "type": "text"},
                {"id": "tahun", "type": "numeric"}, {"id": "nilai", "type": "numeric"}],
        records=[{"kode_wilayah": "35.10.%02d" % i, "kecamatan": k, "tahun": year,
                  "nilai": 1000 * i + year - 2000}
                 for year in (2023, 2024) for i, k in enumerate(KECAMATAN, 1)])
    view = helpers.call_action("resource_view_create", context=site_context(),
                               resource_id=res_id, view_type="satudata_chart", title="Grafik")
    return ds, res_id, view


def plan_of(body):
    found = re.search(r'data-plan="([^"]*)"', body)
    assert found, body
    return json.loads(html.unescape(found.group(1)))


def test_the_default_chart_is_the_measure_by_kecamatan_for_the_latest_year(app, chart):
    ds, res_id, view = chart
    body = app.get("/dataset/%s/resource/%s/view/%s" % (ds["name"], res_id, view["id"])).body
    plan = plan_of(body)
    assert plan["measures"] == ["nilai"]
    latest = plan["charts"]["2024"]
    assert latest["labels"] == KECAMATAN
    assert [d["column"] for d in latest["datasets"]] == ["nilai"]
    assert latest["datasets"][0]["data"] == [1024, 2024, 3024]
    assert latest["datasets"][0]["label"] == "Jumlah penduduk (jiwa)"
    assert plan["charts"]["2023"]["datasets"][0]["data"] == [1023, 2023, 3023]
    # the heading a reader quotes, the year selector on the latest year
    assert "Jumlah Penduduk per Kecamatan, 2024" in body
    assert re.search(r'<option value="2024"\s+selected>2024</option>', body)
    assert '<label for="satudata-chart-option">Year</label>' in body
    # nothing executable inline (CSP script-src 'self')
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)

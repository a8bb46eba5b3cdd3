"""The SDI dataset and OPD organization schemas (SPEC "Metadata")."""
import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.helpers import site_context

pytestmark = pytest.mark.usefixtures("satudata_db")


def create(**data):
    return helpers.call_action("package_create", context=site_context(), **data)


def test_valid_sdi_dataset_gets_defaults(opd, sdi_dataset_dict):
    dataset = create(name="penduduk", owner_org=opd["id"], **sdi_dataset_dict)
    shown = helpers.call_action("package_show", id="penduduk")
    assert shown["topic"] == "pemerintahan_umum"
    assert shown["region_code_kemendagri"] == "35.10"
    assert shown["region_code_bps"] == "3510"
    assert shown["geographic_coverage"] == "Kabupaten Banyuwangi"
    assert shown["license_id"] == "cc-by"
    assert dataset["organization"]["name"] == "dinkes"


@pytest.mark.parametrize("field, value", [
    ("topic", "olahraga"),
    ("update_frequency", "sewindu"),
    ("presentation_level", "provinsi"),
    ("classification", "rahasia"),
    ("period_start", "tahun lalu"),
    ("period_start", "1800"),
    ("region_code_kemendagri", "3510"),
    ("region_code_bps", "35.10"),
])
def test_invalid_value_is_refused_naming_the_field(opd, sdi_dataset_dict, field, value):
    data = dict(sdi_dataset_dict, name="x-%s" % field.replace("_", "-"), owner_org=opd["id"])
    data[field] = value
    with pytest.raises(tk.ValidationError) as e:
        create(**data)
    assert list(e.value.error_dict) == [field]
    message = e.value.error_dict[field][0]
    assert value in message and " / " in message


@pytest.mark.parametrize("field", ["title", "notes", "topic", "update_frequency",
                                   "period_start", "presentation_level", "unit",
                                   "classification"])
def test_missing_required_field_is_refused_naming_it(opd, sdi_dataset_dict, field):
    data = dict(sdi_dataset_dict, name="x-missing", owner_org=opd["id"])
    del data[field]
    with pytest.raises(tk.ValidationError) as e:
        create(**data)
    assert e.value.error_dict[field] == ["Wajib diisi / Missing value"]


def test_owner_org_is_required(sdi_dataset_dict):
    with pytest.raises(tk.ValidationError) as e:
        create(name="tanpa-opd", **sdi_dataset_dict)
    assert "owner_org" in e.value.error_dict


def test_period_end_before_start_refused(opd, sdi_dataset_dict):
    with pytest.raises(tk.ValidationError) as e:
        create(name="periode", owner_org=opd["id"], **dict(sdi_dataset_dict, period_end="2020"))
    assert list(e.value.error_dict) == ["period_end"]


def test_resource_type_choice(opd, sdi_dataset_dict):
    dataset = create(name="infografis", owner_org=opd["id"], resources=[
        {"url": "http://example.com/i.png", "name": "Infografis", "resource_type": "infografis"},
        {"url": "http://example.com/d.csv", "name": "Data"}], **sdi_dataset_dict)
    assert [r["resource_type"] for r in dataset["resources"]] == ["infografis", "data"]
    with pytest.raises(tk.ValidationError):
        create(name="infografis-2", owner_org=opd["id"], resources=[
            {"url": "http://example.com/i.png", "name": "X", "resource_type": "video"}],
            **sdi_dataset_dict)


def test_organization_schema_fields():
    org = helpers.call_action(
        "organization_create", context=site_context(), name="dispendik",
        title="Dinas Pendidikan", short_name="Dispendik",
        contact_email="dispendik@banyuwangikab.go.id", contact_phone="(0333) 424400")
    shown = helpers.call_action("organization_show", id=org["id"])
    assert shown["short_name"] == "Dispendik"
    assert shown["contact_email"] == "dispendik@banyuwangikab.go.id"
    with pytest.raises(tk.ValidationError) as e:
        helpers.call_action("organization_create", context=site_context(), name="x-org",
                            title="X", contact_email="bukan-email")
    assert list(e.value.error_dict) == ["contact_email"]


def test_web_form_shows_sdi_fields_in_indonesian(app, opd):
    user = factories.User()
    helpers.call_action("organization_member_create", context=site_context(),
                        id=opd["id"], username=user["name"], role="editor")
    headers = {"Authorization": factories.APIToken(user=user["name"])["token"]}
    page = app.get("/id/dataset/new", headers=headers)
    for label in ("Topik", "Frekuensi Pemutakhiran", "Tingkat Penyajian", "Klasifikasi Data",
                  "Satuan", "Produsen Data (OPD)"):
        assert label in page.body

"""Fixtures of the data-request tests: two OPDs with members, a filed request."""
import pytest

from ckan.tests import factories, helpers

from tests.helpers import site_context
from tests.requests.helpers import ANON, RINA


@pytest.fixture
def opds(satudata_db, walidata):
    dinkes = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    dispendik = factories.Organization(name="dispendik", title="Dinas Pendidikan")
    members = {}
    for org, name in ((dinkes, "opd-dinkes"), (dispendik, "opd-dispendik")):
        members[org["name"]] = factories.User(name=name)
        helpers.call_action("organization_member_create", context=site_context(),
                            id=org["id"], username=name, role="editor")
    return dict(walidata, dinkes=dinkes, dispendik=dispendik, opd=members["dinkes"],
                other_opd=members["dispendik"], stranger=factories.User(name="tetangga"))


@pytest.fixture
def filed(opds):
    return helpers.call_action("satudata_request_create", context=ANON, **RINA)

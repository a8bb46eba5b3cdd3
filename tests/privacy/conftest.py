"""The request desk's people for the personal-data tests: the PPID desk, the
DPO, the OPD the request went to (editor, admin, read-only member), another
OPD, a stranger, and a request at that OPD with every personal field."""
import pytest

from ckan.tests import factories, helpers

import ckan.model as model
from ckanext.satudata.workflow import roles
from tests.helpers import as_user, site_context
from tests.requests.helpers import ANON

# a made-up requester; the NIK has the shape of a Banyuwangi (3510) NIK
REQUESTER = {"name": "Dewi Lestari Anggraeni", "email": "dewi.anggraeni@warga.example.org",
             "phone": "081299887766", "institution": "Lembaga Kajian Osing",
             "identity_number": "3510014509900002",
             "title": "Jumlah perahu nelayan per desa", "description": "Tahun 2023-2025",
             "purpose": "Kajian pesisir"}
NIK = REQUESTER["identity_number"]
NIK_MASKED = "3510********0002"
CONTACTS = ("name", "email", "phone", "institution")
DESK = ("staf", "subkoord", "kabid", "dpo", "sysadmin")
OPD_SIDE = ("editor", "admin", "member", "other_editor")
OTHERS = ("stranger", "anonymous")


@pytest.fixture
def people(walidata):
    return build_people(walidata)


def build_people(walidata):
    """The desk (`walidata`), the DPO, a sysadmin, the DKP's editor, admin
    and member, another OPD's editor and a stranger."""
    dinkes = factories.Organization(name="dkp", title="Dinas Kelautan dan Perikanan")
    other = factories.Organization(name="dispendik", title="Dinas Pendidikan")
    users = dict(walidata, sysadmin=factories.Sysadmin(name="admin-portal"),
                 dpo=factories.User(name="petugas-pdp"),
                 stranger=factories.User(name="tetangga"), anonymous=None, org=dinkes)
    roles.grant(users["dpo"]["id"], "dpo", None)
    model.repo.commit()
    for key, org, capacity in (("editor", dinkes, "editor"), ("admin", dinkes, "admin"),
                               ("member", dinkes, "member"),
                               ("other_editor", other, "editor")):
        users[key] = factories.User(name="opd-%s" % key.replace("_", "-"))
        helpers.call_action("organization_member_create", context=site_context(),
                            id=org["id"], username=users[key]["name"], role=capacity)
    return users


def act(user, number, transition, **kw):
    return helpers.call_action("satudata_request_transition", context=as_user(user),
                               id=number, transition=transition, **kw)


@pytest.fixture
def at_opd(people):
    """A request the Walidata sent to the DKP (SOP step 4), with its token."""
    filed = helpers.call_action("satudata_request_create", context=dict(ANON), **REQUESTER)
    number = filed["number"]
    act(people["subkoord"], number, "assign", assignee=people["staf"]["name"])
    act(people["staf"], number, "not_available", comment="Belum ada di portal")
    act(people["subkoord"], number, "escalate", organization=people["org"]["id"])
    return filed

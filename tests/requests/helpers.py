"""People and shortcuts of the data-request tests."""
from ckan.tests import factories, helpers

from ckanext.satudata.requests import rules as p
from tests.helpers import as_user

# Actors of the pure rules, one per role and relation to the request.
ACTORS = {
    "staf": p.Actor("S1", frozenset({"staf"})),
    "subkoord": p.Actor("SK", frozenset({"subkoord"})),
    "kabid": p.Actor("KB", frozenset({"kabid"})),
    "opd_target": p.Actor("O1", organization_ids=frozenset({"org-dinkes"})),
    "opd_other": p.Actor("O2", organization_ids=frozenset({"org-dispendik"})),
    "requester": p.Actor(None, is_requester=True),
    "anonymous": p.Actor(None),
}

ANON = {"user": "", "ignore_auth": False}

# Two requesters (made-up people): the form as most citizens fill it, and one
# with every optional field, for the mail and privacy tests.
RINA = {"name": "Rina Wulandari", "email": "rina@example.com",
        "phone": "+62 812 3456 7890", "institution": "Universitas Jember",
        "identity_number": "3510012345678901",
        "title": "Data stunting balita per desa", "description": "Tahun 2024-2025",
        "purpose": "Penelitian skripsi", "format": "CSV"}
SITI = {
    "name": "Siti Rahayu",
    "email": "siti.rahayu@warga.example.org",
    "phone": "+62 812-3456-7890",
    "identity_number": "3510010101900001",
    "institution": "Universitas Jember",
    "title": "Jumlah penduduk per desa 2025",
    "description": "Data jumlah penduduk per desa di Kabupaten Banyuwangi tahun 2025.",
    "purpose": "Penelitian skripsi",
}


def act(user, request, transition, **kw):
    context = as_user(user) if user is not None else dict(ANON)
    return helpers.call_action("satudata_request_transition", context=context,
                               id=request["number"], transition=transition, **kw)


def show(request, user=None, **kw):
    context = as_user(user) if user is not None else dict(ANON)
    return helpers.call_action("satudata_request_show", context=context,
                               id=request["number"], **kw)


def status(request):
    return helpers.call_action("satudata_request_show", id=request["id"])["status"]


def headers(user):
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def press(app, number, user=None, token=None, **form):
    """A button of the tracking page; returns the page it leads back to."""
    data = dict(form)
    if token:
        data["access_token"] = token
    kwargs = {"headers": headers(user)} if user else {}
    if "upload" in data:
        kwargs["content_type"] = "multipart/form-data"
    return app.post("/permintaan-data/%s/aksi" % number, data=data, **kwargs)

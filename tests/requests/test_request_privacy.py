"""Data requests (issue 9, "Trust under attack"): who sees the requester and
acts on a request, what the public reads, and the access token kept out of
URLs. Real stack: actions through call_action, pages through the Flask app."""
import re

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.helpers import as_user, site_context

pytestmark = [pytest.mark.usefixtures("satudata_db"),
              pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")]

REQUESTER = {"name": "Rina Wulandari", "email": "rina@example.com",
             "phone": "081234567890", "institution": "Universitas Jember",
             "identity_number": "3510012345678901",
             "title": "Data stunting balita per desa", "description": "Tahun 2024-2025",
             "purpose": "Penelitian skripsi"}
PERSONAL = ("Rina Wulandari", "rina@example.com", "081234567890", "Universitas Jember",
            "3510012345678901")
QUESTION = "Mohon sebutkan desa yang dimaksud."
ANSWER = "Semua desa di Kecamatan Glagah."
NOTE = "Catatan internal disposisi."
# everyone who is not the Walidata team nor an editor/admin of the target OPD
OUTSIDERS = ("anonymous", "stranger", "other_editor", "member")
INSIDERS = ("staf", "subkoord", "kabid", "sysadmin", "editor", "admin")


@pytest.fixture
def people(walidata):
    dinkes = factories.Organization(name="dinkes", title="Dinas Kesehatan")
    dispendik = factories.Organization(name="dispendik", title="Dinas Pendidikan")
    users = dict(walidata, sysadmin=factories.Sysadmin(name="admin-portal"),
                 stranger=factories.User(name="tetangga"), anonymous=None)
    for key, org, capacity in (("editor", dinkes, "editor"), ("admin", dinkes, "admin"),
                               ("member", dinkes, "member"),
                               ("other_editor", dispendik, "editor")):
        users[key] = factories.User(name="opd-%s" % key.replace("_", "-"))
        helpers.call_action("organization_member_create", context=site_context(),
                            id=org["id"], username=users[key]["name"], role=capacity)
    return users


def act(user, number, transition, **kw):
    return helpers.call_action("satudata_request_transition", context=as_user(user),
                               id=number, transition=transition, **kw)


def show(user, number, **kw):
    return helpers.call_action("satudata_request_show", context=as_user(user), id=number,
                               **kw)


def leaks(payload):
    return [value for value in PERSONAL if value in repr(payload)]


@pytest.fixture
def at_opd(people):
    """A request sent to Dinas Kesehatan, waiting for its answer (SOP step 5)."""
    filed = helpers.call_action("satudata_request_create", context=as_user(None), **REQUESTER)
    number = filed["number"]
    act(people["subkoord"], number, "assign", assignee=people["staf"]["name"], comment=NOTE)
    act(people["staf"], number, "not_available")
    act(people["subkoord"], number, "escalate", organization="dinkes")
    return filed


# -- who sees the requester -----------------------------------------------------------

@pytest.mark.parametrize("who", INSIDERS + OUTSIDERS)
def test_show_and_list_agree_on_who_sees_the_requester(people, at_opd, who):
    number = at_opd["number"]
    shown = show(people[who], number)
    listed = helpers.call_action("satudata_request_list", context=as_user(people[who]))
    entry = [r for r in listed["results"] if r["number"] == number]
    if who in ("editor", "admin"):
        # the OPD's side of the office: the request, not the requester (issue 26)
        assert shown["audience"] == "internal" and entry[0]["audience"] == "internal"
        assert not leaks(shown) and not leaks(listed), who
    elif who in INSIDERS:
        assert shown["audience"] == "internal" and shown["email"] == "rina@example.com"
        assert entry and entry[0]["audience"] == "internal"
        assert entry[0]["phone"] == "081234567890"
    else:
        assert not leaks(shown), "%s sees %s" % (who, leaks(shown))
        assert "audience" not in shown and "allowed_transitions" not in shown
        assert not leaks(listed), "%s sees %s in the list" % (who, leaks(listed))
        assert NOTE not in repr(shown) and NOTE not in repr(listed)


def test_the_token_holder_is_the_requester_not_the_office(people, at_opd):
    mine = show(None, at_opd["number"], access_token=at_opd["access_token"])
    assert mine["audience"] == "requester" and mine["email"] == "rina@example.com"
    assert NOTE not in repr(mine) and "sla" not in mine
    assert not leaks(show(people["member"], at_opd["number"], access_token="tebakan"))


# -- who acts on it -------------------------------------------------------------------------

@pytest.mark.parametrize("who", OUTSIDERS + ("staf", "subkoord", "kabid"))
def test_only_the_target_opds_editors_and_admins_answer(people, at_opd, who):
    number = at_opd["number"]
    for transition in ("opd_confirm", "opd_decline"):
        with pytest.raises(tk.NotAuthorized) as e:
            act(people[who], number, transition)
        assert " / " in str(e.value)   # bilingual
    assert show(people["staf"], number)["status"] == "di_opd"
    assert "opd_confirm" not in show(people[who], number).get("allowed_transitions", [])


@pytest.mark.parametrize("who", ("editor", "admin"))
def test_the_target_opds_editor_and_admin_answer(people, at_opd, who):
    assert "opd_confirm" in show(people[who], at_opd["number"])["allowed_transitions"]
    assert act(people[who], at_opd["number"], "opd_confirm")["status"] == "opd_menyiapkan"


def test_read_only_member_in_the_pages(app, people, at_opd):
    url = "/permintaan-data/%s" % at_opd["number"]
    member = {"Authorization": factories.APIToken(user="opd-member")["token"]}
    editor = {"Authorization": factories.APIToken(user="opd-editor")["token"]}
    page = app.get(url, headers=member, status=200).body
    assert not [v for v in PERSONAL if v in page]
    assert 'name="transition"' not in page and NOTE not in page
    app.post(url + "/aksi", headers=member, data={"transition": "opd_confirm"})
    assert show(people["staf"], at_opd["number"])["status"] == "di_opd"
    app.get("/satudata/permintaan/opd", headers=member, status=403)
    # the editor of the same OPD: the buttons and the inbox, not the requester (issue 26)
    page = app.get(url, headers=editor, status=200).body
    assert "rina@example.com" not in page and 'value="opd_confirm"' in page
    assert at_opd["number"] in app.get("/satudata/permintaan/opd", headers=editor).body
    app.post(url + "/aksi", headers=editor, data={"transition": "opd_confirm"})
    assert show(people["staf"], at_opd["number"])["status"] == "opd_menyiapkan"


# -- what the public reads ------------------------------------------------------------------

def test_clarification_is_between_requester_and_office(app, people):
    filed = helpers.call_action("satudata_request_create", context=as_user(None), **REQUESTER)
    number, token = filed["number"], filed["access_token"]
    act(people["staf"], number, "ask_clarification", comment=QUESTION)
    act(None, number, "clarify", comment=ANSWER, access_token=token)
    for who in OUTSIDERS:
        text = repr(show(people[who], number))
        assert QUESTION not in text and ANSWER not in text, who
    page = app.get("/permintaan-data/%s" % number).body
    assert QUESTION not in page and ANSWER not in page
    mine = repr(show(None, number, access_token=token))
    assert QUESTION in mine and ANSWER in mine
    office = repr(show(people["kabid"], number))
    assert QUESTION in office and ANSWER in office


def test_rejection_reason_is_public(app, people):
    filed = helpers.call_action("satudata_request_create", context=as_user(None), **REQUESTER)
    number = filed["number"]
    reason = "Informasi dikecualikan (UU 14/2008 pasal 17 huruf h: rahasia pribadi)"
    act(people["subkoord"], number, "reject", comment=reason)
    public = show(None, number)
    assert public["status"] == "ditolak"
    assert [e["comment"] for e in public["history"] if e["transition"] == "reject"] == [reason]
    page = app.get("/permintaan-data/%s" % number).body
    assert "satudata-request-reject-reason" in page and reason in page
    assert not [v for v in PERSONAL if v in page]


# -- the token leaves the URL ---------------------------------------------------------------

def test_token_is_exchanged_for_the_session_and_the_url_cleaned(app, people):
    first = helpers.call_action("satudata_request_create", context=as_user(None), **REQUESTER)
    other = helpers.call_action("satudata_request_create", context=as_user(None), **REQUESTER)
    url = "/permintaan-data/%s" % first["number"]
    browser = app.test_client()
    response = browser.get("%s?token=%s" % (url, first["access_token"]),
                           follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url)   # no token in it
    assert response.headers["Referrer-Policy"] == "no-referrer"
    page = browser.get(url, status=200)
    assert "rina@example.com" in page.body and first["access_token"] not in page.body
    assert "no-store" in page.headers["Cache-Control"]
    # scoped to that request: the same browser sees another request as the public
    assert "rina@example.com" not in browser.get("/permintaan-data/%s" % other["number"]).body
    # a token does not open another request, and is not kept for it
    response = browser.get("/permintaan-data/%s?token=%s" % (other["number"],
                                                            first["access_token"]))
    assert "does not belong to this request" in response.body
    assert "rina@example.com" not in response.body
    assert first["access_token"] not in response.request.url
    # another browser without the session sees the public page
    assert "rina@example.com" not in app.test_client().get(url).body


def test_token_typed_into_the_page_opens_it(app, people):
    filed = helpers.call_action("satudata_request_create", context=as_user(None), **REQUESTER)
    url = "/permintaan-data/%s" % filed["number"]
    browser = app.test_client()
    public = browser.get(url).body
    assert 'action="%s/token"' % url in public
    page = browser.post(url + "/token", data={"access_token": filed["access_token"]})
    assert page.request.url.endswith(url) and "rina@example.com" in page.body
    stranger = app.test_client()
    page = stranger.post(url + "/token", data={"access_token": "salah"})
    assert "does not belong to this request" in page.body
    assert "rina@example.com" not in page.body


def test_filing_in_the_browser_keeps_the_token_in_its_session(app):
    browser = app.test_client()
    form = dict(REQUESTER, website="", organization="", format="")
    page = browser.post("/permintaan-data/baru", data=form, status=200).body
    number = re.search(r"PDS-\d{4}-\d{5}", page).group(0)
    page = browser.get("/permintaan-data/%s" % number).body
    assert "rina@example.com" in page and 'value="withdraw"' in page

"""Request pages never show a raw status or step code (issue 23): the
tracking page of the requester, of the public and of the Walidata team, of
requests in several statuses, with an objection filed and decided."""
import re

import bs4
import pytest

from ckan.tests import helpers

from ckanext.satudata.requests import objection_rules, rules as p
from tests.requests.helpers import ANON, RINA, act, headers

pytestmark = [pytest.mark.usefixtures("satudata_db", "clean_redis"),
              pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")]

# the Indonesian codes a request page could leak: statuses, objection statuses
# and grounds, reject reasons (the steps' codes are English words or snake_case)
CODES = (set(p.STATUS_LABELS) | set(p.REJECT_REASONS)
         | set(objection_rules.GROUNDS) | set(objection_rules.STATUS_LABELS))
UNDERSCORED = re.compile(r"(?<![\w-])[a-z]+(?:_[a-z]+)+(?![\w-])")


def visible(html, *secrets):
    soup = bs4.BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "head"]):
        hidden.decompose()
    text = " ".join(soup.get_text(" ").split())
    for secret in secrets:
        text = text.replace(secret, "")
    return text


def raw_codes(text):
    """Codes in the text: any snake_case word, and (on an English page) the
    Indonesian one-word codes."""
    found = set(UNDERSCORED.findall(text))
    words = set(re.findall(r"[a-z]+", text))
    return found | {c for c in CODES if "_" not in c and c in words}


@pytest.fixture
def requests(opds):
    """A new request, one being checked, one rejected with an objection filed
    and decided, one waiting for the requester's clarification."""
    made = {}
    for n, key in enumerate(("baru", "diperiksa", "ditolak", "klarifikasi")):
        made[key] = helpers.call_action("satudata_request_create", context=ANON,
                                        **dict(RINA, title="Data stunting %d" % n))
    act(opds["subkoord"], made["diperiksa"], "assign", assignee=opds["staf"]["name"])
    act(opds["subkoord"], made["ditolak"], "reject", comment="Pasal 17",
        reason="dikecualikan")
    act(opds["subkoord"], made["klarifikasi"], "assign", assignee=opds["staf"]["name"])
    act(opds["staf"], made["klarifikasi"], "ask_clarification", comment="Desa yang mana?")
    return made


def requester_page(app, request):
    client = app.test_client()
    client.get("/en/permintaan-data/%s?token=%s" % (request["number"], request["access_token"]))
    return client.get("/en/permintaan-data/%s" % request["number"]).body


def test_tracking_and_staff_pages_show_no_code(app, opds, requests):
    rejected = requests["ditolak"]
    # before the objection: the requester chooses a ground, with its last day
    page = requester_page(app, rejected)
    assert "The request was rejected" in page
    assert not raw_codes(visible(page, rejected["access_token"]))

    helpers.call_action("satudata_objection_file", context=dict(ANON), id=rejected["id"],
                        ground="ditolak", reason="Bukan informasi rahasia",
                        access_token=rejected["access_token"])
    for request in requests.values():
        for who in (None, opds["staf"], opds["kabid"]):
            kw = {"headers": headers(who)} if who else {}
            page = app.get("/en/permintaan-data/%s" % request["number"], **kw).body
            assert not raw_codes(visible(page)), (request["number"], who)
        page = requester_page(app, request)
        assert not raw_codes(visible(page, request["access_token"])), request["number"]

    helpers.call_action("satudata_objection_decide",
                        context={"user": opds["kabid"]["name"], "ignore_auth": False},
                        id=rejected["id"], decision="uphold", comment="Dibuka sebagian")
    page = app.get("/en/permintaan-data/%s" % rejected["number"],
                   headers=headers(opds["staf"])).body
    text = visible(page)
    assert "Objection filed" in text and "Objection upheld" in text
    assert not raw_codes(text)
    # in Indonesian too: no snake_case code
    page = app.get("/permintaan-data/%s" % rejected["number"],
                   headers=headers(opds["staf"])).body
    assert not UNDERSCORED.findall(visible(page))

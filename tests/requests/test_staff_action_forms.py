"""The staff side of a request page (issue 23): nothing is chosen for the
user — assignee and rejection reason start at "— choose —" and are required —
and assign and reject each have their own form and button."""
import bs4
import pytest

from ckan.tests import helpers

from tests.requests.helpers import ANON, RINA, headers, press, status

pytestmark = [pytest.mark.usefixtures("satudata_db", "clean_redis"),
              pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")]


@pytest.fixture
def filed(opds):
    return helpers.call_action("satudata_request_create", context=ANON, **RINA)


def page_of(app, request, user):
    return bs4.BeautifulSoup(app.get("/permintaan-data/%s" % request["number"],
                                     headers=headers(user)).body, "html.parser")


@pytest.mark.parametrize("field, transition", [("assignee", "assign"), ("reason", "reject")])
def test_no_preselected_choice_and_its_own_button(app, opds, filed, field, transition):
    soup = page_of(app, filed, opds["subkoord"])
    select = soup.find("select", attrs={"name": field})
    assert select.has_attr("required")
    options = select.find_all("option")
    assert options[0]["value"] == "" and len(options) > 1
    assert not select.find("option", selected=True)
    form = select.find_parent("form")
    buttons = [b["value"] for b in form.find_all("button", attrs={"name": "transition"})]
    assert buttons == [transition]


def test_the_unchosen_choice_is_refused(app, opds, filed):
    number = filed["number"]
    press(app, number, opds["subkoord"], transition="assign", assignee="")
    assert status(filed) == "baru"
    page = press(app, number, opds["subkoord"], transition="reject", reason="",
                 comment="Di luar kewenangan Pemkab")
    assert status(filed) == "baru" and "Choose the reason category" in page.body
    with pytest.raises(helpers.logic.ValidationError) as refused:
        helpers.call_action("satudata_request_transition",
                            context={"user": opds["subkoord"]["name"], "ignore_auth": False},
                            id=number, transition="assign")
    assert " / " in str(refused.value.error_dict)   # Bahasa Indonesia / English
    press(app, number, opds["subkoord"], transition="reject", reason="dikecualikan",
          comment="Pasal 17 huruf a")
    assert status(filed) == "ditolak"

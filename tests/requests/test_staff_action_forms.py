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


def turn_of(app, request, user):
    found = page_of(app, request, user).select_one(".satudata-request-turn")
    return " ".join(found.get_text(" ").split()) if found is not None else None


def test_the_page_says_whose_turn_it_is_and_when_it_is_yours(app, opds, filed):
    from tests.requests.helpers import act
    # filed: the Subkoord assigns (SOP step 2); the Staf only watches
    assert turn_of(app, filed, opds["subkoord"]).startswith("Your turn.")
    assert "Statistics sub-coordinator" in turn_of(app, filed, opds["subkoord"])
    staf_sees = turn_of(app, filed, opds["staf"])
    assert not staf_sees.startswith("Your turn.")
    assert "Statistics sub-coordinator" in staf_sees and "Assigning a staff member" in staf_sees
    # assigned: the assigned Staf by name checks availability (step 3)
    act(opds["subkoord"], filed, "assign", assignee=opds["staf"]["name"])
    staf_sees = turn_of(app, filed, opds["staf"])
    assert staf_sees.startswith("Your turn.") and opds["staf"]["fullname"] in staf_sees
    assert "Checking availability" in staf_sees
    assert not turn_of(app, filed, opds["subkoord"]).startswith("Your turn.")
    # at the OPD: the OPD by name; its editor's turn, not the team's
    act(opds["staf"], filed, "not_available", comment="Tidak ada di portal")
    act(opds["subkoord"], filed, "escalate", organization="dinkes")
    assert turn_of(app, filed, opds["opd"]).startswith("Your turn.")
    assert "Dinas Kesehatan" in turn_of(app, filed, opds["opd"])
    assert not turn_of(app, filed, opds["staf"]).startswith("Your turn.")
    # the public and the requester's page say nothing of turns
    public = bs4.BeautifulSoup(app.get("/permintaan-data/%s" % filed["number"]).body,
                               "html.parser")
    assert public.select_one(".satudata-request-turn") is None

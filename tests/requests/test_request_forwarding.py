"""Forwarding a data request to another OPD and splitting it between two
(issue 13; SPEC workflow 2): the pure rules, then CKAN's real stack with the
mails read from a real SMTP sink."""
import datetime as dt

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata.requests import rules as p

from tests.helpers import as_user, site_context
from tests.helpers import run_worker
from tests.requests.helpers import ACTORS, RINA as REQUESTER, act, headers, press, show, status  # noqa: F401

ANON = {"user": "", "ignore_auth": False}


# -- the pure rules (the exhaustive state x transition x role table is in
#    test_data_requests.test_rules_every_combination) ------------------------------

def _at_opd(**kw):
    return p.Item(state=p.DI_OPD, organization_id="org-dinkes", **kw)


@pytest.mark.parametrize("item, actor, req, message", [
    (_at_opd(), "opd_target", p.Request("opd_forward", comment="", organization_id="org-x"),
     "reason"),
    (_at_opd(), "opd_target", p.Request("opd_forward", comment="bukan kami"), "forward"),
    (_at_opd(), "opd_target",
     p.Request("opd_forward", comment="bukan kami", organization_id="org-dinkes"),
     "another agency"),
    (p.Item(state=p.DITERUSKAN, organization_id="org-dinkes"), "subkoord",
     p.Request("forward"), "forward"),
    (p.Item(state=p.DITERUSKAN, organization_id="org-dinkes", forward_org_id="org-x"),
     "subkoord", p.Request("forward", organization_id="org-dinkes"), "another agency"),
    (p.Item(state=p.DITERUSKAN, organization_id="org-dinkes"), "subkoord",
     p.Request("forward_refuse"), "reason"),
    (p.Item(state=p.DITERUSKAN, organization_id="org-dinkes", forward_org_id="org-x"),
     "subkoord", p.Request("forward", split_organization_id="org-x"), "different agency"),
    (p.Item(state=p.DITERUSKAN, organization_id="org-dinkes", forward_org_id="org-x"),
     "subkoord", p.Request("forward", split_organization_id="org-dinkes"), "different"),
    (p.Item(state=p.PERLU_OPD), "subkoord",
     p.Request("escalate", has_organization=True, organization_id="org-a",
               split_organization_id="org-a"), "different agency"),
    (_at_opd(), "opd_target",
     p.Request("opd_confirm", split_organization_id="org-x"), "only when"),
])
def test_forward_and_split_inputs(item, actor, req, message):
    with pytest.raises(p.Invalid, match=message):
        p.decide(item, ACTORS[actor], req)


def test_forward_defaults_to_the_named_opd_and_split_is_allowed():
    item = p.Item(state=p.DITERUSKAN, organization_id="org-dinkes", forward_org_id="org-x")
    assert p.decide(item, ACTORS["subkoord"], p.Request("forward")) == p.DI_OPD
    assert p.decide(item, ACTORS["subkoord"],
                    p.Request("forward", split_organization_id="org-y")) == p.DI_OPD
    escalate = p.Request("escalate", has_organization=True, organization_id="org-a",
                         split_organization_id="org-b")
    assert p.decide(p.Item(state=p.PERLU_OPD), ACTORS["subkoord"], escalate) == p.DI_OPD


def test_buttons():
    assert "opd_forward" in p.allowed_transitions(_at_opd(), ACTORS["opd_target"])
    assert "opd_forward" not in p.allowed_transitions(_at_opd(), ACTORS["opd_other"])
    waiting = p.Item(state=p.DITERUSKAN, organization_id="org-dinkes", forward_org_id="org-x")
    assert {"forward", "forward_refuse"} <= set(
        p.allowed_transitions(waiting, ACTORS["subkoord"]))
    assert p.allowed_transitions(waiting, ACTORS["opd_target"]) == []


# -- through CKAN's stack ------------------------------------------------------------

@pytest.fixture
def at_dinkes(opds):
    """A request escalated to Dinkes, plus a read-only member of Dinkes and a
    third OPD (Bappeda) with an editor."""
    filed = helpers.call_action("satudata_request_create", context=ANON, **REQUESTER)
    act(opds["subkoord"], filed, "assign", assignee=opds["staf"]["name"])
    act(opds["staf"], filed, "not_available")
    act(opds["subkoord"], filed, "escalate", organization="dinkes")
    reader = factories.User(name="pembaca-dinkes")
    helpers.call_action("organization_member_create", context=site_context(),
                        id=opds["dinkes"]["id"], username=reader["name"], role="member")
    bappeda = factories.Organization(name="bappeda", title="Bappeda")
    bappeda_editor = factories.User(name="opd-bappeda")
    helpers.call_action("organization_member_create", context=site_context(),
                        id=bappeda["id"], username=bappeda_editor["name"], role="editor")
    return dict(opds, filed=filed, reader=reader, bappeda=bappeda,
                bappeda_editor=bappeda_editor)


def _refused(who, ctx, filed, transition, **kw):
    user = ctx.get(who) if who else None
    with pytest.raises((tk.NotAuthorized, tk.ValidationError)) as e:
        act(user, filed, transition, **kw)
    assert " / " in str(e.value)


OUTSIDERS = [None, "stranger", "other_opd", "reader", "staf", "kabid", "subkoord"]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_only_the_target_opd_forwards(at_dinkes, who):
    _refused(who, at_dinkes, at_dinkes["filed"], "opd_forward",
             organization="dispendik", comment="Data ada di Dispendik")
    assert status(at_dinkes["filed"]) == "di_opd"


@pytest.mark.parametrize("who", [None, "stranger", "other_opd", "reader", "opd", "staf",
                                 "kabid"])
def test_only_the_subkoord_confirms(at_dinkes, who):
    filed = at_dinkes["filed"]
    act(at_dinkes["opd"], filed, "opd_forward", organization="dispendik", comment="bukan kami")
    for transition in ("forward", "forward_refuse"):
        _refused(who, at_dinkes, filed, transition, comment="x")
    assert status(filed) == "diteruskan"


def test_requester_cannot_forward(at_dinkes):
    filed = at_dinkes["filed"]
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("satudata_request_transition", context=dict(ANON), id=filed["id"],
                            transition="opd_forward", organization="dispendik", comment="x",
                            access_token=filed["access_token"])


def test_forward_confirmed_goes_to_the_new_opd_deadline_kept(at_dinkes, smtp_sink):
    o, filed = at_dinkes, at_dinkes["filed"]
    due = show(filed)["due_date"]
    run_worker()
    before = len(smtp_sink.messages)
    proposed = act(o["opd"], filed, "opd_forward", organization="dispendik",
                   comment="Data ini dipegang Dinas Pendidikan")
    assert proposed["status"] == "diteruskan"
    assert proposed["forward_organization"] == "dispendik"
    public = show(filed)
    assert public["forwarded"] and "view" not in public
    confirmed = act(o["subkoord"], filed, "forward", comment="Benar, diteruskan")
    assert confirmed["status"] == "di_opd" and confirmed["organization"] == "dispendik"
    assert confirmed["due_date"] == due    # the legal clock is not restarted
    public = show(filed)
    assert public["forwarded"] and public["forwarded_from_organization_title"] == \
        "Dinas Kesehatan"
    assert [e["transition"] for e in public["history"]][-2:] == ["opd_forward", "forward"]
    assert all("comment" not in e for e in public["history"][-2:])   # internal notes
    internal = show(filed, o["subkoord"])
    assert internal["history"][-2]["comment"] == "Data ini dipegang Dinas Pendidikan"
    # Dinkes is done with it; Dispendik now answers
    with pytest.raises(tk.NotAuthorized):
        act(o["opd"], filed, "opd_confirm")
    assert act(o["other_opd"], filed, "opd_confirm")["status"] == "opd_menyiapkan"

    run_worker()
    new = smtp_sink.messages[before:]
    mine = [m for m in new if REQUESTER["email"] in m["to"]]
    assert mine == []      # forwarding between agencies is internal (issue 23)
    to = {r for m in new for r in m["to"]}
    assert o["subkoord"]["email"] in to                         # told of the proposal
    assert o["other_opd"]["email"] in to and o["opd"]["email"] in to   # both OPDs
    away = [m for m in new if o["opd"]["email"] in m["to"]]
    assert "Penerusan dikonfirmasi" in away[0]["subject"]
    assert "Dinas Pendidikan" in away[0]["subject"]
    # the requester's contact details go to nobody else
    for m in new:
        if REQUESTER["email"] not in m["to"]:
            assert REQUESTER["phone"] not in m["body"] and REQUESTER["email"] not in m["body"]


def test_forward_refused_stays_with_the_same_opd(at_dinkes):
    o, filed = at_dinkes, at_dinkes["filed"]
    act(o["opd"], filed, "opd_forward", organization="dispendik", comment="bukan kami")
    with pytest.raises(tk.ValidationError, match="reason"):
        act(o["subkoord"], filed, "forward_refuse")
    back = act(o["subkoord"], filed, "forward_refuse", comment="Data ada di Dinkes")
    assert back["status"] == "di_opd" and back["organization"] == "dinkes"
    assert back["forward_organization"] is None and not back["forwarded"]
    assert act(o["opd"], filed, "opd_confirm")["status"] == "opd_menyiapkan"


def test_split_at_forward_confirmation(at_dinkes, smtp_sink):
    o, filed = at_dinkes, at_dinkes["filed"]
    run_worker()
    before = len(smtp_sink.messages)
    act(o["opd"], filed, "opd_forward", organization="dispendik", comment="sebagian")
    act(o["subkoord"], filed, "forward", split_organization="bappeda")
    parent = show(filed)
    assert parent["organization"] == "dispendik" and len(parent["split_parts"]) == 1
    number = parent["split_parts"][0]
    part = helpers.call_action("satudata_request_show", context=as_user(o["subkoord"]),
                               id=number)
    assert part["status"] == "di_opd" and part["organization"] == "bappeda"
    assert part["split_from"] == filed["number"] and part["due_date"] == parent["due_date"]
    assert part["email"] == REQUESTER["email"] and part["title"] == REQUESTER["title"]
    assert "split" in [e["transition"] for e in parent["history"]]
    # only Bappeda acts on the part
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("satudata_request_transition", context=as_user(o["other_opd"]),
                            id=number, transition="opd_confirm")
    helpers.call_action("satudata_request_transition", context=as_user(o["bappeda_editor"]),
                        id=number, transition="opd_confirm")
    run_worker()
    mails = [m for m in smtp_sink.messages[before:] if number in m["subject"]]
    mine = [m for m in mails if REQUESTER["email"] in m["to"]]
    assert mine and filed["number"] in mine[0]["body"]
    token = mine[0]["body"].split("Access token: ")[1].split()[0]
    # the token mailed for the part lets the requester act on the part only
    full = helpers.call_action("satudata_request_show", context=dict(ANON), id=number,
                               access_token=token)
    assert full["view"] == "full" and full["email"] == REQUESTER["email"]
    assert "view" not in show(filed, access_token=token)
    assert any(o["bappeda_editor"]["email"] in m["to"] for m in mails)


def test_split_at_escalation(opds):
    filed = helpers.call_action("satudata_request_create", context=ANON, **REQUESTER)
    act(opds["subkoord"], filed, "assign", assignee=opds["staf"]["name"])
    act(opds["staf"], filed, "not_available")
    with pytest.raises(tk.ValidationError, match="different agency"):
        act(opds["subkoord"], filed, "escalate", organization="dinkes",
            split_organization="dinkes")
    act(opds["subkoord"], filed, "escalate", organization="dinkes",
        split_organization="dispendik")
    parts = show(filed)["split_parts"]
    assert len(parts) == 1
    part = helpers.call_action("satudata_request_show", id=parts[0])
    assert part["organization"] == "dispendik" and part["status"] == "di_opd"
    assert part["split_from"] == filed["number"]
    # each OPD's inbox holds its own part only
    listed = helpers.call_action("satudata_request_list", context=as_user(opds["other_opd"]))
    assert [r["number"] for r in listed["results"]] == parts


@pytest.mark.parametrize("who", [None, "stranger", "opd", "other_opd", "staf", "kabid"])
def test_only_the_subkoord_splits(opds, who):
    filed = helpers.call_action("satudata_request_create", context=ANON, **REQUESTER)
    act(opds["subkoord"], filed, "assign", assignee=opds["staf"]["name"])
    act(opds["staf"], filed, "not_available")
    with pytest.raises((tk.NotAuthorized, tk.ValidationError)):
        act(opds.get(who) if who else None, filed, "escalate", organization="dinkes",
            split_organization="dispendik")
    assert show(filed)["split_parts"] == []


def test_tracking_page_says_diteruskan(app, at_dinkes):
    o, filed = at_dinkes, at_dinkes["filed"]
    act(o["opd"], filed, "opd_forward", organization="dispendik", comment="catatan internal")
    act(o["subkoord"], filed, "forward")
    page = app.get("/permintaan-data/%s" % filed["number"]).body
    assert "Forwarded to another agency" in page and "Dinas Kesehatan" in page
    assert "satudata-forwarded" in page
    page_id = app.get("/id/permintaan-data/%s" % filed["number"]).body
    assert "Diteruskan ke OPD lain" in page_id
    assert "catatan internal" not in page and REQUESTER["email"] not in page


def test_forward_and_split_through_the_page_buttons(app, at_dinkes):
    o, number = at_dinkes, at_dinkes["filed"]["number"]
    url = "/permintaan-data/%s" % number
    page = app.get(url, headers=headers(o["opd"])).body
    assert 'value="opd_forward"' in page and 'id="field-forward-organization"' in page
    assert 'name="split_organization"' not in page        # only the Subkoord splits
    # a stray split field sent with the OPD's button is not carried
    press(app, number, o["opd"], transition="opd_forward", organization="dispendik",
          split_organization="bappeda", comment="Data di Dispendik")
    assert status(at_dinkes["filed"]) == "diteruskan"
    page = app.get(url, headers=headers(o["subkoord"])).body
    assert 'value="forward"' in page and 'value="forward_refuse"' in page
    assert 'name="split_organization"' in page
    assert 'value="dispendik" selected' in page     # the OPD the forward named
    press(app, number, o["subkoord"], transition="forward", organization="dispendik",
          split_organization="bappeda")
    public = show(at_dinkes["filed"])
    assert public["organization"] == "dispendik" and len(public["split_parts"]) == 1

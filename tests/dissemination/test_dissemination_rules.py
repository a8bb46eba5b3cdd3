"""The pure rules of workflow 1 (no server): every (state, transition, role)."""
import itertools

import pytest

from ckanext.satudata.dissemination import rules as d

H = "hash-1"
ACTORS = {
    "staf_assigned": d.Actor("A", frozenset({"staf"})),
    "staf_other": d.Actor("B", frozenset({"staf"})),
    "subkoord": d.Actor("S", frozenset({"subkoord"})),
    "kabid": d.Actor("K", frozenset({"kabid"})),
    "sysadmin": d.Actor("Z", frozenset(), sysadmin=True),
    "stranger": d.Actor("X"),
    "anonymous": d.Actor(None),
}
ALLOWED = {
    (d.KONSEP, "assign"): {"subkoord"},
    (d.PENYUSUNAN, "submit"): {"staf_assigned"},
    (d.DIAJUKAN, "approve"): {"subkoord"},
    (d.DIAJUKAN, "return"): {"subkoord"},
    (d.DISETUJUI_SUBKOORD, "approve"): {"kabid"},
    (d.DISETUJUI_SUBKOORD, "return"): {"kabid"},
    (d.DIKEMBALIKAN, "resume"): {"staf_assigned"},
    (d.DISETUJUI_KABID, "publish"): {"staf_assigned", "staf_other"},
}


def item(state, **kw):
    approvals = {
        d.DISETUJUI_SUBKOORD: (("subkoord", "S", H),),
        d.DISETUJUI_KABID: (("subkoord", "S", H), ("kabid", "K", H)),
    }.get(state, ())
    defaults = dict(state=state, assignee_id="A", preparer_ids=frozenset({"A"}),
                    approvals=approvals, content_hash=H, classification="terbuka")
    defaults.update(kw)
    return d.Item(**defaults)


def request(transition, **kw):
    defaults = dict(comment="catatan", assignee_id="A", assignee_roles=frozenset({"staf"}))
    defaults.update(kw)
    return d.Request(transition, **defaults)


@pytest.mark.parametrize("state, transition, actor",
                         itertools.product(d.STATES, list(d.TRANSITIONS) + ["teleport"], ACTORS))
def test_every_combination(state, transition, actor):
    expected = actor in ALLOWED.get((state, transition), set())
    try:
        to_state = d.decide(item(state), ACTORS[actor], request(transition))
    except d.Refused as e:
        assert not expected, "refused but should be allowed: %s" % e
        assert " / " in str(e)  # Bahasa Indonesia / English
    else:
        assert expected, "allowed but should be refused"
        assert to_state == d.TRANSITIONS[transition][state]


def test_the_happy_path_reaches_terbit():
    path = [("assign", "subkoord"), ("submit", "staf_assigned"), ("approve", "subkoord"),
            ("approve", "kabid"), ("publish", "staf_assigned")]
    state, approvals = d.KONSEP, ()
    for transition, actor in path:
        current = item(state, approvals=approvals)
        new_state = d.decide(current, ACTORS[actor], request(transition))
        if transition == "approve":
            approvals += ((d.approval_level(state), ACTORS[actor].user_id, H),)
        state = new_state
    assert state == d.TERBIT


def test_one_person_holding_both_roles_cannot_sign_twice():
    both = d.Actor("S", frozenset({"subkoord", "kabid"}))
    assert d.decide(item(d.DIAJUKAN), both, request("approve")) == d.DISETUJUI_SUBKOORD
    with pytest.raises(d.Refused, match="twice"):
        d.decide(item(d.DISETUJUI_SUBKOORD), both, request("approve"))


def test_preparer_never_reviews_own_work():
    staf_and_subkoord = d.Actor("A", frozenset({"staf", "subkoord", "kabid"}))
    for state in (d.DIAJUKAN, d.DISETUJUI_SUBKOORD):
        for transition in ("approve", "return"):
            with pytest.raises(d.Refused, match="prepared"):
                d.decide(item(state), staf_and_subkoord, request(transition))
    editor = d.Actor("E", frozenset({"subkoord"}))
    with pytest.raises(d.Refused, match="prepared"):
        d.decide(item(d.DIAJUKAN, preparer_ids=frozenset({"A", "E"})), editor,
                 request("approve"))


def test_return_needs_a_comment():
    with pytest.raises(d.Refused, match="comment"):
        d.decide(item(d.DIAJUKAN), ACTORS["subkoord"], request("return", comment="  "))


def test_assign_needs_a_staf_assignee():
    with pytest.raises(d.Refused, match="staf role"):
        d.decide(item(d.KONSEP), ACTORS["subkoord"],
                 request("assign", assignee_roles=frozenset({"kabid"})))
    with pytest.raises(d.Refused, match="staf role"):
        d.decide(item(d.KONSEP), ACTORS["subkoord"], request("assign", assignee_id=None))


def test_publish_needs_both_approvals_of_the_current_content():
    staf = ACTORS["staf_assigned"]
    stale = item(d.DISETUJUI_KABID, content_hash="hash-2")
    with pytest.raises(d.Refused, match="approval of this content"):
        d.decide(stale, staf, request("publish"))
    only_kabid = item(d.DISETUJUI_KABID, approvals=(("kabid", "K", H),))
    with pytest.raises(d.Refused, match="approval of this content"):
        d.decide(only_kabid, staf, request("publish"))
    same_person = item(d.DISETUJUI_KABID, approvals=(("subkoord", "S", H), ("kabid", "S", H)))
    with pytest.raises(d.Refused, match="two people"):
        d.decide(same_person, staf, request("publish"))


@pytest.mark.parametrize("classification", ["terbatas", "tertutup", None])
def test_only_terbuka_is_published(classification):
    with pytest.raises(d.Refused, match="Terbuka"):
        d.decide(item(d.DISETUJUI_KABID, classification=classification),
                 ACTORS["staf_assigned"], request("publish"))


def test_sysadmin_acts_only_when_configured_and_still_signs_once():
    sysadmin = ACTORS["sysadmin"]
    with pytest.raises(d.Refused):
        d.decide(item(d.DIAJUKAN), sysadmin, request("approve"))
    assert d.decide(item(d.DIAJUKAN), sysadmin, request("approve"),
                    sysadmin_acts_as_any_role=True) == d.DISETUJUI_SUBKOORD
    signed = item(d.DISETUJUI_SUBKOORD, approvals=(("subkoord", "Z", H),))
    with pytest.raises(d.Refused, match="twice"):
        d.decide(signed, sysadmin, request("approve"), sysadmin_acts_as_any_role=True)


def test_allowed_transitions_for_buttons():
    assert d.allowed_transitions(item(d.DIAJUKAN), ACTORS["subkoord"]) == ["approve", "return"]
    assert d.allowed_transitions(item(d.DIAJUKAN), ACTORS["kabid"]) == []
    assert d.allowed_transitions(item(d.KONSEP), ACTORS["subkoord"]) == ["assign"]


def test_every_state_has_an_sop_step():
    assert set(d.STEPS) == set(d.STATES)
    assert d.STEPS[d.DIAJUKAN].standard_minutes == 30
    assert d.STEPS[d.DISETUJUI_KABID].standard_minutes == 15


@pytest.mark.parametrize("state", d.STATES)
@pytest.mark.parametrize("actor", ACTORS)
def test_withdraw_only_live_datasets_by_a_reviewer_with_a_reason(state, actor):
    live = item(state, published=True)
    if actor in ("subkoord", "kabid"):
        assert d.decide(live, ACTORS[actor], request("withdraw")) == d.KONSEP
        with pytest.raises(d.Invalid, match="reason"):
            d.decide(live, ACTORS[actor], request("withdraw", comment="  "))
    else:
        with pytest.raises(d.NotAllowed):
            d.decide(live, ACTORS[actor], request("withdraw"))
    with pytest.raises(d.Refused):   # never a concept that was not published
        d.decide(item(state), ACTORS[actor], request("withdraw"))


@pytest.mark.parametrize("state", [s for s in d.STATES if s != d.TERBIT])
@pytest.mark.parametrize("actor", ACTORS)
def test_discard_a_pending_revision_by_its_author_or_the_subkoord(state, actor):
    pending = item(state, published=True, revision_by="B")
    if actor in ("subkoord", "staf_other"):    # staf_other (B) wrote it
        assert d.decide(pending, ACTORS[actor], request("discard")) == d.TERBIT
    else:
        with pytest.raises(d.NotAllowed):
            d.decide(pending, ACTORS[actor], request("discard"))
    with pytest.raises(d.Refused):   # nothing live, nothing to discard
        d.decide(item(state, revision_by="B"), ACTORS[actor], request("discard"))

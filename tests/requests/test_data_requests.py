"""Workflow 2, Layanan Permintaan Data Sektoral: the pure rules, both SOP
branches through the actions, OPD scoping, the requester's token, privacy and
the UU 14/2008 deadline."""
import datetime as dt
import itertools

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata.requests import rules as p

from tests.helpers import SdiDataset, as_user, site_context, walk
from tests.requests.helpers import ACTORS, ANON, RINA as REQUESTER, act, show, status

# -- the pure module ---------------------------------------------------------------

WHO = {
    "assign": {"subkoord"}, "deliver": {"staf"}, "not_available": {"staf"},
    "escalate": {"subkoord"}, "opd_confirm": {"opd_target"}, "opd_decline": {"opd_target"},
    "opd_send": {"opd_target"}, "handover": {"subkoord"}, "close_unavailable": {"subkoord"},
    "reject": {"subkoord"}, "ask_clarification": {"staf", "subkoord", "kabid"},
    "clarify": {"requester"}, "withdraw": {"requester"}, "extend": {"subkoord", "kabid"},
    "opd_forward": {"opd_target"}, "forward": {"subkoord"}, "forward_refuse": {"subkoord"},
}
EXPECTED_MOVES = {
    ("assign", p.BARU): p.DIPERIKSA,
    ("deliver", p.DIPERIKSA): p.SELESAI, ("deliver", p.SIAP_DIKIRIM): p.SELESAI,
    ("not_available", p.DIPERIKSA): p.PERLU_OPD, ("escalate", p.PERLU_OPD): p.DI_OPD,
    ("opd_confirm", p.DI_OPD): p.OPD_MENYIAPKAN, ("opd_decline", p.DI_OPD): p.TIDAK_ADA_DATA,
    ("opd_send", p.OPD_MENYIAPKAN): p.DATA_DITERIMA,
    ("handover", p.DATA_DITERIMA): p.SIAP_DIKIRIM,
    ("close_unavailable", p.TIDAK_ADA_DATA): p.DITUTUP,
    ("reject", p.BARU): p.DITOLAK, ("reject", p.DIPERIKSA): p.DITOLAK,
    ("ask_clarification", p.BARU): p.MENUNGGU_KLARIFIKASI,
    ("ask_clarification", p.DIPERIKSA): p.MENUNGGU_KLARIFIKASI,
    ("ask_clarification", p.PERLU_OPD): p.MENUNGGU_KLARIFIKASI,
    ("clarify", p.MENUNGGU_KLARIFIKASI): p.DIPERIKSA,   # previous_state below
    ("opd_forward", p.DI_OPD): p.DITERUSKAN, ("forward", p.DITERUSKAN): p.DI_OPD,
    ("forward_refuse", p.DITERUSKAN): p.DI_OPD,
}
EXPECTED_MOVES.update({("withdraw", s): p.DIBATALKAN for s in p.OPEN})
EXPECTED_MOVES.update({("extend", s): s for s in p.OPEN if s != p.MENUNGGU_KLARIFIKASI})


def _item(state):
    return p.Item(state=state, assignee_id="S1", organization_id="org-dinkes",
                  previous_state=p.DIPERIKSA, has_received_data=True)


def _request(transition):
    return p.Request(transition, comment="alasan", assignee_roles=frozenset({"staf"}),
                     has_assignee=True, has_organization=True, has_data=True,
                     organization_id="org-dispendik")


@pytest.mark.parametrize("state, transition, actor",
                         itertools.product(p.STATES, list(p.TRANSITIONS), ACTORS))
def test_rules_every_combination(state, transition, actor):
    expected = EXPECTED_MOVES.get((transition, state))
    allowed = expected is not None and actor in WHO[transition]
    try:
        result = p.decide(_item(state), ACTORS[actor], _request(transition))
    except p.Refused as e:
        assert not allowed, "refused but should be allowed: %s" % e
        assert " / " in str(e)
    else:
        assert allowed, "allowed but should be refused"
        assert result == expected


@pytest.mark.parametrize("transition, state, request_kw, message", [
    ("reject", p.BARU, {"comment": " "}, "reason"),
    ("extend", p.DIPERIKSA, {"comment": ""}, "reason"),
    ("clarify", p.MENUNGGU_KLARIFIKASI, {"comment": ""}, "reason"),
    ("assign", p.BARU, {"assignee_roles": frozenset({"kabid"})}, "staf role"),
    ("escalate", p.PERLU_OPD, {"has_organization": False}, "agency"),
    ("opd_send", p.OPD_MENYIAPKAN, {"has_data": False}, "file"),
    ("deliver", p.DIPERIKSA, {"has_data": False}, "published"),
])
def test_rules_inputs(transition, state, request_kw, message):
    actor = next(ACTORS[a] for a in WHO[transition])
    kw = dict(comment="alasan", assignee_roles=frozenset({"staf"}), has_assignee=True,
              has_organization=True, has_data=True)
    kw.update(request_kw)
    with pytest.raises(p.Invalid, match=message):
        p.decide(_item(state), actor, p.Request(transition, **kw))


def test_rules_extension_only_once():
    item = p.Item(state=p.DIPERIKSA, extended=True)
    with pytest.raises(p.Invalid, match="only once"):
        p.decide(item, ACTORS["kabid"], _request("extend"))


def test_rules_deliver_after_handover_uses_received_data():
    item = p.Item(state=p.SIAP_DIKIRIM, has_received_data=True)
    assert p.decide(item, ACTORS["staf"], p.Request("deliver")) == p.SELESAI
    with pytest.raises(p.Invalid):
        p.decide(p.Item(state=p.SIAP_DIKIRIM), ACTORS["staf"], p.Request("deliver"))


def test_every_state_has_an_sop_step():
    assert set(p.STEPS) == set(p.STATES)
    assert [p.STEPS[s].standard_minutes for s in (p.BARU, p.DIPERIKSA, p.PERLU_OPD, p.DI_OPD,
                                                  p.OPD_MENYIAPKAN, p.DATA_DITERIMA,
                                                  p.SIAP_DIKIRIM, p.TIDAK_ADA_DATA)] == \
        [10, 30, 120, 30, 30, 15, 15, 30]
    assert p.STEPS[p.DITERUSKAN].standard_minutes == 120   # step 4 again


# -- through CKAN's stack ------------------------------------------------------------

class TestBranches:
    def test_created_at_once_with_number_due_date_and_token(self, filed):
        year = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).year
        assert filed["number"] == "PDS-%d-00001" % year
        assert filed["status"] == "baru" and filed["access_token"]
        assert filed["tracking_url"].endswith("/permintaan-data/" + filed["number"])
        due = dt.date.fromisoformat(filed["due_date"])
        assert due > dt.date.today()

    def test_available_branch(self, opds, filed):
        dataset = SdiDataset(name="stunting", owner_org=opds["dinkes"]["id"])
        walk(dataset["id"], opds)
        act(opds["subkoord"], filed, "assign", assignee=opds["staf"]["name"])
        done = act(opds["staf"], filed, "deliver", dataset="stunting",
                   comment="Data tersedia di portal")
        assert done["status"] == "selesai"
        public = show(filed)
        assert public["delivered"]["dataset"] == "stunting"
        assert [e["transition"] for e in public["history"]] == ["create", "assign", "deliver"]

    def test_opd_branch_with_data(self, opds, filed):
        act(opds["subkoord"], filed, "assign", assignee=opds["staf"]["name"])
        act(opds["staf"], filed, "not_available")
        act(opds["subkoord"], filed, "escalate", organization="dinkes")
        act(opds["opd"], filed, "opd_confirm")
        dataset = SdiDataset(name="stunting-desa", owner_org=opds["dinkes"]["id"],
                             resources=[{"url": "http://example.com/s.csv", "name": "S"}])
        walk(dataset["id"], opds)
        resource_url = "http://test.ckan.net/dataset/stunting-desa/resource/%s" % \
            dataset["resources"][0]["id"]
        act(opds["opd"], filed, "opd_send", resource_url=resource_url)
        act(opds["subkoord"], filed, "handover")
        done = act(opds["staf"], filed, "deliver")
        assert done["status"] == "selesai"
        assert show(filed)["delivered"]["resource_url"] == resource_url

    def test_opd_branch_without_data(self, opds, filed):
        act(opds["subkoord"], filed, "assign", assignee=opds["staf"]["name"])
        act(opds["staf"], filed, "not_available")
        act(opds["subkoord"], filed, "escalate", organization="dinkes")
        act(opds["opd"], filed, "opd_decline", comment="Belum pernah dikumpulkan")
        closed = act(opds["subkoord"], filed, "close_unavailable",
                     comment="Data tidak tersedia di OPD")
        assert closed["status"] == "ditutup"
        assert show(filed)["closed_at"]

    def test_reject_needs_a_reason(self, opds, filed):
        with pytest.raises(tk.ValidationError, match="reason"):
            act(opds["subkoord"], filed, "reject")
        act(opds["subkoord"], filed, "reject", comment="Di luar kewenangan daerah")
        public = show(filed)
        assert public["status"] == "ditolak"
        assert public["history"][-1]["comment"] == "Di luar kewenangan daerah"

    def test_only_published_data_is_delivered(self, opds, filed):
        draft = SdiDataset(name="belum-terbit", owner_org=opds["dinkes"]["id"])
        act(opds["subkoord"], filed, "assign", assignee=opds["staf"]["name"])
        with pytest.raises(tk.ValidationError) as e:
            act(opds["staf"], filed, "deliver", dataset=draft["name"])
        assert "dataset" in e.value.error_dict
        with pytest.raises(tk.ValidationError) as e:
            act(opds["staf"], filed, "deliver", resource_url="http://evil.example.com/x.csv")
        assert "resource_url" in e.value.error_dict
        assert status(filed) == "diperiksa"


class TestWhoMayAct:
    @pytest.mark.parametrize("who", ["staf", "kabid", "opd", "stranger", None])
    def test_only_subkoord_assigns(self, opds, filed, who):
        with pytest.raises(tk.NotAuthorized):
            act(opds.get(who) if who else None, filed, "assign",
                assignee=opds["staf"]["name"])
        assert status(filed) == "baru"

    def test_only_the_target_opd_answers(self, opds, filed):
        act(opds["subkoord"], filed, "assign", assignee=opds["staf"]["name"])
        act(opds["staf"], filed, "not_available")
        act(opds["subkoord"], filed, "escalate", organization="dinkes")
        for outsider in (opds["other_opd"], opds["stranger"], opds["staf"], None):
            with pytest.raises(tk.NotAuthorized):
                act(outsider, filed, "opd_confirm")
        act(opds["opd"], filed, "opd_confirm")

    def test_requester_acts_with_the_token_only(self, opds, filed):
        act(opds["staf"], filed, "ask_clarification", comment="Desa mana saja?")
        with pytest.raises(tk.NotAuthorized):
            act(None, filed, "clarify", comment="Semua desa")
        with pytest.raises(tk.NotAuthorized):
            act(None, filed, "clarify", comment="Semua desa", access_token="salah")
        back = act(None, filed, "clarify", comment="Semua desa",
                   access_token=filed["access_token"])
        assert back["status"] == "baru"
        with pytest.raises(tk.NotAuthorized):
            act(opds["stranger"], filed, "withdraw")
        assert act(None, filed, "withdraw", access_token=filed["access_token"])["status"] \
            == "dibatalkan"
        with pytest.raises(tk.ValidationError):
            act(None, filed, "withdraw", access_token=filed["access_token"])

    def test_registered_requester_acts_without_token(self, opds):
        citizen = factories.User(name="warga-terdaftar")
        filed = helpers.call_action("satudata_request_create", context=as_user(citizen),
                                    **REQUESTER)
        assert act(citizen, filed, "withdraw")["status"] == "dibatalkan"


class TestDeadlines:
    def test_extension_once_with_reason(self, opds, filed):
        before = dt.date.fromisoformat(show(filed, opds["kabid"])["due_date"])
        with pytest.raises(tk.ValidationError, match="reason"):
            act(opds["kabid"], filed, "extend")
        extended = act(opds["kabid"], filed, "extend", comment="Data masih dihimpun OPD")
        after = dt.date.fromisoformat(extended["due_date"])
        assert extended["deadline"]["extended"] is True
        assert 9 <= (after - before).days <= 15   # 7 working days
        with pytest.raises(tk.ValidationError, match="only once"):
            act(opds["subkoord"], filed, "extend", comment="lagi")
        with pytest.raises(tk.NotAuthorized):
            act(opds["staf"], filed, "extend", comment="staf tidak boleh")

    def test_clarification_restarts_the_legal_clock(self, opds, monkeypatch):
        """UU 14/2008: the 10 working days run again from the day the
        clarification arrives (a frozen clock in October 2026, a month without
        national holidays, so the dates are plain working-day counts)."""
        from ckanext.satudata.workflow import clock
        wib = dt.timezone(dt.timedelta(hours=7))
        now = {"t": dt.datetime(2026, 10, 5, 9, 0, tzinfo=wib)}          # Monday
        monkeypatch.setattr(clock, "now", lambda: now["t"])
        filed = helpers.call_action("satudata_request_create", context=dict(ANON), **REQUESTER)
        assert filed["due_date"] == "2026-10-19"                          # 10 working days
        now["t"] = dt.datetime(2026, 10, 6, 9, 0, tzinfo=wib)
        act(opds["subkoord"], filed, "ask_clarification", comment="Mohon rinci")
        paused = show(filed, opds["subkoord"])
        assert paused["deadline"]["paused"] is True and paused["deadline"]["overdue"] is False
        now["t"] = dt.datetime(2026, 10, 12, 10, 0, tzinfo=wib)            # next Monday
        clarified = act(None, filed, "clarify", comment="Rincian terlampir",
                        access_token=filed["access_token"])
        assert clarified["status"] == "baru"
        assert clarified["due_date"] == "2026-10-26"                      # from 12 October


class TestPrivacy:
    PERSONAL = ("Rina Wulandari", "rina@example.com", "812 3456", "3510012345678901",
                "Universitas Jember")

    def _leaks(self, payload):
        text = repr(payload)
        return [value for value in self.PERSONAL if value in text]

    def test_show_and_list_matrix(self, opds, filed):
        act(opds["subkoord"], filed, "assign", assignee=opds["staf"]["name"])
        act(opds["staf"], filed, "not_available")
        act(opds["subkoord"], filed, "escalate", organization="dinkes")
        # the OPD answers from the request's text, not its contacts (issue 26)
        may_see = {"staf": True, "subkoord": True, "kabid": True, "opd": False,
                   "other_opd": False, "stranger": False, None: False}
        for who, allowed in may_see.items():
            user = opds[who] if who else None
            shown = show(filed, user)
            context = as_user(user) if user else dict(ANON)
            listed = helpers.call_action("satudata_request_list", context=context)
            if allowed:
                assert shown["email"] == "rina@example.com", who
                assert "rina@example.com" in repr(listed), who  # full view in lists too
            else:
                assert not self._leaks(shown), "%s sees contact details" % who
                assert not self._leaks(listed), "%s sees contact details in list" % who
        assert show(filed, access_token=filed["access_token"])["email"] == "rina@example.com"
        assert not self._leaks(show(filed, access_token="tebakan"))

    def test_opd_sees_only_its_own_requests(self, opds, filed):
        other = helpers.call_action("satudata_request_create", context=ANON,
                                    **dict(REQUESTER, title="Data APS per kecamatan"))
        for request, org in ((filed, "dinkes"), (other, "dispendik")):
            act(opds["subkoord"], request, "assign", assignee=opds["staf"]["name"])
            act(opds["staf"], request, "not_available")
            act(opds["subkoord"], request, "escalate", organization=org)
        mine = helpers.call_action("satudata_request_list", context=as_user(opds["opd"]))
        assert [r["number"] for r in mine["results"]] == [filed["number"]]
        staff = helpers.call_action("satudata_request_list", context=as_user(opds["staf"]))
        assert staff["count"] == 2
        public = helpers.call_action("satudata_request_list", context=dict(ANON))
        assert public["count"] == 2 and not self._leaks(public)

    def test_public_history_hides_who_and_internal_notes(self, opds, filed):
        act(opds["subkoord"], filed, "assign", assignee=opds["staf"]["name"],
            comment="catatan internal disposisi")
        public = show(filed)
        assert "catatan internal" not in repr(public)
        assert opds["staf"]["name"] not in repr(public)
        full = show(filed, opds["kabid"])
        assert full["history"][-1]["comment"] == "catatan internal disposisi"


class TestValidation:
    @pytest.mark.parametrize("field, value", [
        ("email", "bukan-email"), ("title", "x" * 201), ("name", ""),
        ("purpose", None), ("phone", "abc"), ("identity_number", "123"),
        ("organization", "tidak-ada"), ("website", "http://spam.example.com"),
    ])
    def test_bad_input(self, opds, field, value):
        data = dict(REQUESTER)
        if value is None:
            del data[field]
        else:
            data[field] = value
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action("satudata_request_create", context=ANON, **data)
        assert field in e.value.error_dict
        assert " / " in e.value.error_dict[field][0]
        assert helpers.call_action("satudata_request_list")["count"] == 0

    def test_unknown_request_and_transition(self, opds, filed):
        with pytest.raises(tk.ObjectNotFound):
            helpers.call_action("satudata_request_show", id="PDS-1999-00001")
        with pytest.raises(tk.ValidationError):
            act(opds["subkoord"], filed, "teleport")


def test_empty_upload_is_not_data(opds, filed):
    import io
    from werkzeug.datastructures import FileStorage
    act(opds["subkoord"], filed, "assign", assignee=opds["staf"]["name"])
    act(opds["staf"], filed, "not_available")
    act(opds["subkoord"], filed, "escalate", organization="dinkes")
    act(opds["opd"], filed, "opd_confirm")
    for empty in (FileStorage(io.BytesIO(b""), filename=""),
                  FileStorage(io.BytesIO(b""), filename="kosong.csv")):
        with pytest.raises(tk.ValidationError) as e:
            act(opds["opd"], filed, "opd_send", upload=empty)
        assert "upload" in e.value.error_dict
    assert status(filed) == "opd_menyiapkan"


def test_requester_view_has_no_internal_details(opds, filed):
    act(opds["subkoord"], filed, "assign", assignee=opds["staf"]["name"],
        comment="catatan internal")
    mine = show(filed, access_token=filed["access_token"])
    assert mine["email"] == "rina@example.com" and mine["audience"] == "requester"
    assert "catatan internal" not in repr(mine) and opds["staf"]["name"] not in repr(mine)
    assert "sla" not in mine and "assignee" not in mine
    assert show(filed, opds["staf"])["audience"] == "internal"


def test_opd_data_becomes_a_dataset_in_konsep(opds, filed):
    import io
    from werkzeug.datastructures import FileStorage
    act(opds["subkoord"], filed, "assign", assignee=opds["staf"]["name"])
    act(opds["staf"], filed, "not_available")
    act(opds["subkoord"], filed, "escalate", organization="dinkes")
    act(opds["opd"], filed, "opd_confirm")
    sdi = {"name": "stunting-per-desa", "title": "Balita Stunting per Desa",
           "notes": "Data contoh (sample data).", "topic": "perlindungan_sosial_kesehatan",
           "update_frequency": "tahunan", "period_start": "2025",
           "presentation_level": "desa", "unit": "balita", "classification": "terbuka"}
    with pytest.raises(tk.ValidationError):   # nothing received yet
        helpers.call_action("satudata_request_dataset_create",
                            context=as_user(opds["staf"]), request=filed["number"], **sdi)
    act(opds["opd"], filed, "opd_send",
        upload=FileStorage(io.BytesIO(b"desa,balita\nKemiren,9\n"), filename="stunting.csv"))
    for outsider in (opds["opd"], opds["stranger"], None):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("satudata_request_dataset_create", context=as_user(outsider),
                                request=filed["number"], **sdi)
    dataset = helpers.call_action("satudata_request_dataset_create",
                                  context=as_user(opds["staf"]), request=filed["number"], **sdi)
    assert dataset["private"] is True and dataset["owner_org"] == opds["dinkes"]["id"]
    assert filed["number"] in dataset["notes"]
    assert dataset["resources"][0]["url_type"] == "upload"
    assert helpers.call_action("satudata_dataset_workflow_show",
                               id=dataset["id"])["state"] == "konsep"
    assert show(filed, opds["staf"])["derived_dataset"] == "stunting-per-desa"
    assert "stunting-per-desa" not in repr(show(filed))   # internal link, not public
    with pytest.raises(tk.ValidationError):   # once
        helpers.call_action("satudata_request_dataset_create", context=as_user(opds["staf"]),
                            request=filed["number"], **dict(sdi, name="lagi"))

"""A granted restriction has a technical effect (issue 26, UU 27/2022 Pasal
11): while it is in force the PPID staff roles (staf, subkoord, kabid) see
none of the requester's contacts on any page or API answer, the staff page
and the board say the data is restricted, no staff access is logged (nothing
was shown), no workflow mail reaches the requester (only the rights
request's own); the DPO still sees it (and is logged). Lifting it restores
all of it. The DPO's answers reach the requester by mail, in both languages,
through the outbox and the background job."""
import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.satudata.model import outbox
from ckanext.satudata.privacy.log import access_log
from tests.helpers import as_user, run_worker
from tests.privacy.conftest import CONTACTS, NIK, REQUESTER, act

pytestmark = [pytest.mark.usefixtures("satudata_db"),
              pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")]

STAFF = ("staf", "subkoord", "kabid")


def file_right(filed, kind, detail=""):
    return helpers.call_action("satudata_rights_request_file", context=as_user(None),
                               id=filed["number"], access_token=filed["access_token"],
                               kind=kind, detail=detail)


def answer(people, filed, item, decision, comment, **kw):
    return helpers.call_action("satudata_rights_request_answer", context=as_user(people["dpo"]),
                               id=filed["number"], item=item["id"], decision=decision,
                               comment=comment, **kw)


def restrict(people, filed):
    item = file_right(filed, "pembatasan", "Jangan gunakan data kontak saya")
    answer(people, filed, item, "dijawab", "Pemrosesan data kontak Anda dibatasi")
    return item


def show(user, number):
    return helpers.call_action("satudata_request_show", context=as_user(user), id=number)


def headers(user):
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def log_rows(number):
    model.Session.remove()
    return model.Session.execute(sa.select(access_log).where(
        access_log.c.request_number == number).order_by(access_log.c.id)).all()


def contacts_in(text):
    return [REQUESTER[k] for k in CONTACTS if REQUESTER[k] in text] + (
        [NIK] if NIK in text else [])


def test_restricted_data_is_hidden_from_the_staff_roles_and_restored_on_lifting(
        app, people, at_opd):
    number = at_opd["number"]
    item = restrict(people, at_opd)
    before = len(log_rows(number))
    for who in STAFF:
        view = show(people[who], number)
        assert view["personal_data_restricted"] is True, who
        assert not set(CONTACTS + ("identity_number",)) & set(view), who
        assert not contacts_in(repr(view)), who
        page = app.get("/permintaan-data/%s" % number, headers=headers(people[who])).body
        assert "satudata-personal-restricted" in page and not contacts_in(page), who
        listed = helpers.call_action("satudata_request_list", context=as_user(people[who]))
        assert not contacts_in(repr(listed)), who
    board = app.get("/satudata/permintaan", headers=headers(people["subkoord"])).body
    assert number in board and "satudata-personal-restricted" in board
    assert not contacts_in(board)
    # nothing personal was shown to the staff: no access-log row for them
    assert len(log_rows(number)) == before
    # the DPO (and a sysadmin) still see it, and their views are logged
    for who in ("dpo", "sysadmin"):
        view = show(people[who], number)
        assert view["personal_data_restricted"] is True
        assert view["email"] == REQUESTER["email"] and view["phone"] == REQUESTER["phone"]
    dpo_page = app.get("/permintaan-data/%s" % number, headers=headers(people["dpo"])).body
    assert "satudata-personal-restricted" in dpo_page and REQUESTER["email"] in dpo_page
    new = log_rows(number)[before:]
    assert [r.actor_name for r in new] == ["petugas-pdp", "admin-portal", "petugas-pdp"]
    assert all("email" in r.fields for r in new)
    # the OPD never saw it anyway, and the history it reads has no rights events
    assert not contacts_in(repr(show(people["editor"], number)))

    # lifting restores the desk's view, the board and the logging
    lifted = helpers.call_action("satudata_rights_restriction_lift",
                                 context=as_user(people["dpo"]), id=number, item=item["id"],
                                 comment="Alasan pembatasan sudah tidak ada")
    assert lifted["lifted_at"] and lifted["in_force"] is False
    before = len(log_rows(number))
    view = show(people["kabid"], number)
    assert view["personal_data_restricted"] is False and view["email"] == REQUESTER["email"]
    board = app.get("/satudata/permintaan", headers=headers(people["subkoord"])).body
    assert REQUESTER["institution"] in board and "satudata-personal-restricted" not in board
    assert [r.actor_name for r in log_rows(number)[before:]] == ["kabid-walidata",
                                                                "subkoord-walidata"]


def test_a_refused_restriction_changes_nothing(people, at_opd):
    item = file_right(at_opd, "pembatasan", "Jangan hubungi saya")
    # filed, not granted yet: the desk still sees the contacts
    assert show(people["staf"], at_opd["number"])["email"] == REQUESTER["email"]
    answer(people, at_opd, item, "ditolak", "Kontak diperlukan untuk menjawab permintaan")
    view = show(people["staf"], at_opd["number"])
    assert view["personal_data_restricted"] is False and view["identity_number"] == NIK
    with pytest.raises(Exception) as e:   # nothing in force to lift
        helpers.call_action("satudata_rights_restriction_lift", context=as_user(people["dpo"]),
                            id=at_opd["number"], item=item["id"], comment="x")
    assert "ValidationError" in type(e.value).__name__


@pytest.mark.parametrize("who", ("staf", "kabid", "editor", "stranger", "anonymous"))
def test_only_the_dpo_or_the_requester_lift_it(people, at_opd, who):
    item = restrict(people, at_opd)
    with pytest.raises(Exception) as e:
        helpers.call_action("satudata_rights_restriction_lift", context=as_user(people[who]),
                            id=at_opd["number"], item=item["id"], comment="buka",
                            access_token="tebakan")
    assert "NotAuthorized" in type(e.value).__name__
    by_requester = helpers.call_action(
        "satudata_rights_restriction_lift", context=as_user(None), id=at_opd["number"],
        item=item["id"], access_token=at_opd["access_token"])
    assert by_requester["in_force"] is False


def _requester_mails(smtp_sink):
    run_worker()
    return smtp_sink.to(REQUESTER["email"])


def test_no_workflow_mail_reaches_a_restricted_requester(smtp_sink, people, at_opd):
    number = at_opd["number"]
    _requester_mails(smtp_sink)
    smtp_sink.messages.clear()
    item = restrict(people, at_opd)
    granted = _requester_mails(smtp_sink)
    assert len(granted) == 1 and number in granted[0]["subject"]   # about the right itself
    # the deadline is extended: the requester would be told, not now
    act(people["kabid"], number, "extend", comment="Data tersebar di beberapa bidang")
    assert len(_requester_mails(smtp_sink)) == 1
    model.Session.remove()
    kinds = model.Session.execute(sa.select(outbox.c.kind).where(
        outbox.c.recipient == REQUESTER["email"])).scalars().all()
    assert "request_extended" not in kinds
    # the staff still get theirs (the workflow goes on)
    helpers.call_action("satudata_rights_restriction_lift", context=as_user(None), id=number,
                        item=item["id"], access_token=at_opd["access_token"])
    mails = _requester_mails(smtp_sink)
    assert len(mails) == 2 and "dicabut" in mails[1]["subject"]
    assert "lifted" in mails[1]["subject"]
    # lifted: the request's mails reach the requester again
    act(people["editor"], number, "opd_decline", comment="Tidak ada")
    act(people["subkoord"], number, "close_unavailable", comment="Tidak tersedia")
    mails = _requester_mails(smtp_sink)
    assert len(mails) == 3 and "tidak tersedia" in mails[2]["subject"]


def test_the_requester_is_mailed_the_answer_in_both_languages(smtp_sink, people, at_opd):
    number = at_opd["number"]
    _requester_mails(smtp_sink)
    smtp_sink.messages.clear()
    correction = file_right(at_opd, "koreksi", "Nomor telepon saya 081211112222")
    assert _requester_mails(smtp_sink) == []   # filing: the page says it, the DPO is told
    answer(people, at_opd, correction, "dijawab", "Nomor telepon sudah diperbaiki",
           phone="081211112222")
    done = _requester_mails(smtp_sink)
    assert len(done) == 1
    subject, body = done[0]["subject"], done[0]["body"]
    assert subject.startswith("[%s]" % number)
    assert "telah dipenuhi" in subject and "is done" in subject
    assert "Nomor telepon sudah diperbaiki" in body and "Keterangan:" in body and "Note:" in body
    assert "Yth. %s" % REQUESTER["name"] in body and "Dear %s" % REQUESTER["name"] in body
    # their private page of their data, and the tracking page for the token
    assert "http://test.ckan.net/permintaan-data/%s/data-saya" % number in body
    assert "http://test.ckan.net/permintaan-data/%s\n" % number in body
    assert "pembatasan" not in subject.lower()

    restriction = file_right(at_opd, "pembatasan", "Batasi alamat surel saya")
    answer(people, at_opd, restriction, "ditolak",
           "Alamat surel diperlukan untuk mengirim jawaban (UU 14/2008)")
    refused = _requester_mails(smtp_sink)[1]
    assert "ditolak" in refused["subject"] and "was refused" in refused["subject"]
    assert "Alasan: Alamat surel diperlukan" in refused["body"]
    assert "Reason: Alamat surel diperlukan" in refused["body"]
    # the mails are the requester's: in their copy, through the outbox
    copy = helpers.call_action("satudata_personal_data_copy", context=as_user(None),
                               id=number, access_token=at_opd["access_token"])
    assert sum(1 for m in copy["mails"] if "[%s]" % number in m["subject"]
               and ("dipenuhi" in m["subject"] or "ditolak" in m["subject"])) == 2
    assert all(m["sent_at"] for m in copy["mails"])


def test_a_corrected_address_gets_the_answer(smtp_sink, people, at_opd):
    item = file_right(at_opd, "koreksi", "Surel saya kini dewi@baru.example.org")
    run_worker()
    smtp_sink.messages.clear()
    answer(people, at_opd, item, "dijawab", "Alamat surel diperbarui",
           email="dewi@baru.example.org")
    run_worker()
    assert smtp_sink.to(REQUESTER["email"]) == []
    assert len(smtp_sink.to("dewi@baru.example.org")) == 1


def test_the_requester_lifts_it_on_their_page_and_the_dpo_desk_lists_it(app, people, at_opd):
    number = at_opd["number"]
    item = restrict(people, at_opd)
    desk = app.get("/satudata/privasi", headers=headers(people["dpo"])).body
    assert "satudata-restrictions" in desk and number in desk
    browser = app.test_client(use_cookies=True)
    browser.get("/permintaan-data/%s?token=%s" % (number, at_opd["access_token"]))
    page = browser.get("/permintaan-data/%s/data-saya" % number).body
    lift_url = "/permintaan-data/%s/hak/%s/cabut" % (number, item["id"])
    assert lift_url in page
    import re
    csrf = re.search(r'name="_csrf_token" value="([^"]+)"', page)
    data = {"_csrf_token": csrf.group(1)} if csrf else {}
    assert browser.post(lift_url, data=data, follow_redirects=False).status_code == 302
    assert show(people["staf"], number)["email"] == REQUESTER["email"]
    assert number not in app.get("/satudata/privasi", headers=headers(people["dpo"])).body \
        .split("satudata-restrictions")[1].split("</table>")[0]
    # someone else's browser cannot lift a restriction
    item = restrict(people, at_opd)
    assert app.post("/permintaan-data/%s/hak/%s/cabut" % (number, item["id"]),
                    status=403).status_code == 403
    assert show(people["staf"], number)["personal_data_restricted"] is True


@pytest.mark.ckan_config("WTF_CSRF_ENABLED", True)
def test_a_cross_site_post_does_not_act_for_the_requester(app, people, at_opd):
    """The requester's browser holds their token in its session, and CKAN lets
    anonymous POSTs through CSRF: the rights forms need the CSRF token."""
    import re
    number = at_opd["number"]
    item = restrict(people, at_opd)
    browser = app.test_client(use_cookies=True)
    browser.get("/permintaan-data/%s?token=%s" % (number, at_opd["access_token"]))
    lift_url = "/permintaan-data/%s/hak/%s/cabut" % (number, item["id"])
    for url, form in ((lift_url, {}), (lift_url, {"_csrf_token": "forged"}),
                      ("/permintaan-data/%s/hak" % number, {"kind": "penghapusan"})):
        answer = browser.post(url, data=form, follow_redirects=False)
        assert answer.status_code == 400 and "CSRF" in answer.body, url
    assert show(people["staf"], number)["personal_data_restricted"] is True
    page = browser.get("/permintaan-data/%s/data-saya" % number).body
    token = re.search(r'<meta name="_csrf_token" content="([^"]+)"', page).group(1)
    assert browser.post(lift_url, data={"_csrf_token": token},
                        follow_redirects=False).status_code == 302
    assert show(people["staf"], number)["personal_data_restricted"] is False

"""Retention by schedule (issue 26): on a fixed clock, the job erases the
personal fields (and mail copies) of exactly the requests closed longer ago
than ckanext.satudata.request_retention, none under legal hold (an open
keberatan) and none still open; it is idempotent and writes the berita acara
pemusnahan the DPO downloads."""
import datetime as dt

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.satudata.model import data_request, objection, outbox
from ckanext.satudata.privacy import rights
from ckanext.satudata.privacy.cli import privacy
from ckanext.satudata.workflow import clock
from tests.privacy.conftest import NIK, REQUESTER
from tests.requests.helpers import ANON

pytestmark = [pytest.mark.usefixtures("satudata_db"),
              pytest.mark.ckan_config("ckanext.satudata.request_rate_limit", "0")]

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=clock.WIB)


def filed(title, status, closed_at):
    request = helpers.call_action("satudata_request_create", context=dict(ANON),
                                  **dict(REQUESTER, title=title))
    model.Session.execute(sa.update(data_request).where(data_request.c.id == request["id"])
                          .values(status=status, closed_at=closed_at))
    model.repo.commit()
    return request


def row(request):
    model.Session.remove()
    return model.Session.execute(sa.select(data_request).where(
        data_request.c.id == request["id"])).first()


@pytest.fixture
def requests_by_age(walidata, monkeypatch):
    old = filed("Lama", "selesai", NOW - dt.timedelta(days=800))
    recent = filed("Baru ditutup", "selesai", NOW - dt.timedelta(days=300))
    held = filed("Dengan keberatan", "ditolak", NOW - dt.timedelta(days=800))
    still_open = filed("Masih diproses", "diperiksa", None)
    model.Session.execute(sa.insert(objection).values(
        id="keberatan-1", request_id=held["id"], ground="a", reason="Ditolak tanpa alasan",
        status="diajukan", filed_at=NOW - dt.timedelta(days=790),
        due_date=(NOW - dt.timedelta(days=750)).date()))
    model.repo.commit()
    monkeypatch.setattr(clock, "now", lambda: NOW)
    return {"old": old, "recent": recent, "held": held, "open": still_open}


def test_exactly_the_requests_past_the_period_are_erased(requests_by_age):
    result = CliRunner().invoke(privacy, ["retention"], catch_exceptions=False)
    assert "erased the personal data of 1 request" in result.output
    old = row(requests_by_age["old"])
    assert (old.name, old.email, old.phone, old.identity_number) == (
        rights.ERASED, rights.ERASED, None, None)
    assert old.title == "Lama" and old.status == "selesai"
    for kept in ("recent", "held", "open"):
        r = row(requests_by_age[kept])
        assert r.email == REQUESTER["email"] and r.identity_number, kept
    mails = model.Session.execute(sa.select(outbox.c.recipient, outbox.c.body).where(
        outbox.c.request_id == requests_by_age["old"]["id"])).all()
    assert mails and all(m.recipient == rights.ERASED and m.body == rights.ERASED
                         for m in mails)
    assert REQUESTER["email"] not in repr(mails)


def test_idempotent_and_the_berita_acara(requests_by_age, app):
    first = rights.retention_run()
    second = rights.retention_run()
    assert [r["request"] for r in first] == [requests_by_age["old"]["number"]] and second == []
    records = rights.destruction_records()
    assert len(records) == 1
    assert records[0]["rule"] == "ckanext.satudata.request_retention = 2 years"
    assert set(records[0]["fields"]) == {"name", "email", "phone", "institution",
                                         "identity_number"}
    dpo = factories.User(name="petugas-pdp")
    from ckanext.satudata.workflow import roles
    roles.grant(dpo["id"], "dpo", None)
    model.repo.commit()
    token = factories.APIToken(user=dpo["name"])["token"]
    csv = app.get("/satudata/privasi?format=csv", headers={"Authorization": token})
    assert requests_by_age["old"]["number"] in csv.body and NIK not in csv.body
    assert app.get("/satudata/privasi", headers={"Authorization": token}).status_code == 200


@pytest.mark.ckan_config("ckanext.satudata.request_retention", "3 years")
def test_the_period_comes_from_config(requests_by_age):
    assert rights.retention_run() == []


@pytest.fixture
def maildir_sink(tmp_path, ckan_config, monkeypatch):
    """The demo's sink (aiosmtpd's Maildir, StrictMailbox) on a free port,
    before the requests are filed: their receipts land in it."""
    from aiosmtpd.controller import Controller
    from ckanext.satudata.operations.mail_sink import StrictMailbox
    from tests.helpers import free_port
    maildir = tmp_path / "mail"
    controller = Controller(StrictMailbox(str(maildir)), hostname="127.0.0.1",
                            port=free_port())
    controller.start()
    monkeypatch.setitem(ckan_config, "smtp.server", "127.0.0.1:%d" % controller.port)
    monkeypatch.setitem(ckan_config, "smtp.mail_from", "satudata@banyuwangikab.go.id")
    monkeypatch.setitem(ckan_config, "smtp.starttls", False)
    monkeypatch.setitem(ckan_config, "smtp.user", None)
    monkeypatch.setitem(ckan_config, "ckanext.satudata.mail_sink_dir", str(maildir))
    yield maildir
    controller.stop()


def test_the_sink_copies_follow_the_same_schedule(maildir_sink, requests_by_age):
    """'Mail copies in the outbox and sink follow the same schedule': the
    receipts of the four requests were delivered to the local sink; the job
    removes exactly the erased request's, and the berita acara counts them."""
    from ckanext.satudata.operations import mail_sink
    from tests.helpers import run_worker
    run_worker()

    def subjects():
        return sorted(m["subject"] for m in mail_sink.messages()
                      if REQUESTER["email"] in m["to"])

    numbers = {k: r["number"] for k, r in requests_by_age.items()}
    assert all(any(n in s for s in subjects()) for n in numbers.values())
    done = rights.retention_run()
    assert [r["request"] for r in done] == [numbers["old"]] and done[0]["sink_copies"] == 1
    left = subjects()
    assert not any(numbers["old"] in s for s in left)
    assert all(any(numbers[k] in s for s in left) for k in ("recent", "held", "open"))
    assert rights.destruction_records()[0]["sink_copies"] == 1
    assert rights.retention_run() == []   # idempotent: nothing more to remove

"""Mail that a real relay accepts (issue 22): one From address, a Date, a
Message-ID on the portal's domain, a Reply-To that parses, whatever display
name an operator put in smtp.mail_from; and the SMTP sink refuses (550) a
malformed header the way a relay does, over real SMTP."""
import email
import email.policy
import mailbox
import pathlib
import smtplib

import pytest

import ckan.model as model
from ckan.tests import helpers

from ckanext.satudata.notifications import mail as notify_mail
from ckanext.satudata.notifications import outbox as notify
from ckanext.satudata.operations import mail_sink

from tests.helpers import REPO_ROOT, free_port

pytestmark = pytest.mark.usefixtures("satudata_db", "clean_redis")

STRICT = email.policy.default.clone(raise_on_defect=True)
REQUESTER = {"name": "Siti Aminah", "email": "siti@warga.example.org",
             "phone": "081234567890", "identity_number": "3510010101900001",
             "title": "Data penduduk", "description": "Untuk penelitian", "purpose": "Skripsi"}
# what shipped before issue 22: CKAN put ckan.site_title in front of it again
SHIPPED_BEFORE = "Portal Satu Data Banyuwangi <satudata@banyuwangikab.go.id>"
GOOD = (b"From: Portal Satu Data <satudata@banyuwangikab.go.id>\r\n"
        b"To: warga@example.org\r\nSubject: Uji\r\n"
        b"Date: Mon, 07 Dec 2026 08:00:00 +0700\r\n"
        b"Message-ID: <uji.1@banyuwangikab.go.id>\r\n\r\nIsi surat\r\n")


def _template_value(key):
    for line in (REPO_ROOT / "config" / "ckan.ini.template").read_text().splitlines():
        if line.startswith(key + " ="):
            return line.partition("=")[2].strip()
    raise KeyError(key)


def test_every_mail_has_one_sender_a_date_a_message_id_and_a_reply_to(
        smtp_sink, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "smtp.mail_from", SHIPPED_BEFORE)
    monkeypatch.setitem(ckan_config, "smtp.reply_to", _template_value("smtp.reply_to"))
    created = helpers.call_action("satudata_request_create", context={"user": ""},
                                  **REQUESTER)
    assert notify.deliver_outbox()["sent"] >= 1
    [delivered] = smtp_sink.to(REQUESTER["email"])
    assert created["number"] in delivered["body"]
    message = delivered["message"]
    assert mail_sink.header_problems(message.as_bytes()) == []
    [sender] = message["From"].addresses
    assert sender.addr_spec == "satudata@banyuwangikab.go.id"
    assert sender.display_name == ckan_config["ckan.site_title"]
    assert delivered["from"] == "satudata@banyuwangikab.go.id"     # the envelope too
    assert message["Date"].datetime is not None
    assert str(message["Message-ID"]).endswith("@banyuwangikab.go.id>")
    [reply_to] = message["Reply-To"].addresses
    assert reply_to.addr_spec == "diskominfo@banyuwangikab.go.id"
    # each mail its own id
    notify.queue("test", ["a@example.org", "b@example.org"], "Subjek", "Isi")
    model.Session.commit()
    notify.deliver_outbox()
    ids = {str(m["message"]["Message-ID"]) for m in smtp_sink.messages}
    assert len(ids) == len(smtp_sink.messages) == 3


def test_the_shipped_config_names_one_address(ckan_config):
    assert _template_value("smtp.mail_from") == "satudata@banyuwangikab.go.id"
    config = {"smtp.mail_from": SHIPPED_BEFORE, "smtp.reply_to": "Diskominfo <d@b.go.id>"}
    notify_mail.check_sender(config)
    assert config == {"smtp.mail_from": "satudata@banyuwangikab.go.id",
                      "smtp.reply_to": "Diskominfo <d@b.go.id>"}
    for bad in ("Portal <Nama <satudata@banyuwangikab.go.id>>", "a@example.org, b@example.org",
                "satudata", "satudata@"):
        with pytest.raises(ValueError):
            notify_mail.check_sender({"smtp.mail_from": bad})
        with pytest.raises(ValueError):
            notify_mail.check_sender({"smtp.reply_to": bad})


@pytest.fixture
def strict_maildir(tmp_path):
    from aiosmtpd.controller import Controller
    maildir = tmp_path / "mail"
    controller = Controller(mail_sink.StrictMailbox(str(maildir)), hostname="127.0.0.1",
                            port=free_port())
    controller.start()
    yield controller.port, maildir
    controller.stop()


def _kept(maildir: pathlib.Path):
    return [m for m in mailbox.Maildir(str(maildir), create=False)]


@pytest.mark.parametrize("header, replacement", [
    (b"From: Portal Satu Data <satudata@banyuwangikab.go.id>",   # what CKAN made of it
     b"From: Portal Satu Data Kabupaten Banyuwangi <Portal Satu Data Banyuwangi "
     b"<satudata@banyuwangikab.go.id>>"),
    (b"From: Portal Satu Data <satudata@banyuwangikab.go.id>",
     b"From: a@example.org, b@example.org"),
    (b"Message-ID: <uji.1@banyuwangikab.go.id>", b"X-Nothing: here"),
    (b"Date: Mon, 07 Dec 2026 08:00:00 +0700", b"Date: besok pagi"),
    (b"To: warga@example.org", b"To: warga@example.org\r\nReply-To: Nama <x <y@z.org>>"),
])
def test_the_sink_refuses_a_malformed_header_like_a_relay(strict_maildir, header, replacement):
    port, maildir = strict_maildir
    assert header in GOOD
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        with pytest.raises(smtplib.SMTPDataError) as refused:
            smtp.sendmail("satudata@banyuwangikab.go.id", ["warga@example.org"],
                          GOOD.replace(header, replacement))
        assert refused.value.smtp_code == 550 and b"5.6.0" in refused.value.smtp_error
        assert _kept(maildir) == []
        smtp.sendmail("satudata@banyuwangikab.go.id", ["warga@example.org"], GOOD)
    [kept] = _kept(maildir)
    assert kept["Message-ID"] == "<uji.1@banyuwangikab.go.id>"


class RefusingRelay:
    """A relay that refuses every mail at DATA, as it would a malformed one."""

    async def handle_DATA(self, server, session, envelope):
        return "550 5.6.0 Malformed header"


def test_the_outbox_counts_a_refusal_as_a_failed_try(ckan_config, monkeypatch):
    from aiosmtpd.controller import Controller
    controller = Controller(RefusingRelay(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        monkeypatch.setitem(ckan_config, "smtp.server", "127.0.0.1:%d" % controller.port)
        monkeypatch.setitem(ckan_config, "smtp.mail_from", "satudata@banyuwangikab.go.id")
        monkeypatch.setitem(ckan_config, "smtp.starttls", False)
        monkeypatch.setitem(ckan_config, "smtp.user", None)
        notify.queue("test", ["warga@example.org"], "Subjek", "Isi")
        model.Session.commit()
        assert notify.deliver_outbox() == {"sent": 0, "failed": 1}
    finally:
        controller.stop()
    [row] = notify.unsent()
    assert row.attempts == 1 and row.failed_at is None and "550" in row.last_error
    assert row.next_attempt_at is not None     # tried again later


def test_an_address_with_a_line_break_never_reaches_the_relay(smtp_sink):
    # a trailing line feed passes Python's header check and ends the header
    # block early: the sender refuses it before SMTP
    notify.queue("test", ["warga@example.org\n"], "Subjek", "Isi")
    model.Session.commit()
    assert notify.deliver_outbox() == {"sent": 0, "failed": 1}
    assert "linefeed" in notify.unsent()[0].last_error
    assert smtp_sink.messages == [] and smtp_sink.refused == []

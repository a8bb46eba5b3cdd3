"""The demo portal's local SMTP sink: what it accepts (StrictMailbox, a Maildir
that refuses a mail a real relay would refuse) and the mails it received."""
from __future__ import annotations

import email.errors
import email.header
import email.policy
import mailbox
import os
from typing import Any, Optional

from aiosmtpd.handlers import Mailbox

import ckan.plugins.toolkit as tk

# headers a relay wants once each; a mail without them is spam or refused
REQUIRED_ONCE = ("From", "Date", "Message-ID")
_STRICT = email.policy.default.clone(raise_on_defect=True)


def header_problems(raw: bytes) -> list[str]:
    """What a strict relay finds wrong in a message's header ([] if nothing):
    a defect in any header (Python parses headers lazily, so each parsed
    header's own defects are read), a required header missing or repeated,
    a From that is not exactly one address, an address without a domain."""
    try:
        message = email.message_from_bytes(raw, policy=_STRICT)
    except (email.errors.MessageError, ValueError) as e:
        return ["message: %s" % e]
    problems = ["message: %s" % d for d in message.defects]
    for name in REQUIRED_ONCE:
        count = len(message.get_all(name) or [])
        if count != 1:
            problems.append("%s: %d found, one expected" % (name, count))
    try:
        headers = message.items()   # parsed here, header by header
    except Exception as e:  # Python's own parser fails on some (e.g. "To: a@")
        return problems + ["header: unparseable (%s)" % type(e).__name__]
    for name, value in headers:
        problems.extend("%s: %s" % (name, d) for d in getattr(value, "defects", ()))
        for address in getattr(value, "addresses", ()):
            if not address.username or not address.domain:
                problems.append("%s: not an address: %s" % (name, address))
    from_ = message["From"]
    if from_ is not None and len(getattr(from_, "addresses", ())) != 1:
        problems.append("From: %d addresses, one expected" % len(from_.addresses))
    return problems


def refusal(raw: bytes) -> Optional[str]:
    """The SMTP reply refusing a malformed message, None to accept it."""
    problems = header_problems(raw)
    if not problems:
        return None
    return "550 5.6.0 Malformed header: %s" % "; ".join(problems)[:400].replace("\r", " ").replace(
        "\n", " ")


class StrictMailbox(Mailbox):
    """aiosmtpd's Maildir handler, refusing (550 5.6.0, nothing kept) what a
    relay refuses. The demo runs it: `python -m aiosmtpd -c
    ckanext.satudata.operations.mail_sink.StrictMailbox <maildir>`."""

    async def handle_DATA(self, server, session, envelope):
        reply = refusal(envelope.original_content or envelope.content)
        if reply:
            return reply
        return await super().handle_DATA(server, session, envelope)


def _directory() -> Optional[str]:
    path = tk.config.get("ckanext.satudata.mail_sink_dir")
    return path if path and os.path.isdir(path) else None


def _text(message) -> str:
    if message.is_multipart():
        part = message.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part is not None else ""
    return message.get_content()


def messages(limit: int = 200) -> list[dict[str, Any]]:
    directory = _directory()
    if directory is None:
        return []
    box = mailbox.Maildir(directory, create=False)
    # MaildirMessage.get_date(): when the sink delivered it
    dated = sorted(((box.get_message(key).get_date(), key) for key in box.keys()),
                   reverse=True)
    return [summary(key, box) for _, key in dated[:limit]]


def summary(key: str, box=None) -> dict[str, Any]:
    box = box or mailbox.Maildir(_directory(), create=False)
    raw = box.get_bytes(key)
    message = email.message_from_bytes(raw, policy=email.policy.default)
    return {"key": key, "to": str(message.get("To", "")), "from": str(message.get("From", "")),
            "subject": str(message.get("Subject", "")), "date": str(message.get("Date", "")),
            "body": _text(message)}


def message(key: str) -> Optional[dict[str, Any]]:
    if _directory() is None or not key.replace(".", "").replace(",", "").replace(
            ":", "").replace("_", "").replace("-", "").isalnum():
        return None
    try:
        return summary(key)
    except KeyError:
        return None


def erase_mail_to(address: str, number: str) -> int:
    """Remove the sink's copies of the mails to `address` about request
    `number` (its number in the subject): the retention job and a granted
    deletion erase them with the outbox's (privacy/rights.py). 0 without a sink."""
    directory = _directory()
    if directory is None or not address or not number:
        return 0
    box = mailbox.Maildir(directory, create=False)
    wanted = address.strip().lower()
    removed = 0
    for key in list(box.keys()):
        try:
            message = email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
            to = {a.addr_spec.lower() for a in getattr(message["To"], "addresses", ())}
            subject = str(message.get("Subject", ""))
        except (KeyError, email.errors.MessageError, ValueError, IndexError):
            continue
        if wanted in to and number in subject:
            box.discard(key)
            removed += 1
    return removed

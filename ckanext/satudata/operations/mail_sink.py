"""The mails the demo portal's local SMTP sink received (a Maildir)."""
from __future__ import annotations

import email.header
import email.policy
import mailbox
import os
from typing import Any, Optional

import ckan.plugins.toolkit as tk


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

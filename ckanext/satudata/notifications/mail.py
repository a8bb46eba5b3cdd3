"""Mail bodies: Jinja templates under notifications/templates/emails/ (first line: the subject),
found on CKAN's template path (so a theme can override them) and rendered with
CKAN's helpers as `h`. Rendering needs no request: an action queues its mails
inside its own transaction. Requesters get both languages from one template
(their language is unknown); staff reminders come in the person's language."""
from __future__ import annotations

import contextlib
import datetime as dt
import email.errors
import email.headerregistry
import email.utils
import functools
import logging
from typing import Any, Optional

import jinja2

import ckan.plugins.toolkit as tk

from ckanext.satudata.workflow import clock

log = logging.getLogger(__name__)

_app = None   # built once per process for rendering outside a request


def one_address(raw: str) -> email.headerregistry.Address:
    """The single mail address `raw` names, or ValueError. A line break is
    refused first: a trailing one passes Python's header check and ends the
    header block early (the rest of the header lands in the body)."""
    if "\r" in raw or "\n" in raw:
        raise ValueError("linefeed or carriage return in an address: %r" % raw)
    try:
        header = email.headerregistry.HeaderRegistry()("To", raw)
    except (IndexError, email.errors.HeaderParseError) as e:   # Python's parser on "a@"
        raise ValueError("not a mail address (%s): %r" % (type(e).__name__, raw))
    addresses = header.addresses
    if header.defects or len(addresses) != 1 or not addresses[0].username \
            or not addresses[0].domain:
        raise ValueError("not one mail address (%s): %r" % (
            ", ".join(str(d) for d in header.defects) or "%d found" % len(addresses), raw))
    return addresses[0]


def check_sender(config) -> None:
    """At startup: `smtp.mail_from` must be a bare address. CKAN's mailer puts
    `ckan.site_title` in front of it, so a display name there gave every mail
    `From: Title <Name <address>>`, which relays refuse. A display name is
    dropped (with a warning); anything that is not one address stops the
    start, as every mail would fail. `smtp.reply_to` must be one address."""
    for key in ("smtp.mail_from", "smtp.reply_to"):
        raw = (config.get(key) or "").strip()
        if not raw:
            continue
        try:
            address = one_address(raw)
        except ValueError as e:
            raise ValueError("%s harus satu alamat surel / must be one mail address: %s"
                             % (key, e))
        if key == "smtp.mail_from" and raw != address.addr_spec:
            log.warning("satudata: smtp.mail_from %r has a display name; CKAN adds "
                        "ckan.site_title, so only %s is used", raw, address.addr_spec)
            config[key] = address.addr_spec


def send(recipient: str, subject: str, body: str) -> None:
    """One mail through CKAN's mailer (its SMTP settings, INotifier plugins),
    to one checked address, with the Message-ID CKAN leaves out, on the
    sender's domain."""
    from ckan.lib.mailer import mail_recipient
    check_sender(tk.config)   # the config may have changed since startup
    address = one_address(recipient)
    sender = tk.config.get("smtp.mail_from") or ""
    domain = sender.rpartition("@")[2] or None
    mail_recipient("", address.addr_spec, subject, body,
                   headers={"Message-ID": email.utils.make_msgid(domain=domain)})


def fmt_deadline(value: Optional[dt.datetime]) -> str:
    return clock.to_wib(value).strftime("%Y-%m-%d %H:%M WIB") if value else "—"


def fmt_minutes(minutes: Optional[int]) -> str:
    if minutes is None:
        return "—"
    hours, mins = divmod(int(minutes), 60)
    return "%d:%02d" % (hours, mins)


_HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
_BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")
_DAY = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def fmt_date(value, locale: str = "id") -> str:
    """A date (or datetime, in WIB) as a reader says it: "Jumat, 14 Maret 2025"
    or "Friday 14 March 2025"; the day name avoids misreading 03/04."""
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = clock.to_wib(value).date()
    if locale == "id":
        return "%s, %d %s %d" % (_HARI[value.weekday()], value.day, _BULAN[value.month - 1],
                                 value.year)
    return "%s %d %s %d" % (_DAY[value.weekday()], value.day, _MONTH[value.month - 1],
                            value.year)


def fmt_time(value: Optional[dt.datetime], locale: str = "id") -> str:
    """A moment in WIB with its date: "Senin, 3 Maret 2025 pukul 10:15 WIB"."""
    if value is None:
        return "—"
    value = clock.to_wib(value)
    return "%s %s %s WIB" % (fmt_date(value, locale), "pukul" if locale == "id" else "at",
                             value.strftime("%H:%M"))


def fmt_duration(minutes: Optional[int], locale: str = "id") -> str:
    """A standard time in words: "30 menit", "2 jam", "4 jam 20 menit"."""
    if minutes is None:
        return "—"
    hours, mins = divmod(int(minutes), 60)
    words = ("jam", "menit") if locale == "id" else ("hour", "minute")
    parts = []
    if hours:
        parts.append("%d %s%s" % (hours, words[0], "s" if locale != "id" and hours > 1 else ""))
    if mins or not hours:
        parts.append("%d %s%s" % (mins, words[1], "s" if locale != "id" and mins != 1 else ""))
    return " ".join(parts)


def render_mail(name: str, locale: Optional[str] = None, **extra_vars: Any) -> tuple[str, str]:
    """(subject, body) from templates/emails/satudata_<name>[.<locale>].txt."""
    extra_vars = dict(extra_vars, fmt_minutes=fmt_minutes, fmt_deadline=fmt_deadline,
                      fmt_date=fmt_date, fmt_time=fmt_time, fmt_duration=fmt_duration)
    template = "emails/satudata_%s%s.txt" % (name, "." + locale if locale else "")
    text = _render(template, extra_vars)
    subject, _sep, body = text.lstrip("\n").partition("\n")
    return subject.strip(), body.lstrip("\n").rstrip() + "\n"


def queue_to_people(name: str, people, item_id: Optional[str], **extra_vars: Any) -> int:
    """Queue templates/emails/satudata_<name>.<locale>.txt to each person
    (notifications.people.Person) in their language, as `who`; no commit."""
    from ckanext.satudata.notifications import outbox
    queued = 0
    for who in sorted({p.email: p for p in people}.values(), key=lambda p: p.email):
        subject, body = render_mail(name, who.locale, who=who, **extra_vars)
        queued += outbox.queue(name, [who.email], subject, body, item_id)
    return queued


def _render(template: str, extra_vars: dict) -> str:
    paths = tk.config.get("computed_template_paths") or []
    env = _environment(tuple(paths))
    return env.get_template(template).render(h=tk.h, **extra_vars)


@functools.lru_cache(maxsize=4)
def _environment(paths: tuple) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(list(paths)), autoescape=False,
                              undefined=jinja2.StrictUndefined)


@contextlib.contextmanager
def request_context():
    """Jobs, the CLI and actions called outside a page have no request; templates
    and url_for need one."""
    global _app
    import flask
    if flask.has_app_context():
        with flask.current_app.test_request_context():
            yield
        return
    if _app is None:
        from ckan.config.middleware import make_app
        app = make_app(tk.config)
        _app = app.apps["flask_app"]._wsgi_app if hasattr(app, "apps") else app
    with _app.test_request_context():
        yield

"""Mail bodies: Jinja templates under notifications/templates/emails/ (first line: the subject),
found on CKAN's template path (so a theme can override them) and rendered with
CKAN's helpers as `h`. Rendering needs no request: an action queues its mails
inside its own transaction. Requesters get both languages from one template
(their language is unknown); staff reminders come in the person's language."""
from __future__ import annotations

import contextlib
import datetime as dt
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


def check_sender(config) -> None:
    """At startup: `smtp.mail_from` must be a bare address. CKAN's mailer puts
    `ckan.site_title` in front of it, so a display name there gave every mail
    `From: Title <Name <address>>`, which relays refuse. A display name is
    dropped (with a warning); anything that is not one address stops the
    start, as every mail would fail."""
    for key in ("smtp.mail_from", "smtp.reply_to"):
        raw = (config.get(key) or "").strip()
        if not raw:
            continue
        try:
            header = email.headerregistry.HeaderRegistry()("Reply-To", raw)
            addresses = header.addresses
            if header.defects or len(addresses) != 1 or not addresses[0].domain:
                raise ValueError(", ".join(str(d) for d in header.defects) or raw)
        except (ValueError, IndexError) as e:
            raise ValueError("%s harus satu alamat surel / must be one mail address "
                             "(%s): %r" % (key, e, raw))
        if key == "smtp.mail_from" and raw != addresses[0].addr_spec:
            log.warning("satudata: smtp.mail_from %r has a display name; CKAN adds "
                        "ckan.site_title, so only %s is used", raw, addresses[0].addr_spec)
            config[key] = addresses[0].addr_spec


def send(recipient: str, subject: str, body: str) -> None:
    """One mail through CKAN's mailer (its SMTP settings, INotifier plugins),
    with the Message-ID CKAN leaves out, on the sender's domain."""
    from ckan.lib.mailer import mail_recipient
    check_sender(tk.config)   # the config may have changed since startup
    sender = tk.config.get("smtp.mail_from") or ""
    domain = sender.rpartition("@")[2].strip("> ") or None
    mail_recipient("", recipient, subject, body,
                   headers={"Message-ID": email.utils.make_msgid(domain=domain)})


def fmt_deadline(value: Optional[dt.datetime]) -> str:
    return clock.to_wib(value).strftime("%Y-%m-%d %H:%M WIB") if value else "—"


def fmt_minutes(minutes: Optional[int]) -> str:
    if minutes is None:
        return "—"
    hours, mins = divmod(int(minutes), 60)
    return "%d:%02d" % (hours, mins)


def render_mail(name: str, locale: Optional[str] = None, **extra_vars: Any) -> tuple[str, str]:
    """(subject, body) from templates/emails/satudata_<name>[.<locale>].txt."""
    extra_vars = dict(extra_vars, fmt_minutes=fmt_minutes, fmt_deadline=fmt_deadline)
    template = "emails/satudata_%s%s.txt" % (name, "." + locale if locale else "")
    text = _render(template, extra_vars)
    subject, _sep, body = text.lstrip("\n").partition("\n")
    return subject.strip(), body.lstrip("\n").rstrip() + "\n"


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

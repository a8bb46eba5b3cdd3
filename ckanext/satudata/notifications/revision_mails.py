"""Workflow 1: the mail to the author of a revision someone else discarded.
Their edits are gone; the mail says who discarded them, why (the note the
discard requires) and where the live version is. Queued in the transition's
transaction; sent by the outbox worker."""
from __future__ import annotations

from typing import Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.notifications import mail, outbox


def queue_discarded(package_id: str, author_id: Optional[str], actor_id: Optional[str],
                    note: str) -> int:
    """One mail to the revision's author, unless they discarded it themselves."""
    author = model.User.get(author_id) if author_id else None
    pkg = model.Package.get(package_id)
    if author is None or not author.email or author.id == actor_id or pkg is None:
        return 0
    actor = model.User.get(actor_id) if actor_id else None
    # no request context here (it would open another app and session inside
    # the transition's transaction): the link from the site URL
    link = "%s/dataset/%s" % (tk.config.get("ckan.site_url", "").rstrip("/"), pkg.name)
    subject, body = mail.render_mail(
        "revision_discarded", title=pkg.title or pkg.name, link=link, note=note,
        author=author.display_name, actor=actor.display_name if actor else "—")
    return outbox.queue("revision_discarded", [author.email], subject, body, pkg.id)

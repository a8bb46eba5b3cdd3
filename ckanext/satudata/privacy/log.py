"""Who looked (UU 27/2022 Pasal 31, 35): every view or export of a
requester's personal data by staff, in an append-only table (a trigger of
migration 0012 refuses UPDATE and DELETE). Written on its own connection and
committed at once: a page that only reads (a GET, an API show) commits
nothing, and the record must stay even when the caller's transaction rolls back."""
from __future__ import annotations

from typing import Any, Iterable, Optional

import flask
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

import ckan.model as model

from ckanext.satudata.model import metadata
from ckanext.satudata.workflow import clock

access_log = sa.Table(
    "satudata_personal_access_log", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor_id", sa.UnicodeText),
    sa.Column("actor_name", sa.UnicodeText),
    sa.Column("actor_roles", ARRAY(sa.UnicodeText), nullable=False),
    sa.Column("request_id", sa.UnicodeText, nullable=False),
    sa.Column("request_number", sa.UnicodeText),
    sa.Column("fields", ARRAY(sa.UnicodeText), nullable=False),
    sa.Column("source", sa.UnicodeText, nullable=False),
    extend_existing=True,
)

# The batch of a list action: rows gathered by view_for, written once.
BATCH_KEY = "_satudata_personal_seen"


def shown_fields(fields: dict[str, Any]) -> list[str]:
    """The personal fields a view actually carries (a masked NIK says so)."""
    from ckanext.satudata.privacy.access import PERSONAL_FIELDS
    out = []
    for name in PERSONAL_FIELDS:
        value = fields.get(name)
        if not value:
            continue
        if name == "identity_number" and "*" in value:
            out.append("identity_number:masked")
        else:
            out.append(name)
    return out


def current_source(default: str = "") -> str:
    """The page or API call that showed the data: method and path (no query
    string: a private link's token never lands in the log)."""
    if flask.has_request_context():
        return "%s %s" % (flask.request.method, flask.request.path)
    return default or "cli"


def entry(actor_id: Optional[str], actor_roles: Iterable[str], request_id: str,
          request_number: str, fields: list[str], source: str = "",
          actor_name: Optional[str] = None) -> dict[str, Any]:
    if actor_name is None and actor_id:
        user = model.User.get(actor_id)
        actor_name = user.name if user else None
    return {"at": clock.now(), "actor_id": actor_id, "actor_name": actor_name,
            "actor_roles": sorted(actor_roles), "request_id": request_id,
            "request_number": request_number, "fields": fields,
            "source": source or current_source()}


def write(entries: list[dict[str, Any]]) -> None:
    if not entries:
        return
    with model.meta.engine.begin() as conn:
        conn.execute(sa.insert(access_log), entries)


def record(context, actor_id, actor_roles, row, fields: dict[str, Any],
           source: str = "") -> None:
    """Log one view of `row`'s personal data (now, or with the batch of a list)."""
    names = shown_fields(fields)
    if not names:
        return
    item = entry(actor_id, actor_roles, row.id, row.number, names, source)
    if context is not None and BATCH_KEY in context:
        context[BATCH_KEY].append(item)
    else:
        write([item])


def entries_for(request_ids=None, date_from=None, date_to=None, actor=None,
                limit: int = 100, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
    query = sa.select(access_log)
    if request_ids is not None:
        query = query.where(access_log.c.request_id.in_(list(request_ids)))
    if date_from is not None:
        query = query.where(access_log.c.at >= date_from)
    if date_to is not None:
        query = query.where(access_log.c.at < date_to)
    if actor:
        query = query.where(access_log.c.actor_name == actor)
    count = model.Session.execute(
        sa.select(sa.func.count()).select_from(query.subquery())).scalar()
    rows = model.Session.execute(query.order_by(access_log.c.id.desc())
                                 .limit(limit).offset(offset))
    return count, [as_dict(r) for r in rows]


def as_dict(r) -> dict[str, Any]:
    return {"id": r.id, "at": clock.iso_wib(r.at), "actor": r.actor_name,
            "actor_roles": list(r.actor_roles), "request_id": r.request_id,
            "request_number": r.request_number, "fields": list(r.fields), "source": r.source}

"""The Walidata team's request board in a bounded number of queries.

The board used to ask ``satudata_request_list`` once per status for its
counts and then load every open request as a full view (history, split
parts, objection, ...; several queries each) to sort and page them in
Python. Here: one GROUP BY for the counts per status, one query for the
size of the list and how many of it are past the legal deadline, and one
query for the rows of the page shown, joined with the assignee and the
organizations the board names. Nothing depends on the number of requests.
The OPD inbox (:func:`sent_to`) and the "your work" block in the header
(:func:`open_for`) read their rows the same way, one query each.

Only the Walidata team and sysadmins see the board (the view checks it);
they are the ``internal`` audience of every request, so nothing here filters
by organization.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import aliased

import ckan.model as model

from ckanext.satudata.model import data_request as table
from ckanext.satudata.requests import rules as p
from ckanext.satudata.requests import service as dr
from ckanext.satudata.workflow import clock, roles


@dataclasses.dataclass(frozen=True)
class Filter:
    """What the board shows: one status ('' = every open one), only the
    requests assigned to ``assignee_id`` (None = everyone's), a search over
    number, title and description."""
    status: str = ""
    assignee_id: Optional[str] = None
    q: str = ""


def _search(query, q: str):
    if not q:
        return query
    like = "%%%s%%" % q.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
    return query.where(sa.or_(table.c.title.ilike(like), table.c.description.ilike(like),
                              table.c.number.ilike(like)))


def _listed(query, f: Filter):
    query = _search(query, f.q)
    query = query.where(table.c.status.in_([f.status] if f.status else p.OPEN))
    if f.assignee_id:
        query = query.where(table.c.assignee_id == f.assignee_id)
    return query


def counts(q: str = "") -> dict[str, int]:
    """Requests per status (every status, zeros included) matching the search."""
    rows = model.Session.execute(_search(
        sa.select(table.c.status, sa.func.count()).group_by(table.c.status), q))
    found = dict(rows.all())
    return {s: found.get(s, 0) for s in p.STATES}


def totals(f: Filter) -> tuple[int, int]:
    """(requests listed, of them past the legal deadline). Past the deadline
    means ``dr.deadline(row)["overdue"]``: open, not waiting for a
    clarification, and today (WIB) after the due date."""
    today = clock.now().astimezone(clock.WIB).date()
    overdue = sa.and_(table.c.status.notin_(p.CLOSED),
                      table.c.status != p.MENUNGGU_KLARIFIKASI,
                      table.c.due_date < today)
    row = model.Session.execute(_listed(
        sa.select(sa.func.count(), sa.func.count().filter(overdue)).select_from(table),
        f)).one()
    return row[0], row[1]


def _rows():
    """The requests with what the board names: assignee and organizations."""
    assignee = aliased(model.User)
    org, suggested = aliased(model.Group), aliased(model.Group)
    return (sa.select(table, assignee.name.label("assignee_name"),
                      org.name.label("org_name"), org.title.label("org_title"),
                      suggested.name.label("suggested_name"),
                      suggested.title.label("suggested_title"))
            .outerjoin(assignee, assignee.id == table.c.assignee_id)
            .outerjoin(org, org.id == table.c.organization_id)
            .outerjoin(suggested, suggested.id == table.c.suggested_org_id))


def page(f: Filter, limit: int, offset: int) -> list[dict[str, Any]]:
    """The rows of one page: the closest legal deadline first (a closed
    status: the most recently ended first), as the board template reads them."""
    if f.status in p.CLOSED:
        order = (table.c.closed_at.desc().nullslast(), table.c.created_at.desc())
    else:
        order = (table.c.due_date, table.c.created_at)
    rows = model.Session.execute(
        _listed(_rows(), f).order_by(*order, table.c.id).limit(limit).offset(offset)).all()
    # a restricted requester (UU 27/2022 Pasal 11) is not named: one query
    from ckanext.satudata.privacy import rights
    restricted = rights.restricted_rows(rows)
    return [dict(_board_row(row, personal=row.id not in restricted),
                 personal_data_restricted=row.id in restricted) for row in rows]


def sent_to(organization_id: str, limit: int = 1000) -> list[dict[str, Any]]:
    """The requests sent to one OPD, newest first (its inbox), in one query.
    The caller checks that the user acts for ``organization_id``."""
    rows = model.Session.execute(
        _rows().where(table.c.organization_id == organization_id)
        .order_by(table.c.created_at.desc(), table.c.id).limit(limit)).all()
    return [_board_row(row) for row in rows]


def _board_row(row, personal: bool = False) -> dict[str, Any]:
    """`personal`: the requester's name and institution, for the board of the
    PPID desk only (an OPD's inbox answers from the request's text)."""
    step = p.STEPS[row.status]
    return {
        "id": row.id, "number": row.number, "status": row.status,
        "status_label": step.label_id, "status_label_en": step.label_en,
        "title": row.title,
        "name": row.name if personal else None,
        "institution": row.institution if personal else None,
        "created_at": clock.iso_wib(row.created_at), "closed_at": clock.iso_wib(row.closed_at),
        "due_date": row.due_date.isoformat(), "deadline": dr.deadline(row),
        "sla": dr.sla(row), "assignee": row.assignee_name,
        "organization": row.org_name, "organization_title": row.org_title,
        "suggested_organization": row.suggested_name,
        "suggested_organization_title": ((row.suggested_title or row.suggested_name)
                                         if row.suggested_name else None),
    }


def open_for(user_id: str, sysadmin: bool, limit: int = 1000) -> list[dict[str, Any]]:
    """The open requests a person works on, newest first, in one query (their
    "Your work" block and header count): every one for the Walidata team and
    sysadmins, those sent to the OPDs they act for (editor or admin) for
    everyone else; nothing for who is neither. Whoever gets a row here is the
    ``internal`` audience of it (``dr.audience``)."""
    query = _rows().where(table.c.status.in_(p.OPEN))
    if not (sysadmin or roles.is_walidata_team(user_id)):
        org_ids = dr.organization_ids_of(user_id)
        if not org_ids:
            return []
        query = query.where(table.c.organization_id.in_(org_ids))
    rows = model.Session.execute(
        query.order_by(table.c.created_at.desc(), table.c.id).limit(limit)).all()
    return [_board_row(row) for row in rows]

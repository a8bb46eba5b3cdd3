"""Staff work in CKAN's /dashboard and a count in the header: the review
queue (workflow 1) and the open data requests (workflow 2) the logged-in
person can see, overdue first; and before both, the person's OWN overdue
items (`mine_overdue`): the datasets and requests whose current step they
hold and whose SOP standard time or legal deadline has passed. The data
protection officer's open rights requests (3x24 hours) count as theirs."""
from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk


def _context() -> dict[str, Any]:
    return {"user": tk.g.user}


def holds_step(req: dict[str, Any], user_name: str, user_roles, org_names) -> bool:
    """Whether the person holds the current SOP step of a request (as
    `satudata_request_show` shows it to them): the Subkoord's steps to a
    Subkoord, a Staf step to its assignee (any Staf while none is set), an
    OPD step to an editor or admin of that OPD. Requester steps to nobody."""
    from ckanext.satudata.requests import rules as p
    step = p.STEPS.get(req.get("status"))
    if step is None or req.get("status") in p.CLOSED:
        return False
    if step.actor == p.SUBKOORD:
        return p.SUBKOORD in user_roles
    if step.actor == p.STAF:
        return p.STAF in user_roles and req.get("assignee") in (None, user_name)
    if step.actor == p.OPD:
        return req.get("organization") in org_names
    return False


def request_overdue(req: dict[str, Any]) -> bool:
    """Past the SOP standard time of its step or past the legal deadline."""
    return bool((req.get("sla") or {}).get("overdue")
                or (req.get("deadline") or {}).get("overdue"))


def satudata_my_work() -> dict[str, Any]:
    """What waits for the logged-in person (their work list and the header
    count): the datasets whose SOP step is theirs (`satudata_review_queue`)
    and the open requests whose current step they hold (`holds_step`). What
    they merely may do (withdraw a live dataset, read a request at another
    desk) is not counted."""
    work: dict[str, Any] = {"reviews": [], "requests": [], "rights": [], "count": 0,
                            "mine_overdue": [], "overdue": 0}
    if not getattr(tk.g, "user", None):
        return work
    cached = getattr(tk.g, "_satudata_my_work", None)
    if cached is not None:
        return cached
    from ckanext.satudata import helpers as sh
    from ckanext.satudata.dissemination.actions import review_queue_of
    try:
        tk.check_access("satudata_review_queue", _context(), {})
        reviews = review_queue_of(tk.g.user, with_allowed_transitions=False)
    except tk.NotAuthorized:
        reviews = []
    work["reviews"] = sorted(reviews, key=lambda r: not (r.get("sla") or {}).get("overdue"))
    if sh.satudata_is_walidata() or sh.satudata_is_opd_member():
        from ckanext.satudata.requests import board
        from ckanext.satudata.requests import service as dr
        from ckanext.satudata.workflow import roles
        user = tk.current_user
        open_ = board.open_for(user.id, bool(user.sysadmin))  # one query, not one per request
        user_roles = frozenset(roles.roles_of(user.id))
        org_names = {g.name for g in (model.Group.get(i) for i in
                                      dr.organization_ids_of(user.id)) if g is not None}
        waiting = [r for r in open_ if holds_step(r, user.name, user_roles, org_names)]
        for r in waiting:
            r["mine_overdue"] = request_overdue(r)
        work["requests"] = sorted(
            waiting, key=lambda r: (not r["mine_overdue"],
                                    not (r.get("deadline") or {}).get("overdue"),
                                    r.get("due_date") or ""))
    from ckanext.satudata.privacy import access, rights
    from ckanext.satudata.workflow import roles as portal_roles
    if access.DPO in set(portal_roles.roles_of(tk.current_user.id)):
        # the data protection officer's 3x24-hour answers (UU 27/2022 Pasal 32)
        work["rights"] = rights.work_list()
    work["mine_overdue"] = (
        [dict(r, kind="dataset") for r in work["reviews"] if (r.get("sla") or {}).get("overdue")]
        + [dict(r, kind="request") for r in work["requests"] if r.get("mine_overdue")]
        + [dict(r, kind="rights", kind_of_right=r["kind"]) for r in work["rights"] if r["overdue"]])
    work["count"] = len(work["reviews"]) + len(work["requests"]) + len(work["rights"])
    work["overdue"] = len(work["mine_overdue"])
    tk.g._satudata_my_work = work
    return work


def satudata_waiting() -> dict[str, int]:
    """The header's badge: how many items wait for the logged-in person and
    how many of those are overdue, as `satudata_my_work` counts them. Building
    the work list costs a row, the rules and the SOP clock per item (~50 ms
    with 300 datasets in review) and the header is on every page, so the two
    numbers are kept per person under the desk generation (which moves on
    every committed write to a dataset, a role, a membership or a request)
    and the clock's minute (an item becomes overdue as time passes)."""
    def count() -> dict[str, int]:
        work = satudata_my_work()
        return {"count": work["count"], "overdue": work["overdue"]}
    user = tk.current_user
    if not getattr(tk.g, "userobj", None) or not user.is_authenticated:
        return {"count": 0, "overdue": 0}
    from ckanext.satudata.page_cache import store
    from ckanext.satudata.workflow.clock import now
    return store.remembered("waiting", (user.id, now().strftime("%Y%m%d%H%M")), count,
                            desk=True)


def satudata_new_activities():
    """CKAN's header count of new activities on the person's dashboard
    (``h.new_activities``, ~12 statements and 20-40 ms on every page a
    logged-in person opens), kept per person under the page generation: it
    moves on every committed write to what an activity comes from (datasets,
    OPDs, users, memberships, follows: page_cache/invalidation.py), and the
    key holds the time the person last viewed their dashboard, which is what
    makes an activity new."""
    from ckan.model.dashboard import Dashboard
    from ckanext.activity.helpers import new_activities
    from ckanext.satudata.page_cache import store
    user = tk.current_user
    if not getattr(tk.g, "userobj", None) or not user.is_authenticated or not store.enabled():
        return new_activities()
    viewed = model.Session.query(Dashboard.activity_stream_last_viewed).filter(
        Dashboard.user_id == user.id).scalar()
    return store.remembered("new-activities", (user.id, str(viewed)), new_activities)

"""Staff work in CKAN's /dashboard and a count in the header: the review
queue (workflow 1) and the open data requests (workflow 2) the logged-in
person can see, overdue first."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk


def _context() -> dict[str, Any]:
    return {"user": tk.g.user}


def satudata_my_work() -> dict[str, Any]:
    work: dict[str, Any] = {"reviews": [], "requests": [], "count": 0}
    if not getattr(tk.g, "user", None):
        return work
    cached = getattr(tk.g, "_satudata_my_work", None)
    if cached is not None:
        return cached
    from ckanext.satudata import helpers as sh
    try:
        reviews = tk.get_action("satudata_review_queue")(_context(), {})
    except tk.NotAuthorized:
        reviews = []
    work["reviews"] = sorted(reviews, key=lambda r: not (r.get("sla") or {}).get("overdue"))
    if sh.satudata_is_walidata() or sh.satudata_is_opd_member():
        from ckanext.satudata import permintaan
        try:
            found = tk.get_action("satudata_request_list")(_context(), {"limit": 1000})
        except (tk.NotAuthorized, tk.ValidationError):
            found = {}
        rows = found.get("results", []) if isinstance(found, dict) else found
        open_ = [r for r in rows if r.get("status") not in permintaan.CLOSED]
        work["requests"] = sorted(
            open_, key=lambda r: (not (r.get("deadline") or {}).get("overdue"),
                                  r.get("due_date") or ""))
    work["count"] = len(work["reviews"]) + len(work["requests"])
    work["overdue"] = (sum(1 for r in work["reviews"] if (r.get("sla") or {}).get("overdue"))
                       + sum(1 for r in work["requests"]
                             if (r.get("deadline") or {}).get("overdue")))
    tk.g._satudata_my_work = work
    return work

"""Time against the SOP, the same for both workflows: how long an item has sat in
its step (office minutes, see clock) against the step's standard, and the
append-only event row each workflow's log keeps of a transition."""
from __future__ import annotations

from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model

from ckanext.satudata.workflow import clock
from ckanext.satudata.workflow.machine import Step


def office_minutes_since(entered_at, now=None) -> Optional[int]:
    if entered_at is None:
        return None
    return clock.calendar_from_config().office_minutes_between(entered_at, now or clock.now())


def step_sla(step: Step, entered_at) -> dict[str, Any]:
    """The SLA block of the API (``sla``): the step, its standard, time spent."""
    elapsed = office_minutes_since(entered_at)
    return {
        "step": step.number, "step_label": step.label_id, "step_label_en": step.label_en,
        "actor_role": step.actor, "entered_at": clock.iso_wib(entered_at),
        "standard_minutes": step.standard_minutes, "elapsed_minutes": elapsed,
        "overdue": step.standard_minutes is not None and elapsed > step.standard_minutes,
    }


def append_event(table: sa.Table, left_step: Optional[Step], entered_at, **values: Any) -> None:
    """One row of a workflow's append-only log (a trigger refuses updates and
    deletes): the transition, with the office time the left step took against
    its standard, for the SOP performance reports."""
    now = clock.now()
    model.Session.execute(sa.insert(table).values(
        at=now, standard_minutes=left_step.standard_minutes if left_step else None,
        elapsed_minutes=office_minutes_since(entered_at, now), **values))

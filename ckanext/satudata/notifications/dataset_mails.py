"""Workflow 1 (Diseminasi): the mail to whoever must act next on a dataset,
naming the SOP step and its standard time (Subkoord and Kabid: 30 minutes).
Queued in the transition's transaction; sent by the outbox worker."""
from __future__ import annotations

from typing import Iterable, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.dissemination import rules as d
from ckanext.satudata.notifications import mail, people
from ckanext.satudata.workflow import clock, roles

# transition -> (what happened id, en; what to do id, en)
TEXTS = {
    "assign": ("Subkoordinator menugaskan penyusunan dataset ini kepada Anda.",
               "The Subkoord assigned this dataset to you to prepare.",
               "Siapkan data, narasi dan infografis, lalu ajukan untuk ditinjau.",
               "Prepare the data, narrative and infographic, then submit it for review."),
    "submit": ("Staf mengajukan dataset ini untuk ditinjau.",
               "The staff submitted this dataset for review.",
               "Periksa isinya, lalu setujui atau kembalikan dengan catatan.",
               "Check its content, then approve it or return it with a note."),
    "approve_subkoord": ("Subkoordinator menyetujui dataset ini.",
                         "The Subkoord approved this dataset.",
                         "Periksa isinya, lalu setujui atau kembalikan dengan catatan.",
                         "Check its content, then approve it or return it with a note."),
    "approve_kabid": ("Kepala Bidang menyetujui dataset ini; dataset siap diterbitkan.",
                      "The Kabid approved this dataset; it is ready to publish.",
                      "Terbitkan dataset di portal.", "Publish the dataset on the portal."),
    "return": ("Peninjau mengembalikan dataset ini untuk diperbaiki.",
               "The reviewer returned this dataset for changes.",
               "Perbaiki sesuai catatan peninjau, lalu ajukan kembali.",
               "Make the changes the reviewer's note asks for, then submit it again."),
}


def recipients(transition: str, from_state: str, actor_id: Optional[str],
               assignee_id: Optional[str], preparer_ids: Iterable[str]) -> tuple[str, list]:
    """(key of TEXTS, people) for a transition: whose turn it is next, never
    the one who just acted nor (for a review) whoever prepared the content."""
    preparers = set(preparer_ids or ()) | ({assignee_id} if assignee_id else set())
    if transition == "assign":
        key, found = "assign", people.people([assignee_id])
    elif transition == "submit":
        key, found = "submit", [x for x in people.role_holders(roles.SUBKOORD)
                                if x.user_id not in preparers]
    elif transition == "approve" and from_state == d.DIAJUKAN:
        key, found = "approve_subkoord", [x for x in people.role_holders(roles.KABID)
                                          if x.user_id not in preparers]
    elif transition == "approve":
        key = "approve_kabid"
        found = (people.people([assignee_id]) if assignee_id
                 else people.role_holders(roles.STAF))
    elif transition == "return":
        key, found = "return", people.people(sorted(preparers))
    else:
        return "", []
    return key, [x for x in found if x.user_id != actor_id]


def queue_next_actor(package_id: str, transition: str, from_state: str, to_state: str,
                     actor_id: Optional[str], assignee_id: Optional[str],
                     preparer_ids: Iterable[str], comment: str = "") -> int:
    key, who = recipients(transition, from_state, actor_id, assignee_id, preparer_ids)
    pkg = model.Package.get(package_id)
    if not who or pkg is None:
        return 0
    step = d.STEPS[to_state]
    happened_id, happened_en, todo_id, todo_en = TEXTS[key]
    org = model.Group.get(pkg.owner_org) if pkg.owner_org else None
    return mail.queue_to_people(
        "dataset_task", who, pkg.id, step=step, title=pkg.title or pkg.name,
        organization=(org.title or org.name) if org else "",
        happened_id=happened_id, happened_en=happened_en, todo_id=todo_id, todo_en=todo_en,
        note=comment if transition == "return" else "",
        step_due=clock.calendar_from_config().add_office_minutes(
            clock.now(), step.standard_minutes),
        link=tk.url_for("dataset.read", id=pkg.name, _external=True))

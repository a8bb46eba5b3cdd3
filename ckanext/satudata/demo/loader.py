"""`ckan satudata load-demo`: Banyuwangi demo organizations, users and datasets.

Idempotent: whatever exists already is kept (an existing organization only
gets its empty fields filled), so a second run creates nothing.
"""
from __future__ import annotations

import csv
import functools
import io
import logging
import os
import random
import secrets
from typing import Any, Callable, Optional

from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata.workflow import roles
from ckanext.satudata.demo import data

log = logging.getLogger(__name__)

ORGANIZATION_FIELDS = ("title", "short_name", "description", "contact_email", "address")


class DemoLoadError(Exception):
    pass


def load() -> str:
    """Create what is missing of the demo data; return a one-line summary."""
    organizations = [ensure_organization(org) for org in data.ORGANIZATIONS]
    password = functools.lru_cache(maxsize=None)(demo_password)
    users = [ensure_user(user, password) for user in data.USERS]
    datasets = [ensure_dataset(dataset) for dataset in data.DATASETS]
    requests = [ensure_request(request) for request in data.REQUESTS]
    return "demo: %s, %s, %s, %s" % (_tally(organizations, "organizations"),
                                     _tally(users, "users"), _tally(datasets, "datasets"),
                                     _tally(requests, "data requests"))


def _tally(created: list[bool], noun: str) -> str:
    return "%d %s (%d new)" % (len(created), noun, sum(created))


# actions, as the site user

def _context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def _call(action: str, data_dict: dict[str, Any]) -> Any:
    try:
        return tk.get_action(action)(_context(), data_dict)
    except tk.ValidationError as e:
        raise DemoLoadError("%s %s: %s" % (
            action, data_dict.get("name") or data_dict.get("id") or
            data_dict.get("package_id"), e.error_dict)) from e


def _show(action: str, id_: str) -> Optional[dict[str, Any]]:
    try:
        return tk.get_action(action)(_context(), {"id": id_})
    except tk.ObjectNotFound:
        return None


# organizations

def ensure_organization(org: dict[str, Any]) -> bool:
    existing = _show("organization_show", org["name"])
    if existing is None:
        _call("organization_create", dict(org))
        log.info("created organization %s", org["name"])
        return True
    empty = {f: org[f] for f in ORGANIZATION_FIELDS if org.get(f) and not existing.get(f)}
    if empty:
        _call("organization_patch", dict(empty, id=existing["id"]))
        log.info("filled %s of organization %s", ", ".join(sorted(empty)), org["name"])
    return False


# users, portal roles, memberships

def demo_password() -> str:
    """The shared demo password: kept in $SATUDATA_DEMO_PASSWORD_FILE (made
    on first use), or the fixed default when that variable is not set."""
    path = os.environ.get(data.PASSWORD_FILE_ENV)
    if not path:
        return data.DEFAULT_PASSWORD
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as f:
            stored = f.read().strip()
        if stored:
            return stored
    password = secrets.token_urlsafe(12)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(password + "\n")
    log.info("demo password written to %s", path)
    return password


def ensure_user(user: dict[str, Any], password: Callable[[], str]) -> bool:
    user_obj = model.User.get(user["name"])
    created = user_obj is None
    if created:
        _call("user_create", {"name": user["name"], "fullname": user["fullname"],
                              "email": user["email"], "password": password()})
        user_obj = model.User.get(user["name"])
        log.info("created user %s", user["name"])
    if user.get("sysadmin") and not user_obj.sysadmin:
        user_obj.sysadmin = True
    for role in user.get("roles", ()):
        roles.grant(user_obj.id, role, granted_by=None)
    model.repo.commit()
    for org, capacity in user.get("member_of", {}).items():
        ensure_membership(org, user_obj, capacity)
    return created


def ensure_membership(org: str, user_obj: model.User, capacity: str) -> None:
    """Make the user a member with `capacity`, never demoting an admin."""
    if _capacity(org, user_obj.id) in (capacity, "admin"):
        return
    _call("organization_member_create",
          {"id": org, "username": user_obj.name, "role": capacity})


def _capacity(org: str, user_id: str) -> Optional[str]:
    group = model.Group.get(org)
    return group and model.Session.query(model.Member.capacity).filter_by(
        group_id=group.id, table_name="user", table_id=user_id, state="active").scalar()


# datasets with a sample CSV

def ensure_dataset(dataset: dict[str, Any]) -> bool:
    package = model.Package.get(dataset["name"])
    created = package is None
    if created:
        _call("package_create", dataset_dict(dataset))
        log.info("created dataset %s", dataset["name"])
        package = model.Package.get(dataset["name"])
    if package.state == "active" and not package.resources:
        add_sample_csv(dataset)
    walk_to(package.id, data.WORKFLOW_STATES.get(dataset["name"], "terbit"))
    return created


# The SOP chain, as the demo users walk it: (state reached, transition, user, extras)
CHAIN = [
    ("penyusunan", "assign", "subkoord", {"assignee": "staf"}),
    ("diajukan", "submit", "staf", {}),
    ("disetujui_subkoord", "approve", "subkoord", {}),
    ("disetujui_kabid", "approve", "kabid", {}),
    ("terbit", "publish", "staf", {}),
]


def walk_to(package_id: str, target: str) -> None:
    """Advance a dataset along the chain up to `target`; never backwards."""
    order = ["konsep"] + [state for state, *_ in CHAIN]
    goal = "diajukan" if target == "dikembalikan" else target
    state = _workflow_state(package_id)
    for reached, transition, user, extras in CHAIN:
        if state not in order or order.index(state) >= order.index(goal):
            break
        if order.index(reached) == order.index(state) + 1:
            state = _transition(package_id, transition, user, **extras)
    if target == "dikembalikan" and state == "diajukan":
        _transition(package_id, "return", "subkoord", comment=data.RETURN_NOTE)


def _workflow_state(package_id: str) -> str:
    return tk.get_action("satudata_dataset_workflow_show")(
        {"ignore_auth": True}, {"id": package_id})["state"]


def _transition(package_id: str, transition: str, user: str, **extras: Any) -> str:
    result = tk.get_action("satudata_dataset_transition")(
        {"user": user, "ignore_auth": False},
        dict(extras, id=package_id, transition=transition))
    return result["state"]


def dataset_dict(dataset: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in dataset.items() if k != "sample"}
    return dict(data.DATASET_DEFAULTS, notes=notes(dataset), **fields)


def notes(dataset: dict[str, Any]) -> str:
    producer = next(o["title"] for o in data.ORGANIZATIONS
                    if o["name"] == dataset["owner_org"])
    return "%s\n\n%s di Kabupaten Banyuwangi, %s. %s\n\nProdusen data: %s." % (
        data.SAMPLE_NOTICE, dataset["title"], _period(dataset), dataset["definition"],
        producer)


def _period(dataset: dict[str, Any]) -> str:
    start, end = dataset["period_start"], dataset.get("period_end")
    return start if not end or end == start else "%s–%s" % (start, end)


def add_sample_csv(dataset: dict[str, Any]) -> None:
    filename = "%s.csv" % dataset["name"]
    upload = FileStorage(stream=io.BytesIO(sample_csv(dataset)), filename=filename,
                         content_type="text/csv")
    _call("resource_create", {
        "package_id": dataset["name"],
        "name": "%s %s (data contoh)" % (dataset["title"], _period(dataset)),
        "description": data.SAMPLE_RESOURCE_NOTICE,
        "format": "CSV",
        "resource_type": "data",
        "url": filename,
        "url_type": "upload",
        "upload": upload,
    })


def sample_csv(dataset: dict[str, Any]) -> bytes:
    """Deterministic sample figures: the same dataset always gives the same file."""
    sample = dataset["sample"]
    rng = random.Random(dataset["name"])
    years = range(int(dataset["period_start"]),
                  int(dataset.get("period_end") or dataset["period_start"]) + 1)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if sample["per"] == "bulan":
        base = rng.uniform(*sample["range"])
        writer.writerow(["tahun", "bulan", "nilai"])
        for i, year in enumerate(years):
            for month, season in zip(data.BULAN, sample["season"]):
                writer.writerow([year, month, _figure(base * season, i, sample, rng)])
    else:
        writer.writerow(["kecamatan", "tahun", "nilai"])
        for kecamatan in data.KECAMATAN:
            base = rng.uniform(*sample["range"])
            for i, year in enumerate(years):
                writer.writerow([kecamatan, year, _figure(base, i, sample, rng)])
    return out.getvalue().encode("utf-8")


def _figure(base: float, year_index: int, sample: dict[str, Any],
            rng: random.Random) -> str:
    noise = sample.get("noise", 0.07)
    value = base * (1 + sample["growth"]) ** year_index * rng.uniform(1 - noise, 1 + noise)
    decimals = sample.get("decimals", 0)
    return "%.*f" % (decimals, value)


# data requests, walked by the demo staff through the OPD branch

REQUEST_STEPS = [
    ("diperiksa", "assign", "subkoord", {"assignee": "staf"}),
    ("perlu_opd", "not_available", "staf", {}),
    ("di_opd", "escalate", "subkoord", {"organization": "dinkes"}),
    ("opd_menyiapkan", "opd_confirm", "opd-dinkes", {}),
    ("data_diterima", "opd_send", "opd-dinkes", {"sample_file": True}),
    ("siap_dikirim", "handover", "subkoord", {}),
    ("selesai", "deliver", "staf", {"comment": "Data contoh terlampir (sample data)."}),
]


def ensure_request(request: dict[str, Any]) -> bool:
    """File the sample request once, then take it as far as `until`."""
    import sqlalchemy as sa
    from ckanext.satudata.model import data_request
    found = model.Session.execute(sa.select(data_request.c.number).where(
        data_request.c.title == request["title"],
        data_request.c.email == data.REQUESTER["email"])).first()
    created = found is None
    if created:
        fields = {k: v for k, v in request.items() if k != "until"}
        number = tk.get_action("satudata_request_create")(
            {"user": "", "ignore_auth": False}, dict(data.REQUESTER, **fields))["number"]
    else:
        number = found.number
    for reached, transition, user, extras in REQUEST_STEPS:
        status = tk.get_action("satudata_request_show")({"ignore_auth": True},
                                                        {"id": number})["status"]
        order = ["baru"] + [step[0] for step in REQUEST_STEPS]
        if order.index(status) >= order.index(request["until"]):
            break
        if order.index(reached) != order.index(status) + 1:
            continue
        payload = {k: v for k, v in extras.items() if k != "sample_file"}
        if extras.get("sample_file"):
            csv_bytes = ("desa,balita_stunting\nGlagah,12\nKemiren,9\nOlehsari,7\n"
                         "# data contoh (sample data)\n").encode("utf-8")
            payload["upload"] = FileStorage(stream=io.BytesIO(csv_bytes),
                                            filename="stunting-glagah-contoh.csv",
                                            content_type="text/csv")
        tk.get_action("satudata_request_transition")(
            {"user": user, "ignore_auth": False},
            dict(payload, id=number, transition=transition))
    return created

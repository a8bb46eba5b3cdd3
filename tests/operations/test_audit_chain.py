"""The hash-chained audit trail (issue 27, migration 0013): every workflow,
request and role entry names the one before it; a row changed or removed
behind the application's back (SQL, the append-only trigger switched off) is
named by `audit verify`; two writers at once never fork a chain; the signed
export checks out with the key and fails once altered."""
import datetime as dt
import os
import subprocess
import sys
import threading
import time

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata.operations import audit
from tests.helpers import REPO_ROOT, SdiDataset, walk

pytestmark = pytest.mark.usefixtures("satudata_db")

ANON = {"user": "", "ignore_auth": False}


def _fill(team):
    org = factories.Organization()
    for i in range(2):
        walk(SdiDataset(owner_org=org["id"])["id"], team)
    filed = helpers.call_action("satudata_request_create", context=ANON, name="Rina",
                                email="rina@example.com", title="Data", description="d",
                                purpose="p")
    helpers.call_action("satudata_request_transition",
                        context={"user": team["subkoord"]["name"], "ignore_auth": False},
                        id=filed["id"], transition="assign", assignee=team["staf"]["name"])
    admin = factories.Sysadmin()
    someone = factories.User()
    context = {"user": admin["name"], "ignore_auth": False}
    helpers.call_action("satudata_role_grant", context=dict(context), user=someone["name"],
                        role="staf")
    helpers.call_action("satudata_role_revoke", context=dict(context), user=someone["name"],
                        role="staf")
    model.repo.commit()
    return admin, someone


def _tamper(sql, table, **params):
    """What someone with the database password could do: the append-only
    trigger switched off for one statement."""
    with model.meta.engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE %s DISABLE TRIGGER %s_append_only" % (table, table)))
        conn.execute(sa.text(sql), params)
        conn.execute(sa.text("ALTER TABLE %s ENABLE TRIGGER %s_append_only" % (table, table)))


def by_chain():
    return {r["chain"]: r for r in audit.verify()}


def test_every_entry_is_chained_and_verify_names_a_changed_row(walidata):
    admin, someone = _fill(walidata)
    results = by_chain()
    assert {r["broken"] for r in results.values()} == {None}
    assert results["workflow"]["entries"] >= 10
    assert results["request"]["entries"] >= 2
    # grants (the walidata team, someone) and the revoke, with who revoked
    roles = model.Session.execute(sa.text(
        "SELECT user_id, action, actor_id FROM satudata_role_event ORDER BY id")).all()
    assert (someone["id"], "grant", admin["id"]) in roles
    assert (someone["id"], "revoke", admin["id"]) in roles
    assert results["role"]["entries"] == len(roles) == 5
    links = model.Session.execute(sa.text(
        "SELECT prev_hash, hash FROM satudata_dataset_transition_log ORDER BY id")).all()
    assert links[0].prev_hash == ""
    assert all(b.prev_hash == a.hash for a, b in zip(links, links[1:]))
    model.Session.rollback()

    target = model.Session.execute(sa.text(
        "SELECT id FROM satudata_dataset_transition_log ORDER BY id OFFSET 3 LIMIT 1")).scalar()
    model.Session.rollback()
    _tamper("UPDATE satudata_dataset_transition_log SET comment = 'disetujui' WHERE id = :id",
            "satudata_dataset_transition_log", id=target)
    results = by_chain()
    assert results["workflow"]["broken"]["id"] == target
    assert "changed" in results["workflow"]["broken"]["reason"]
    assert results["request"]["broken"] is None and results["role"]["broken"] is None

    # the CLI says so too, and exits 1
    env = dict(os.environ, CKAN_INI=str(REPO_ROOT / "test.ini"))
    done = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ckan"), "-c",
                           str(REPO_ROOT / "test.ini"), "satudata", "audit", "verify"],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "workflow BROKEN at satudata_dataset_transition_log id %d" % target in done.stdout
    assert "request  intact" in done.stdout


def test_a_removed_entry_breaks_the_link_after_it(walidata):
    _fill(walidata)
    ids = model.Session.execute(sa.text(
        "SELECT id FROM satudata_role_event ORDER BY id")).scalars().all()
    model.Session.rollback()
    _tamper("DELETE FROM satudata_role_event WHERE id = :id", "satudata_role_event", id=ids[1])
    broken = by_chain()["role"]["broken"]
    assert broken["id"] == ids[2] and "removed" in broken["reason"]


def test_two_writers_at_once_never_fork_the_chain(walidata):
    """Each writer holds its transaction open after its insert: without the
    chain's lock both would read the same previous entry."""
    errors = []

    def writer(n):
        try:
            for i in range(8):
                with model.meta.engine.begin() as conn:
                    conn.execute(sa.text(
                        "INSERT INTO satudata_request_event (request_id, transition, to_status, "
                        "at) VALUES (:r, 'assign', 'diperiksa', now())"), {"r": "w%d-%d" % (n, i)})
                    time.sleep(0.02)
        except Exception as e:   # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    result = by_chain()["request"]
    assert result["entries"] == 24 and result["broken"] is None
    hashes = model.Session.execute(sa.text(
        "SELECT prev_hash FROM satudata_request_event")).scalars().all()
    assert len(set(hashes)) == len(hashes)   # no two entries follow the same one


def test_signed_export(walidata, tmp_path):
    _fill(walidata)
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()
    data = audit.export_csv(today.strftime("%Y-%m"))
    lines = data.decode().splitlines()
    assert lines[0].split(",") == audit.COLUMNS
    assert {line.split(",")[0] for line in lines[1:]} == {"workflow", "request", "role"}
    assert audit.export_csv("1999").decode().splitlines() == lines[:1]
    with pytest.raises(tk.ValidationError):
        audit.parse_period("2026-13")

    signature = audit.sign(data, "rahasia-inspektorat")
    assert signature.startswith("hmac-sha256:")
    assert audit.check_signature(data, signature, "rahasia-inspektorat")
    assert not audit.check_signature(data.replace(b"assign", b"reject"), signature,
                                     "rahasia-inspektorat")

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    private = Ed25519PrivateKey.generate()
    key, public = tmp_path / "audit.pem", tmp_path / "audit.pub"
    key.write_bytes(private.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    public.write_bytes(private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    signature = audit.sign(data, str(key))
    assert signature.startswith("ed25519:")
    assert audit.check_signature(data, signature, str(public))
    assert not audit.check_signature(data + b"x", signature, str(public))

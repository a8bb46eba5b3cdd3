"""The audit trail anyone can verify (issue 27, migration 0013).

Three hash-chained logs: the workflow log (transitions, deletions, purges,
quality waivers), the request log and the role log (grants and revokes).
`verify` recomputes every link and names the first broken one; `export`
writes a period's entries as CSV with a detached signature for the
Inspektorat: Ed25519 when `ckanext.satudata.audit_signing_key` names a PEM
private key file (the Inspektorat checks with the public key alone), else
HMAC-SHA256 with that value as the shared key."""
from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import hmac
import io
import os
from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

# chain name → (table, the columns the export shows: actor, action, subject)
CHAINS = {
    "workflow": ("satudata_dataset_transition_log", "actor_id", "transition", "package_id"),
    "request": ("satudata_request_event", "actor_id", "transition", "request_id"),
    "role": ("satudata_role_event", "actor_id", "action", "user_id"),
}


def verify(chains: Optional[list[str]] = None) -> list[dict[str, Any]]:
    """Each chain's length and its first broken link (None when intact)."""
    results = []
    session = model.Session
    # the entry's JSON as the trigger hashed it: times in UTC
    session.execute(sa.text("SET LOCAL timezone = 'UTC'"))
    for name in chains or list(CHAINS):
        table = CHAINS[name][0]
        rows = session.execute(sa.text(
            'SELECT id, prev_hash, hash, satudata_audit_digest(prev_hash, to_jsonb(t)) AS '
            'recomputed FROM "%s" t ORDER BY id' % table))
        previous, count, broken = "", 0, None
        for row in rows:
            count += 1
            if broken is not None:
                continue
            if row.prev_hash != previous:
                broken = {"id": row.id, "reason": "prev_hash does not name the entry before "
                          "it (an entry removed or inserted)"}
            elif row.hash != row.recomputed:
                broken = {"id": row.id, "reason": "the entry was changed after it was written"}
            previous = row.hash
        results.append({"chain": name, "table": table, "entries": count, "broken": broken,
                        "head": previous if broken is None else None})
    session.rollback()   # the SET LOCAL, nothing else
    return results


def parse_period(period: str) -> tuple[dt.date, dt.date]:
    """`2026`, `2026-12`, `2026-12-07` or `2026-10-01:2026-12-31` → [start, end)."""
    try:
        if ":" in period:
            a, b = period.split(":", 1)
            return dt.date.fromisoformat(a), dt.date.fromisoformat(b) + dt.timedelta(days=1)
        parts = [int(p) for p in period.split("-")]
        if len(parts) == 1:
            return dt.date(parts[0], 1, 1), dt.date(parts[0] + 1, 1, 1)
        if len(parts) == 2:
            start = dt.date(parts[0], parts[1], 1)
            return start, (start + dt.timedelta(days=32)).replace(day=1)
        start = dt.date(*parts)
        return start, start + dt.timedelta(days=1)
    except (ValueError, TypeError):
        raise tk.ValidationError({"period": [
            "Periode tidak valid (contoh 2026-12 atau 2026-10-01:2026-12-31) / "
            "Invalid period (e.g. 2026-12 or 2026-10-01:2026-12-31)"]})


COLUMNS = ["chain", "id", "at", "actor_id", "action", "subject", "prev_hash", "hash", "entry"]


def export_csv(period: str) -> bytes:
    """The period's entries (days in WIB), oldest first per chain, with the
    hashes: anyone holding the previous export can check the link between."""
    start, end = parse_period(period)
    wib = dt.timezone(dt.timedelta(hours=7))
    lo = dt.datetime.combine(start, dt.time(), wib)
    hi = dt.datetime.combine(end, dt.time(), wib)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    model.Session.execute(sa.text("SET LOCAL timezone = 'UTC'"))
    for name, (table, actor, action, subject) in CHAINS.items():
        rows = model.Session.execute(sa.text(
            'SELECT id, at, "{a}" AS actor, "{b}" AS action, "{s}" AS subject, prev_hash, hash, '
            '(to_jsonb(t) - \'hash\' - \'prev_hash\')::text AS entry FROM "{t}" t '
            'WHERE at >= :lo AND at < :hi ORDER BY id'.format(
                a=actor, b=action, s=subject, t=table)), {"lo": lo, "hi": hi})
        for r in rows:
            writer.writerow([name, r.id, r.at.astimezone(wib).isoformat(), r.actor or "",
                             r.action, r.subject, r.prev_hash, r.hash, r.entry])
    model.Session.rollback()
    return out.getvalue().encode("utf-8")


def signing_key() -> str:
    key = tk.config.get("ckanext.satudata.audit_signing_key") or ""
    if not key:
        raise tk.ValidationError({"audit_signing_key": [
            "Kunci tanda tangan audit belum diatur (ckanext.satudata.audit_signing_key) / "
            "No audit signing key configured (ckanext.satudata.audit_signing_key)"]})
    return key


def sign(data: bytes, key: Optional[str] = None) -> str:
    """`ed25519:<base64>` with a PEM private key file, else `hmac-sha256:<hex>`."""
    key = key or signing_key()
    if os.path.isfile(key):
        from cryptography.hazmat.primitives import serialization
        with open(key, "rb") as f:
            private = serialization.load_pem_private_key(f.read(), password=None)
        return "ed25519:" + base64.b64encode(private.sign(data)).decode()
    return "hmac-sha256:" + hmac.new(key.encode(), data, hashlib.sha256).hexdigest()


def check_signature(data: bytes, signature: str, key: str) -> bool:
    """`key`: the HMAC secret, or a PEM public key file for Ed25519."""
    kind, _, value = signature.strip().partition(":")
    if kind == "hmac-sha256":
        return hmac.compare_digest(
            value, hmac.new(key.encode(), data, hashlib.sha256).hexdigest())
    if kind == "ed25519":
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import serialization
        with open(key, "rb") as f:
            public = serialization.load_pem_public_key(f.read())
        try:
            public.verify(base64.b64decode(value), data)
            return True
        except InvalidSignature:
            return False
    return False

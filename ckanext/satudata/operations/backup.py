"""Backup and restore of everything the portal holds (issue 27).

One archive (``satudata-backup-<UTC time>.tar.gz``) holds:

- ``databases/ckan.pgdump``: ``pg_dump -Fc`` of the CKAN database (CKAN's
  tables and ours: workflow and request logs, outbox, search index);
- ``databases/datastore.pgdump``: the same of the DataStore database;
- ``files/storage/…``: CKAN's file storage (uploads, held revision files under
  ``satudata-revisions/``, request files under ``satudata_requests/``);
- ``files/requests/…`` when request files are kept outside it, ``files/mail/…``
  when the local mail sink keeps delivered mail;
- ``manifest.json``: the SHA-256 and size of every part above.

No secret goes in: ``SECRET_KEY`` (sessions, CSRF, API token signatures) and any
other key live in the configuration and are backed up separately.

Consistency: each ``pg_dump`` reads one snapshot; the CKAN database is dumped
first, then the DataStore, then the files. CKAN never deletes an uploaded file
a row still names, so a file written after the dump is at worst an extra file,
never a missing one.

Restore verifies the whole archive against its manifest and checks that the
target is empty before it changes anything."""
from __future__ import annotations

import datetime
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from typing import Any, Callable, Optional

FORMAT = 1
CHUNK = 1 << 20
MANIFEST = "manifest.json"
SECRETS_NOTE = ("Not in the archive: the secret key (SECRET_KEY in ckan.ini; .run/secret_key "
                "for scripts/portal) and any other key in the configuration. Back them up "
                "separately (e.g. in the office safe or a password manager): without the "
                "same secret key a restored portal logs everyone out and refuses the old "
                "API tokens.")

# A TOC line of `pg_restore -l`: "3353; 1255 16390 FUNCTION public name(args) owner"
_TOC_OBJECT = re.compile(r"^\d+; \d+ \d+ [A-Z ]+? public ([^ (]+)")


class Refused(Exception):
    """The archive or the target is not fit for a restore: nothing was changed."""


def pg_tool(name: str) -> str:
    """pg_dump/pg_restore of the newest PostgreSQL installed (Debian's layout),
    or the one on PATH; SATUDATA_PG_BIN names a directory explicitly."""
    explicit = os.environ.get("SATUDATA_PG_BIN")
    if explicit:
        return os.path.join(explicit, name)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/" + name),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if found:
        return found[-1]
    which = shutil.which(name)
    if not which:
        raise RuntimeError("%s not found: install postgresql-client" % name)
    return which


def _libpq_url(url: str) -> str:
    # SQLAlchemy's dialect prefix is not libpq's
    return re.sub(r"^postgresql\+\w+://", "postgresql://", url)


def sources(config: Any) -> dict[str, Any]:
    """What a portal holds, from its configuration."""
    databases = {"ckan": config.get("sqlalchemy.url")}
    if config.get("ckan.datastore.write_url"):
        databases["datastore"] = config.get("ckan.datastore.write_url")
    directories = {}
    storage = config.get("ckan.storage_path")
    if storage:
        directories["storage"] = os.path.realpath(storage)
    requests_dir = config.get("ckanext.satudata.request_storage_path")
    if requests_dir and not (storage and _inside(requests_dir, storage)):
        directories["requests"] = os.path.realpath(requests_dir)
    mail = config.get("ckanext.satudata.mail_sink_dir")
    if mail:
        directories["mail"] = os.path.realpath(mail)
    return {"databases": databases, "directories": directories}


def _inside(path: str, root: str) -> bool:
    path, root = os.path.realpath(path), os.path.realpath(root)
    return path == root or path.startswith(root + os.sep)


def _sha256_copy(src, dst=None) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while True:
        chunk = src.read(CHUNK)
        if not chunk:
            return digest.hexdigest(), size
        digest.update(chunk)
        size += len(chunk)
        if dst is not None:
            dst.write(chunk)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def backup(config: Any, destination: str, say: Callable[[str], None] = lambda s: None) -> str:
    """Write one archive into `destination`; returns its path."""
    parts = sources(config)
    os.makedirs(destination, exist_ok=True)
    started = _now()
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    final = os.path.join(destination, "satudata-backup-%s.tar.gz" % stamp)
    staging = tempfile.mkdtemp(prefix=".satudata-backup-", dir=destination)
    manifest: dict[str, Any] = {
        "format": FORMAT, "created": started.isoformat(), "site_id": config.get("ckan.site_id"),
        "secrets": "not included", "parts": {}}
    try:
        os.makedirs(os.path.join(staging, "databases"))
        for name, url in parts["databases"].items():
            member = "databases/%s.pgdump" % name
            target = os.path.join(staging, member)
            say("dumping the %s database" % name)
            # -Fc: compressed, restorable table by table; no owner or grants,
            # so the target's own roles own what is restored
            subprocess.run([pg_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges",
                            "-f", target, "--dbname", _libpq_url(url)],
                           check=True, stdin=subprocess.DEVNULL)
            with open(target, "rb") as f:
                sha, size = _sha256_copy(f)
            manifest["parts"][member] = {"sha256": sha, "size": size}
        for name, root in parts["directories"].items():
            if not os.path.isdir(root):
                continue
            say("copying files of %s (%s)" % (name, root))
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames.sort()
                # request files kept inside storage are part of storage; a
                # backup written under the storage path is never backed up
                dirnames[:] = [d for d in dirnames if not _inside(
                    os.path.join(dirpath, d), destination)]
                for filename in sorted(filenames):
                    path = os.path.join(dirpath, filename)
                    if not os.path.isfile(path) or os.path.islink(path):
                        continue
                    rel = os.path.relpath(path, root)
                    member = "files/%s/%s" % (name, rel.replace(os.sep, "/"))
                    target = os.path.join(staging, member)
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    try:
                        with open(path, "rb") as src, open(target, "wb") as dst:
                            sha, size = _sha256_copy(src, dst)
                    except FileNotFoundError:   # removed while we walked
                        continue
                    manifest["parts"][member] = {"sha256": sha, "size": size}
        manifest["seconds"] = round((_now() - started).total_seconds(), 2)
        with open(os.path.join(staging, MANIFEST), "w") as f:
            json.dump(manifest, f, indent=1, sort_keys=True)
        say("writing %s" % final)
        partial = final + ".partial"
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            tar.add(os.path.join(staging, MANIFEST), MANIFEST)
            for member in sorted(manifest["parts"]):
                tar.add(os.path.join(staging, member), member)
        os.replace(partial, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if os.path.exists(final + ".partial"):
            os.remove(final + ".partial")
    return final


# -- restore ------------------------------------------------------------------------


def _safe_member(name: str) -> bool:
    parts = name.split("/")
    return not (name.startswith("/") or ".." in parts or "" in parts or "\\" in name)


def verify(archive: str, into: Optional[str] = None) -> dict[str, Any]:
    """Check every part of `archive` against its manifest (extracting into
    `into` when given); returns the manifest or raises Refused."""
    try:
        tar = tarfile.open(archive, "r:gz")
    except (OSError, tarfile.TarError, EOFError) as e:
        raise Refused("the archive cannot be read (%s): it is damaged or not a backup" % e)
    manifest = None
    seen: dict[str, tuple[str, int]] = {}
    try:
        with tar:
            for info in tar:
                if not info.isfile():
                    raise Refused("unexpected entry %r in the archive" % info.name)
                if not _safe_member(info.name):
                    raise Refused("unsafe path %r in the archive" % info.name)
                src = tar.extractfile(info)
                if info.name == MANIFEST:
                    try:
                        manifest = json.loads(src.read(16 * CHUNK).decode("utf-8"))
                    except ValueError as e:
                        raise Refused("the manifest is damaged (%s)" % e)
                    continue
                if into is None:
                    seen[info.name] = _sha256_copy(src)
                else:
                    target = os.path.join(into, info.name)
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    with open(target, "wb") as dst:
                        seen[info.name] = _sha256_copy(src, dst)
    except (OSError, tarfile.TarError, EOFError) as e:
        raise Refused("the archive is damaged (%s)" % e)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT \
            or not isinstance(manifest.get("parts"), dict):
        raise Refused("the archive has no manifest of format %d: not a satudata backup" % FORMAT)
    expected = manifest["parts"]
    for member, entry in sorted(expected.items()):
        if member not in seen:
            raise Refused("part %s named in the manifest is missing" % member)
        sha, size = seen[member]
        if sha != entry.get("sha256") or size != entry.get("size"):
            raise Refused("part %s does not match the manifest (SHA-256 %s, expected %s)"
                          % (member, sha, entry.get("sha256")))
    extra = sorted(set(seen) - set(expected))
    if extra:
        raise Refused("part %s is not in the manifest" % extra[0])
    return manifest


def _user_tables(url: str, ignore: tuple = ()) -> list[str]:
    import sqlalchemy as sa
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            names = conn.execute(sa.text(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
                "AND n.nspname NOT LIKE 'pg_toast%' AND c.relkind IN ('r', 'p')")).scalars().all()
    finally:
        engine.dispose()
    return sorted(n for n in names if n not in ignore)


def _files_in(root: str) -> bool:
    for _dirpath, _dirnames, filenames in os.walk(root):
        if filenames:
            return True
    return False


def check_target(config: Any) -> dict[str, Any]:
    """The target's databases hold no table and its directories no file."""
    parts = sources(config)
    for name, url in parts["databases"].items():
        tables = _user_tables(url, ignore=("_table_stats",) if name == "datastore" else ())
        if tables:
            raise Refused("the %s database is not empty (%d tables, e.g. %s): restore into "
                          "fresh databases" % (name, len(tables), tables[0]))
    for name, root in parts["directories"].items():
        if os.path.isdir(root) and _files_in(root):
            raise Refused("the %s directory %s is not empty: restore into an empty one"
                          % (name, root))
    return parts


def _public_objects(url: str) -> set[str]:
    import sqlalchemy as sa
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return set(conn.execute(sa.text(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' UNION SELECT p.proname FROM pg_proc p "
                "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'"
            )).scalars())
    finally:
        engine.dispose()


def _pg_restore(dump: str, url: str, datastore: bool) -> None:
    args = [pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
            "--single-transaction", "--dbname", _libpq_url(url)]
    if datastore:
        listing = subprocess.run([pg_tool("pg_restore"), "-l", dump], check=True,
                                 capture_output=True, text=True).stdout
        # what `ckan datastore set-permissions` made in the target already
        # (the _table_metadata view, _table_stats, their functions) stays
        present = _public_objects(url)
        kept = "\n".join(line for line in listing.splitlines()
                         if not (_TOC_OBJECT.match(line)
                                 and _TOC_OBJECT.match(line).group(1) in present)) + "\n"
        list_file = dump + ".list"
        with open(list_file, "w") as f:
            f.write(kept)
        args += ["-L", list_file]
    subprocess.run(args + [dump], check=True, stdin=subprocess.DEVNULL)


def restore(config: Any, archive: str, say: Callable[[str], None] = lambda s: None
            ) -> dict[str, Any]:
    """Restore `archive` onto the empty portal `config` describes."""
    parts = check_target(config)
    anchor = parts["directories"].get("storage") or os.path.dirname(os.path.abspath(archive))
    os.makedirs(os.path.dirname(anchor), exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".satudata-restore-", dir=os.path.dirname(anchor))
    try:
        say("checking %s against its manifest" % archive)
        manifest = verify(archive, into=staging)
        members = manifest["parts"]
        for name in ("ckan", "datastore"):
            member = "databases/%s.pgdump" % name
            if member in members and name not in parts["databases"]:
                raise Refused("the archive holds a %s database but this portal has none "
                              "configured" % name)
        for member in members:
            if member.startswith("files/") and member.split("/")[1] not in parts["directories"]:
                raise Refused("the archive holds %s files but this portal has no such "
                              "directory configured" % member.split("/")[1])
        for name in ("ckan", "datastore"):
            member = "databases/%s.pgdump" % name
            if member in members:
                say("restoring the %s database" % name)
                _pg_restore(os.path.join(staging, member), parts["databases"][name],
                            datastore=name == "datastore")
        for name, root in parts["directories"].items():
            source = os.path.join(staging, "files", name)
            if not os.path.isdir(source):
                continue
            say("restoring files of %s into %s" % (name, root))
            os.makedirs(root, exist_ok=True)
            for entry in os.listdir(source):
                target = os.path.join(root, entry)
                if os.path.isdir(target):   # empty folders the portal made
                    shutil.rmtree(target)
                shutil.move(os.path.join(source, entry), target)
        return manifest
    finally:
        shutil.rmtree(staging, ignore_errors=True)

"""The generation goes up after every committed write that a cached page
could show. Watched at the SQL level (SQLAlchemy engine and pool events, for
every engine of the process: CKAN's, the DataStore's), so it does not matter
which action, job or plugin wrote: a publish, a withdrawal, a revision, a view,
a DataStore load, an OPD renamed, a site setting, the search index.

After the commit, never before: a page rendered between the write and its
commit shows the old content, and it must land under a generation that is
already over. The move happens when the connection goes back to the pool,
which follows its commit (or its rollback, then nothing moves)."""
from __future__ import annotations

import re

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from ckanext.satudata.page_cache import store

# CKAN's tables a visitor's dataset, resource, search or home page reads.
CORE_TABLES = frozenset((
    "package", "package_extra", "resource", "resource_view", "group", "group_extra",
    "member", "tag", "package_tag", "vocabulary", "system_info",
    "package_relationship", "package_member", "user",
    # the quality score's link checks and the loader's status
    "task_status",
    # what a logged-in person's kept new-activity count comes from
    # (theme/dashboard.py satudata_new_activities): follows, rare writes. An
    # activity is written with the dataset, OPD or user change it records.
    "user_following_dataset", "user_following_group", "user_following_user"))
# Tables of this package that no public page reads (the request desk, mail,
# audit and privacy records are never on a cached page); every other
# satudata_ table counts (workflow, revisions, search index, quality).
# (The names must be the tables' own: "satudata_access_log" stood here for
# satudata_personal_access_log, so every look at the request board, which
# logs the personal data it shows, emptied every visitor's kept pages.)
SATUDATA_UNSEEN_PREFIXES = (
    "satudata_outbox", "satudata_reminder_log", "satudata_data_request",
    "satudata_request_", "satudata_objection", "satudata_personal_access_log")
# A DataStore table is named by its resource id.
_DATASTORE_TABLE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_WRITE = re.compile(
    r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|ALTER\s+TABLE|"
    r"DROP\s+TABLE(?:\s+IF\s+EXISTS)?|CREATE\s+TABLE(?:\s+IF\s+NOT\s+EXISTS)?)"
    r"\s+(?:ONLY\s+)?(?:(?:\"[^\"]+\"|\w+)\.)?(\"[^\"]+\"|\w+)", re.I)
_FIRST_WORD = re.compile(r"\s*(\w+)")
# The request desk's tables: on no cached page, but in a staff member's kept
# count of what waits for them (theme/dashboard.py satudata_waiting), which
# is filed under the desk generation; it also moves with the page generation.
DESK_PREFIXES = ("satudata_data_request", "satudata_request_", "satudata_objection")
_WRITTEN = "satudata_page_write"
_COMMITTED = "satudata_page_committed"
_DESK_WRITTEN = "satudata_desk_write"
_DESK_COMMITTED = "satudata_desk_committed"


def seen_on_pages(table: str) -> bool:
    table = table.strip('"').lower()
    if table in CORE_TABLES or _DATASTORE_TABLE.match(table):
        return True
    return table.startswith("satudata_") and not table.startswith(SATUDATA_UNSEEN_PREFIXES)


def on_the_desk(table: str) -> bool:
    return table.strip('"').lower().startswith(DESK_PREFIXES)


def _written_tables(statement: str) -> list[str]:
    first = _FIRST_WORD.match(statement)
    if first and first.group(1).upper() in ("SELECT", "SHOW", "SET", "BEGIN", "SAVEPOINT",
                                             "RELEASE", "COMMIT", "ROLLBACK"):
        return []
    return _WRITE.findall(statement)


# CKAN notes when a logged-in person was last active (`user.last_active`, at
# each login and then at most every ckan.user.last_active_interval seconds of
# their work): on no page a visitor sees. Counted as a write, it emptied every
# visitor's kept pages whenever anyone of the staff was working. Only the
# ORM's statement that sets that column alone is let through.
_ONLY_LAST_ACTIVE = re.compile(
    r'^\s*UPDATE\s+"?user"?\s+SET\s+last_active\s*=\s*%\(\w+\)s\s+WHERE\s', re.I)


def writes_pages(statement: str) -> bool:
    """The statement may change what a cached page shows (a false yes only
    costs renders; a false no would serve stale pages)."""
    return _shows(statement, _written_tables(statement))


def _shows(statement: str, tables: list[str]) -> bool:
    if not tables or _ONLY_LAST_ACTIVE.match(statement):
        return False
    return any(seen_on_pages(t) for t in tables)


def writes_desk(statement: str) -> bool:
    """The statement may change a request on the desk (a kept work count)."""
    return any(on_the_desk(t) for t in _written_tables(statement))


def _info(conn):
    """The pooled connection's notes; None for a connection already lost
    (its rollback must not fail here: the pool throws it away anyway)."""
    try:
        return conn.info
    except Exception:  # noqa: BLE001 - PendingRollbackError, a closed connection
        return None


def _note_write(conn, cursor, statement, parameters, context, executemany):
    tables = _written_tables(statement)   # every statement passes here: parsed once
    if _shows(statement, tables):
        conn.info[_WRITTEN] = True
    if any(on_the_desk(t) for t in tables):
        conn.info[_DESK_WRITTEN] = True


def _committed(conn):
    info = _info(conn)
    if info is None:
        return
    if info.pop(_WRITTEN, False):
        info[_COMMITTED] = True
    if info.pop(_DESK_WRITTEN, False):
        info[_DESK_COMMITTED] = True


def _rolled_back(conn):
    info = _info(conn)
    if info is not None:
        info.pop(_WRITTEN, None)
        info.pop(_DESK_WRITTEN, None)


def _returned(dbapi_connection, record):
    # a write left without commit or rollback was autocommitted, or its
    # connection was lost mid-way (or is about to be rolled back by the pool):
    # moving on costs only renders
    if record.info.pop(_COMMITTED, False) | record.info.pop(_WRITTEN, False):
        store.next_generation()
    elif record.info.pop(_DESK_COMMITTED, False) | record.info.pop(_DESK_WRITTEN, False):
        store.next_desk_generation()
    record.info.pop(_DESK_COMMITTED, None)
    record.info.pop(_DESK_WRITTEN, None)


_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    event.listen(Engine, "before_cursor_execute", _note_write)
    event.listen(Engine, "commit", _committed)
    event.listen(Engine, "rollback", _rolled_back)
    event.listen(Pool, "checkin", _returned)
    _installed = True

"""The one controlled way past the append-only triggers: deletes by a retention job.

The access log, the case history and a sealed RIEC inbreng are protected by database
triggers that refuse UPDATE and DELETE (migrations ``permissions/0002``, ``0006`` and
``casework/0003``). Retention must still remove rows whose term has passed. This module is
the only code that opens that door, and only for DELETE, only inside the caller's
transaction:

- **PostgreSQL**: the trigger functions let a DELETE through when the transaction has set
  ``ketenregie.retention`` to ``on``. The setting is transaction-local, so it cannot leak
  to the next request on a pooled connection; it is also reset on the way out of the block,
  so the rest of a longer transaction runs with the door shut again.
- **SQLite** (embedded profile): the triggers refuse without exception, so the DELETE
  triggers of the named tables are dropped and re-created from their own stored SQL
  (``sqlite_master``) inside the same transaction. SQLite DDL is transactional: a rollback
  restores them, and no other connection can write in between (SQLite has one writer).

UPDATE stays refused everywhere: retention deletes rows, it never edits history.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

RETENTION_SETTING = "ketenregie.retention"


# Django's cursor wrapper takes %s on every backend; a bare sqlite3 cursor takes ?.
_TRIGGERS_SQL = {
    "django": "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
    "sqlite3": "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
}


def sqlite_delete_triggers(cursor: Any, *, tables: Sequence[str]) -> list[tuple[str, str]]:
    """The (name, sql) of every BEFORE DELETE trigger on ``tables`` (SQLite only)."""
    found: list[tuple[str, str]] = []
    for table in tables:
        cursor.execute(_TRIGGERS_SQL["django" if hasattr(cursor, "db") else "sqlite3"], [table])
        for name, sql in cursor.fetchall():
            if "BEFORE DELETE" in " ".join(str(sql).upper().split()):
                found.append((str(name), str(sql)))
    return found


@contextmanager
def sqlite_delete_triggers_lifted(cursor: Any, *, tables: Sequence[str]) -> Iterator[None]:
    """Drop the DELETE triggers of ``tables`` and re-create them afterwards (SQLite).

    The caller holds a transaction; on an exception the triggers are re-created too (and a
    rollback would restore them anyway).
    """
    triggers = sqlite_delete_triggers(cursor, tables=tables)
    for name, _sql in triggers:
        cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    try:
        yield
    finally:
        for _name, sql in triggers:
            cursor.execute(sql)


@contextmanager
def retention_deletes(*, tables: Sequence[str]) -> Iterator[None]:
    """Allow DELETE (never UPDATE) on the append-only ``tables`` inside this block.

    Must run inside ``transaction.atomic``; raises RuntimeError otherwise, because outside
    a transaction PostgreSQL's ``SET LOCAL`` would do nothing and SQLite's dropped triggers
    would be visible to the next statement of another request. Other vendors have no
    triggers and need nothing.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("retention_deletes must run inside transaction.atomic()")
    # A savepoint of our own: when the block raises, rolling it back also undoes the setting
    # (PostgreSQL) and the dropped triggers (SQLite), even if the caller catches the error
    # and carries on in its transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, 'on', true)", [RETENTION_SETTING])
            yield
            cursor.execute("SELECT set_config(%s, 'off', true)", [RETENTION_SETTING])
        elif connection.vendor == "sqlite":
            with sqlite_delete_triggers_lifted(cursor, tables=tables):
                yield
        else:  # pragma: no cover - only PostgreSQL and SQLite are supported
            yield

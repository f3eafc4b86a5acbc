"""The append-only tables open for DELETE by retention only, on PostgreSQL and on SQLite."""

from __future__ import annotations

import sqlite3

import pytest
from django.db import transaction

from permissions.append_only import retention_deletes, sqlite_delete_triggers_lifted
from permissions.models import AccessAction, AccessLog
from permissions.services import AccessEvent, access_log_record

# The access log's triggers as the SQLite migrations create them.
SQLITE_TRIGGERS = (
    """CREATE TRIGGER permissions_accesslog_no_update BEFORE UPDATE ON log
       BEGIN SELECT RAISE(ABORT, 'log is append-only'); END;""",
    """CREATE TRIGGER permissions_accesslog_no_delete
BEFORE DELETE ON log
BEGIN SELECT RAISE(ABORT, 'log is append-only'); END;""",
)


def _log_row() -> None:
    access_log_record(
        actor=None, origin=None, events=[AccessEvent(action=AccessAction.SEARCH, object_type="t")]
    )


def test_postgres_refuses_delete_and_update_outside_retention(db):
    _log_row()
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AccessLog.objects.all().delete()
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AccessLog.objects.update(reason="x")


def test_postgres_allows_delete_but_never_update_inside_retention(db):
    _log_row()
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        retention_deletes(tables=["permissions_accesslog"]),
    ):
        AccessLog.objects.update(reason="x")
    with transaction.atomic(), retention_deletes(tables=["permissions_accesslog"]):
        AccessLog.objects.all().delete()
    assert not AccessLog.objects.exists()
    # Closed again for the next statement.
    _log_row()
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AccessLog.objects.all().delete()


def test_the_door_shuts_when_the_block_fails_inside_a_longer_transaction(db):
    _log_row()
    with transaction.atomic():
        try:
            with retention_deletes(tables=["permissions_accesslog"]):
                raise RuntimeError("stopped")
        except RuntimeError:
            pass
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            AccessLog.objects.all().delete()


def test_retention_deletes_needs_a_transaction(transactional_db):
    with pytest.raises(RuntimeError), retention_deletes(tables=["permissions_accesslog"]):
        pass


def _sqlite() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:", isolation_level=None)
    connection.execute("CREATE TABLE log (id INTEGER PRIMARY KEY, reason TEXT)")
    for statement in SQLITE_TRIGGERS:
        connection.execute(statement)
    connection.executemany("INSERT INTO log (reason) VALUES (?)", [("a",), ("b",)])
    return connection


def test_sqlite_lifts_only_the_delete_trigger_for_the_block_and_restores_it():
    connection = _sqlite()
    cursor = connection.cursor()
    cursor.execute("BEGIN")
    with sqlite_delete_triggers_lifted(cursor, tables=["log"]):
        cursor.execute("DELETE FROM log WHERE reason = 'a'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            cursor.execute("UPDATE log SET reason = 'x'")
    cursor.execute("COMMIT")

    assert connection.execute("SELECT reason FROM log").fetchall() == [("b",)]
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        connection.execute("DELETE FROM log")
    names = {
        r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
    }
    assert names == {"permissions_accesslog_no_update", "permissions_accesslog_no_delete"}


def test_sqlite_rollback_restores_the_trigger_and_the_rows():
    connection = _sqlite()
    cursor = connection.cursor()
    cursor.execute("BEGIN")
    with pytest.raises(RuntimeError), sqlite_delete_triggers_lifted(cursor, tables=["log"]):
        cursor.execute("DELETE FROM log")
        raise RuntimeError("job stopped")
    cursor.execute("ROLLBACK")

    assert connection.execute("SELECT count(*) FROM log").fetchone() == (2,)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        connection.execute("DELETE FROM log")

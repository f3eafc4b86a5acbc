"""The three settings profiles: chosen by environment, production safe, embedded self-contained."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.keys import MissingKeyError, load_keys, new_key_text
from config.settings.select import default_settings_module

ROOT = Path(__file__).resolve().parent.parent


def production_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KETENREGIE_", "DJANGO_"))}
    env.update(
        {
            "KETENREGIE_PROFILE": "production",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/ketenregie",
            "REDIS_URL": "redis://127.0.0.1:6379/14",
            "ALLOWED_HOSTS": "ketenregie.lindewaard.example",
            "KETENREGIE_FIELD_KEK_KEY": new_key_text(),
            "KETENREGIE_BLIND_INDEX_KEY": new_key_text(),
            "KETENREGIE_SIGNING_KEY": new_key_text(64),
        }
    )
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "config.settings.embedded"),
        ({"DATABASE_URL": "postgres://x/y"}, "config.settings.production"),
        ({"KETENREGIE_PROFILE": "test"}, "config.settings.test"),
        (
            {"KETENREGIE_PROFILE": "embedded", "DATABASE_URL": "postgres://x/y"},
            "config.settings.embedded",
        ),
    ],
)
def test_profile_is_chosen_by_environment(monkeypatch, env, expected):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("KETENREGIE_PROFILE", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert default_settings_module() == expected


def test_unknown_profile_is_refused(monkeypatch):
    monkeypatch.setenv("KETENREGIE_PROFILE", "staging")
    with pytest.raises(RuntimeError, match="not a profile"):
        default_settings_module()


def test_production_deploy_check_is_clean(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_its_environment(tmp_path):
    for missing in ("ALLOWED_HOSTS", "DATABASE_URL", "KETENREGIE_FIELD_KEK_KEY"):
        env = production_env(tmp_path)
        env.pop(missing)
        result = manage(env, "check")
        assert result.returncode != 0
        assert missing in result.stderr


def test_production_reads_keys_from_files(tmp_path):
    env = production_env(tmp_path)
    for name in ("FIELD_KEK", "BLIND_INDEX", "SIGNING"):
        path = tmp_path / name.lower()
        path.write_text(env.pop(f"KETENREGIE_{name}_KEY"))
        env[f"KETENREGIE_{name}_KEY_FILE"] = str(path)
    result = manage(env, "check")
    assert result.returncode == 0, result.stderr


def test_embedded_generates_keys_once_and_reuses_them(tmp_path, monkeypatch, caplog):
    for name in ("FIELD_KEK", "BLIND_INDEX", "SIGNING"):
        monkeypatch.delenv(f"KETENREGIE_{name}_KEY", raising=False)
    with caplog.at_level("WARNING", logger="ketenregie.keys"):
        first = load_keys(key_dir=tmp_path / "keys", generate=True)
    assert "Generated a new field_kek key" in caplog.text
    second = load_keys(key_dir=tmp_path / "keys", generate=True)
    assert first == second
    assert len({first.field_kek, first.blind_index, first.signing.encode()}) == 3
    assert (tmp_path / "keys").stat().st_mode & 0o777 == 0o700


def test_missing_or_malformed_keys_are_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("KETENREGIE_FIELD_KEK_KEY", raising=False)
    with pytest.raises(MissingKeyError, match="KETENREGIE_FIELD_KEK_KEY"):
        load_keys(key_dir=None, generate=False)
    monkeypatch.setenv("KETENREGIE_FIELD_KEK_KEY", base64.urlsafe_b64encode(b"short").decode())
    monkeypatch.setenv("KETENREGIE_BLIND_INDEX_KEY", new_key_text())
    monkeypatch.setenv("KETENREGIE_SIGNING_KEY", new_key_text(64))
    with pytest.raises(MissingKeyError, match="32 bytes"):
        load_keys(key_dir=None, generate=False)


def test_embedded_profile_uses_sqlite_wal_and_the_file_system_broker(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KETENREGIE_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env["KETENREGIE_VAR_DIR"] = str(tmp_path / "var")
    code = (
        "from django.conf import settings as s; from django.db import connection as c;"
        "cur = c.cursor(); cur.execute('PRAGMA journal_mode'); "
        "print(s.DATABASES['default']['ENGINE'], cur.fetchone()[0], s.CELERY_BROKER_URL)"
    )
    result = manage(env, "shell", "-v", "0", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "wal", "filesystem://"]


def test_unreadable_key_file_gives_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("KETENREGIE_FIELD_KEK_KEY", raising=False)
    monkeypatch.setenv("KETENREGIE_FIELD_KEK_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(MissingKeyError, match=r"KETENREGIE_FIELD_KEK_KEY_FILE=.* is unreadable"):
        load_keys(key_dir=None, generate=False)


def test_keys_never_appear_in_a_settings_dump():
    from django.conf import settings

    shown = repr(settings.KETENREGIE_KEYS)
    assert settings.KETENREGIE_KEYS.signing not in shown
    assert repr(settings.KETENREGIE_KEYS.field_kek) not in shown


def test_embedded_access_log_refuses_update_and_delete(tmp_path):
    import sqlite3

    env = {k: v for k, v in os.environ.items() if not k.startswith(("KETENREGIE_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env["KETENREGIE_VAR_DIR"] = str(tmp_path / "var")
    assert manage(env, "migrate", "--noinput", "-v0").returncode == 0
    with sqlite3.connect(tmp_path / "var" / "ketenregie.sqlite3") as db:
        db.execute(
            "INSERT INTO permissions_accesslog (uuid, at, action, result, object_type, object_id,"
            " field_groups, reason, actor_username, actor_role, actor_organisation, detail)"
            " VALUES ('0f0e0d0c0b0a09080706050403020100', '2026-01-01', 'read_case', 'ok',"
            " 'case', 'x', '[]', '', '', '', '', '{}')"
        )
        for statement in (
            "UPDATE permissions_accesslog SET reason = 'x'",
            "DELETE FROM permissions_accesslog",
        ):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                db.execute(statement)


def test_the_embedded_database_keeps_its_append_only_and_sealed_triggers(tmp_path):
    """SQLite alters a table by copying it, which loses its triggers: after every migration
    the embedded database must still refuse changes to history, the access log and a sealed
    RIEC inbreng."""
    import sqlite3

    env = {k: v for k, v in os.environ.items() if not k.startswith(("KETENREGIE_", "DJANGO_"))}
    env.update({"KETENREGIE_PROFILE": "embedded", "KETENREGIE_VAR_DIR": str(tmp_path)})
    migrated = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrated.returncode == 0, migrated.stderr
    with sqlite3.connect(tmp_path / "ketenregie.sqlite3") as db:
        triggers = {
            row[0]
            for row in db.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'")
        }
        names = {
            row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
    assert {"permissions_accesslog", "casework_casehistory", "casework_riecinbreng"} <= triggers
    assert {"casework_inbreng_sealed_update", "casework_inbreng_sealed_delete"} <= names

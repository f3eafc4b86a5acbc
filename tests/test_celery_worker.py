"""Real Celery worker processes complete tasks: on the embedded file-system broker and on Redis.

These tests start `celery worker` as a subprocess, as production does; nothing is eager.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

from notifications.models import Heartbeat
from notifications.tasks import heartbeat

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.worker


@contextmanager
def running(cmd: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_until(predicate, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-4000:]}")


def worker_cmd(*extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--loglevel",
        "INFO",
        "--concurrency",
        "1",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        *extra,
    ]


def test_worker_with_beat_on_the_embedded_file_system_broker(tmp_path):
    # Given a fresh embedded installation in its own data folder
    env = {
        **os.environ,
        "KETENREGIE_PROFILE": "embedded",
        "KETENREGIE_VAR_DIR": str(tmp_path / "var"),
        "KETENREGIE_HEARTBEAT_SECONDS": "1",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    database = tmp_path / "var" / "ketenregie.sqlite3"
    for name in ("field_kek", "blind_index", "signing"):
        assert (tmp_path / "var" / "keys" / name).stat().st_mode & 0o077 == 0

    def beat_rows(name: str) -> int:
        with sqlite3.connect(database) as db:
            row = db.execute(
                "SELECT count FROM notifications_heartbeat WHERE name = ?", (name,)
            ).fetchone()
        return row[0] if row else 0

    # A producer that talks to the same file-system broker, as the web process does.
    broker = tmp_path / "var" / "broker"
    producer = Celery("probe", broker="filesystem://")
    producer.conf.broker_transport_options = {
        "data_folder_in": str(broker / "queue"),
        "data_folder_out": str(broker / "queue"),
        "control_folder": str(broker / "control"),
    }
    probe = f"probe-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    with running(worker_cmd("--beat", "--schedule", str(tmp_path / "beat-schedule")), env, log):
        # When a task is sent through the broker, then the worker completes it,
        producer.send_task("notifications.tasks.heartbeat", kwargs={"name": probe})
        wait_until(lambda: beat_rows(probe) == 1, 60, "the sent task", log)
        # and beat schedules the heartbeat on its own, repeatedly.
        wait_until(lambda: beat_rows("beat") >= 2, 60, "two beat heartbeats", log)


@pytest.mark.django_db(transaction=True)
def test_worker_on_redis_completes_a_task(tmp_path):
    # The worker uses the test database this test runs in, and the Redis broker of the tests.
    db = connection.settings_dict
    env = {
        **os.environ,
        "KETENREGIE_PROFILE": "test",
        "TEST_DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
    }
    queue = f"test-{uuid.uuid4().hex[:8]}"
    probe = f"probe-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    with running(worker_cmd("--queues", queue), env, log):
        heartbeat.apply_async(kwargs={"name": probe}, queue=queue)
        wait_until(lambda: Heartbeat.objects.filter(name=probe).exists(), 60, "the Redis task", log)
    assert Heartbeat.objects.get(name=probe).count == 1

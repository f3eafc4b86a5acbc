"""Throwaway Redis and PostgreSQL servers on free loopback ports, for the fault tests and the soak.

Never the shared servers of the test suite: these are started here, stopped, killed and
restarted here, by process id and signal, and their data lives in a temporary folder.
Each helper says why it cannot run (``unavailable()``) so that a test can skip with a reason.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import redis


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise RuntimeError(f"timed out waiting for {what}")


class PrivateRedis:
    """``redis-server`` on a free loopback port, without persistence."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @staticmethod
    def unavailable() -> str:
        return "" if shutil.which("redis-server") else "redis-server is not installed"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def answers(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait(self.answers, 15, f"redis on port {self.port}")

    def stop(self, sig: int = signal.SIGKILL) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(15)
        self.proc = None


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PrivatePostgres:
    """A PostgreSQL cluster of its own (``initdb`` + ``pg_ctl``) on a free loopback port.

    PostgreSQL refuses to run as root; as root the cluster belongs to the ``postgres`` system
    user and its commands run through ``runuser``. Connections are trusted, loopback only.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.bin = _pg_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="ketenregie-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"

    @staticmethod
    def unavailable() -> str:
        if _pg_bin() is None:
            return "PostgreSQL's initdb and pg_ctl are not installed"
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                return "running as root without a 'postgres' user to own a throwaway cluster"
            if not shutil.which("runuser"):
                return "running as root without runuser to become the 'postgres' user"
        return ""

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        assert self.bin is not None
        cmd = [str(self.bin / tool), *args]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=120)

    def url(self, dbname: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def answers(self) -> bool:
        try:
            psycopg.connect(
                host="127.0.0.1",
                port=self.port,
                user="postgres",
                dbname="postgres",
                connect_timeout=1,
            ).close()
        except psycopg.Error:
            return False
        return True

    def init(self) -> None:
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.dir} -c fsync=off -c max_connections=100"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )
        _wait(self.answers, 30, f"PostgreSQL on port {self.port}")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop", check=False)

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def create_database(self, name: str) -> None:
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


ROOT = Path(__file__).resolve().parent.parent.parent


def production_env(
    *,
    database_url: str,
    redis_url: str,
    field_kek: bytes | None = None,
    blind_index: bytes | None = None,
    **extra: str,
) -> dict[str, str]:
    """The environment of the production profile on loopback: no TLS redirect, demo users
    allowed, fresh keys unless given (a test's own keys, to share its database's data)."""
    import base64

    from config.keys import SIGNING_KEY_BYTES, new_key_text

    def text(key: bytes | None) -> str:
        return base64.urlsafe_b64encode(key).decode() if key else new_key_text(32)

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("KETENREGIE_", "DJANGO_", "TEST_", "CELERY_"))
    }
    env.update(
        {
            "KETENREGIE_PROFILE": "production",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "KETENREGIE_FIELD_KEK_KEY": text(field_kek),
            "KETENREGIE_BLIND_INDEX_KEY": text(blind_index),
            "KETENREGIE_SIGNING_KEY": new_key_text(SIGNING_KEY_BYTES),
            "KETENREGIE_ALLOW_DEMO_USERS": "true",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        }
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    """Run ``manage.py`` with ``env``; return what it printed."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def gunicorn(
    env: dict[str, str], port: int, log: Path, *, workers: int = 2
) -> subprocess.Popen[bytes]:
    """gunicorn with the WSGI application on a loopback port; waits until it answers."""
    out = log.open("ab")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
        ],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def up() -> bool:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text()[-4000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            return False

    _wait(up, 60, "gunicorn")
    return proc


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Stop a process started here (by its id) and wait for it; SIGKILL after 20 s."""
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def dispatch_in_a_process(env: dict[str, str], *, batch: int | None = None) -> None:
    """One run of the reminder dispatcher in a process of its own, as beat starts it
    (claiming ``batch`` reminders per send task instead of the default)."""
    code = "import notifications.tasks as t; "
    if batch is not None:
        code += f"t.CLAIM_BATCH = {int(batch)}; "
    manage(env, "shell", "-c", code + "t.dispatch_due()")


def descendants(pid: int) -> list[int]:
    """The ids of ``pid``'s child processes and theirs (from /proc)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found

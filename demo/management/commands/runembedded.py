"""Run the embedded profile: the web server and a Celery worker with beat, together.

Ctrl-C stops both; if either stops on its own, the other is stopped too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from demo.services import demo_password


class Command(BaseCommand):
    help = "Start the web server and a Celery worker with beat (embedded profile)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))

    def handle(self, *args: Any, **options: Any) -> None:
        address = f"{options['host']}:{options['port']}"
        python = sys.executable
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        worker_cmd = [
            python,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--beat",
            "--loglevel",
            "INFO",
            "--concurrency",
            "2",
            "--schedule",
            settings.CELERY_BEAT_SCHEDULE_FILENAME,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        web_cmd = [python, "manage.py", "runserver", address, "--noreload", "--skip-checks"]
        processes = {
            "worker": subprocess.Popen(worker_cmd, env=env, start_new_session=True),  # noqa: S603
            "web server": subprocess.Popen(web_cmd, env=env, start_new_session=True),  # noqa: S603
        }
        host = "localhost" if options["host"] in {"127.0.0.1", "0.0.0.0"} else options["host"]  # noqa: S104
        self.stdout.write(
            self.style.SUCCESS(
                "\n"
                f"  Ketenregie (embedded profile) runs at http://{host}:{options['port']}/\n"
                f"  Sign in as 'coordinator' with password '{demo_password()}'\n"
                f"  (other demo users: see README.md). Health: http://{host}:{options['port']}/healthz\n"
                "  Press Ctrl-C to stop the web server and the worker.\n"
            )
        )
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        try:
            while not stopping:
                for name, proc in processes.items():
                    code = proc.poll()
                    if code is not None:
                        self.stderr.write(f"The {name} stopped with exit code {code}")
                        exit_code = code or 1
                        stopping = True
                time.sleep(0.5)
        finally:
            for proc in processes.values():
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGTERM)
            deadline = time.monotonic() + 15
            for proc in processes.values():
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
        if exit_code:
            sys.exit(exit_code)

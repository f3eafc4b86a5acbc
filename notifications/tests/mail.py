"""A test-only e-mail backend for real-worker tests: files that every process can read.

While the marker file ``slow`` exists in the mail folder, each send first records the
sending process's id (``sending-<pid>``) and then pauses, so a test can kill the worker in
the middle of a send. ``slow-after`` holding a number does the same once the folder holds
that many messages (the middle of a batch that one task sends).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend

PAUSE_SECONDS = 30


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        folder = Path(str(getattr(self, "file_path", "")))
        marker = _slow_marker(folder)
        if marker is not None:
            (folder / f"sending-{os.getpid()}").write_text(str(os.getpid()))
            deadline = time.monotonic() + PAUSE_SECONDS
            while marker.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
        return super().send_messages(email_messages)


def _slow_marker(folder: Path) -> Path | None:
    if (folder / "slow").exists():
        return folder / "slow"
    after = folder / "slow-after"
    try:
        count = int(after.read_text())
    except (OSError, ValueError):
        return None
    return after if len(message_ids(folder)) >= count else None


def message_ids(folder: Path) -> list[str]:
    """The Message-ID of every e-mail written to ``folder``, one entry per message."""
    return [
        line.split(":", 1)[1].strip()
        for path in sorted(folder.glob("*.log"))
        for line in path.read_text().splitlines()
        if line.lower().startswith("message-id:")
    ]

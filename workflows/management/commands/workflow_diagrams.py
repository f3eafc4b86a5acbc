"""``manage.py workflow_diagrams``: write docs/workflows.md from the workflow machines."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from workflows.diagrams import COMMAND, workflows_markdown
from workflows.machines import MACHINES

# Relative to settings.BASE_DIR.
DOCUMENT = PurePosixPath("docs/workflows.md")


def _current(path: Path) -> str | None:
    """The text of ``path``, or None when there is no such file."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


class Command(BaseCommand):
    """Write docs/workflows.md, or with ``--check`` fail when it is out of date."""

    help = (
        f"Write {DOCUMENT} (state diagrams and tables of the case workflows) from "
        "workflows/machines.py. With --check, write nothing and fail when the file is out "
        "of date."
    )

    # Drawing the machines needs no database, URLs or other apps; skipping the system checks
    # keeps the command (and --check in CI) usable while another part of the project is broken.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        """Add ``--check``."""
        parser.add_argument(
            "--check",
            action="store_true",
            help=f"Write nothing; fail when {DOCUMENT} differs from what would be written.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Generate the document and write or compare it."""
        path = Path(settings.BASE_DIR) / DOCUMENT
        text = workflows_markdown(MACHINES.values())
        current = _current(path)
        if options["check"]:
            if current != text:
                raise CommandError(f"{DOCUMENT} is out of date; run {COMMAND}")
            self.stdout.write(f"{DOCUMENT} is up to date")
            return
        if current == text:
            self.stdout.write(f"{DOCUMENT} is already up to date")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        self.stdout.write(f"Wrote {DOCUMENT}")

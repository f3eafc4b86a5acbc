from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from permissions.matrix_doc import render


class Command(BaseCommand):
    help = (
        "Render the authorization matrix (permissions/matrix.py) as Markdown: to standard "
        "output, or --write a file, or --check that a file is up to date."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--write", metavar="PATH", help="write the document to PATH")
        group.add_argument("--check", metavar="PATH", help="fail if PATH differs")

    def handle(self, *args: Any, **options: Any) -> None:
        text = render()
        if options["write"]:
            Path(options["write"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {options['write']}")
        elif options["check"]:
            path = Path(options["check"])
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(
                    f"{path} is not the rendered matrix; run "
                    f"python manage.py authz_matrix --write {path}"
                )
        else:
            self.stdout.write(text)

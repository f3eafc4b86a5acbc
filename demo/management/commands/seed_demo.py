from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from demo.services import demo_seed


class Command(BaseCommand):
    help = "Create the fictitious demo municipality Gemeente Lindewaard and its users (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--history",
            action="store_true",
            help="Also write a year of signals and cases for the dashboard (once).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        created = demo_seed(history=options["history"])
        self.stdout.write(
            f"Demo data ready: {created['organisations']} organisations, "
            f"{created['users']} users, {created['streets']} streets, {created['cases']} cases "
            f"and {created['meetings']} meetings created, "
            f"{created['signals']} signals of history written "
            "(existing ones left unchanged)."
        )

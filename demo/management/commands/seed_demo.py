from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from demo.services import demo_seed


class Command(BaseCommand):
    help = "Create the fictitious demo municipality Gemeente Lindewaard and its users (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = demo_seed()
        self.stdout.write(
            f"Demo data ready: {created['organisations']} organisations, "
            f"{created['users']} users, {created['streets']} streets, {created['cases']} cases "
            f"and {created['meetings']} meetings created "
            "(existing ones left unchanged)."
        )

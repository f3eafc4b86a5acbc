"""List the reminders the outbox holds for the next days, per day, without sending any."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from notifications.selectors import reminders_upcoming


class Command(BaseCommand):
    help = (
        "List the reminders due in the next N days (from the outbox), per day: kind, step, "
        "recipients and object. Sends nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=14, help="How many days (default 14).")

    def handle(self, *args: Any, **options: Any) -> None:
        days = max(1, options["days"])
        start = timezone.localdate()
        upcoming = reminders_upcoming(start=start, days=days)
        self.stdout.write(
            f"{len(upcoming)} reminders from {start:%Y-%m-%d} over {days} days (nothing is sent)."
        )
        for day, group in groupby(upcoming, key=lambda u: u.day):
            self.stdout.write(f"\n{day:%Y-%m-%d %a}")
            for item in group:
                reminder = item.reminder
                moment = timezone.localtime(reminder.due_at)
                when = "now  " if moment.date() < start else f"{moment:%H:%M}"
                kind = f"{reminder.kind}/{reminder.step}" if reminder.step else reminder.kind
                to = ", ".join(item.recipients) or "(nobody)"
                self.stdout.write(
                    f"  {when} {kind:<24} {item.object_reference:<28} → {to}\n        {item.title}"
                )

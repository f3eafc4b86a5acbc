from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from permissions.crypto import DecryptionError, current_kek_id, data_keys_by_kek, kek_rotate


class Command(BaseCommand):
    help = (
        "Re-wrap every data key with the current key-encryption key (KETENREGIE_FIELD_KEK_KEY). "
        "Put the old key in KETENREGIE_FIELD_KEK_PREVIOUS_KEYS first. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        current = current_kek_id()
        try:
            rewrapped = kek_rotate(batch_size=options["batch_size"])
        except (DecryptionError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Re-wrapped {rewrapped} data keys with key-encryption key {current}.")
        counts = data_keys_by_kek()
        for kek_id, count in counts.items():
            marker = " (current)" if kek_id == current else ""
            self.stdout.write(f"  {kek_id}{marker}: {count} data keys")
        if set(counts) <= {current}:
            self.stdout.write(
                "No data key needs a previous key-encryption key any more; "
                "KETENREGIE_FIELD_KEK_PREVIOUS_KEYS may be removed."
            )

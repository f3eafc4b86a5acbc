from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from permissions.fields import encrypted_field_reencrypt, encrypted_fields


class Command(BaseCommand):
    help = (
        "Re-encrypt encrypted field values that are not under their row's current data key "
        "(after a data key was replaced) or use an old format. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--model", help="Only this model, as app_label.Model")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        fields = encrypted_fields()
        if options["model"]:
            wanted = options["model"].lower()
            fields = [(m, f) for m, f in fields if m._meta.label_lower == wanted]
            if not fields:
                known = sorted({m._meta.label for m, _ in encrypted_fields()})
                raise CommandError(
                    f"{options['model']} has no encrypted fields; "
                    f"models with encrypted fields: {', '.join(known) or 'none'}"
                )
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        failed = 0
        for model, field in fields:
            result = encrypted_field_reencrypt(
                model=model, enc_field=field, batch_size=options["batch_size"]
            )
            self.stdout.write(
                f"{model._meta.label}.{field.name}: checked {result.checked}, "
                f"re-encrypted {result.reencrypted}, shredded {result.shredded}, "
                f"failed {len(result.failed_pks)}"
            )
            if result.failed_pks:
                shown = ", ".join(str(pk) for pk in result.failed_pks[:20])
                self.stderr.write(f"  rows that do not decrypt (pk): {shown}")
            failed += len(result.failed_pks)
        if failed:
            raise CommandError(
                f"{failed} values could not be decrypted; they were left as they are"
            )

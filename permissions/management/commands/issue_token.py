from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from permissions.models import User
from permissions.services import api_token_issue


class Command(BaseCommand):
    help = "Print a new API token for a user. The token is shown once and stored only as a hash."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist as exc:
            raise CommandError(f"No user named {options['username']!r}") from exc
        if not user.is_active:
            raise CommandError(f"User {user.username!r} is not active")
        self.stdout.write(api_token_issue(user=user))

"""The unread count in the top bar of every page, counted only when a page shows it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .selectors import unread_count


class _UnreadCount:
    """Counts once, on first use in a template (one indexed query), and never for a page
    without a signed-in person."""

    def __init__(self, user: Any) -> None:
        self._user = user
        self._count: int | None = None

    @property
    def count(self) -> int:
        if self._count is None:
            self._count = unread_count(user=self._user)
        return self._count


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": _UnreadCount(user)}

"""Reads for notifications, reminders and the scheduler heartbeat."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import QuerySet

from .kinds import ObjectRef
from .models import EmailFrequency, Heartbeat, Notification, NotificationPreference, Reminder
from .services import BEAT


def heartbeat_get(*, name: str = BEAT) -> datetime | None:
    """When ``name`` last proved alive, or None if never."""
    return Heartbeat.objects.filter(name=name).values_list("last_seen_at", flat=True).first()


def notifications_for(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    """``user``'s in-app notifications, newest first. Only their own, ever."""
    rows = Notification.objects.filter(recipient=user)
    if unread_only:
        rows = rows.filter(read_at=None)
    return rows.order_by("-created_at", "-id")


def unread_count(*, user: Any) -> int:
    """How many of ``user``'s notifications are unread (one indexed count)."""
    return Notification.objects.filter(recipient=user, read_at=None).count()


def email_frequency_for(*, user: Any) -> str:
    """``immediate`` or ``daily``: how ``user`` wants reminders by e-mail."""
    chosen = (
        NotificationPreference.objects.filter(user=user).values_list("email", flat=True).first()
    )
    return chosen or EmailFrequency.IMMEDIATE


def reminders_for(*, obj: models.Model | ObjectRef, kind: str | None = None) -> QuerySet[Reminder]:
    """The reminders about ``obj`` (of ``kind`` when given), by due moment."""
    ref = obj if isinstance(obj, ObjectRef) else ObjectRef.of(obj)
    rows = Reminder.objects.filter(object_type=ref.type, object_id=ref.id)
    if kind is not None:
        rows = rows.filter(kind=kind)
    return rows.order_by("due_at", "id")

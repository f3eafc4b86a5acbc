"""Reads for notifications, reminders and the scheduler heartbeat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone, translation

from .kinds import ObjectRef, UnknownReminderKind, kind_get
from .models import (
    EmailFrequency,
    Heartbeat,
    Notification,
    NotificationPreference,
    Reminder,
    ReminderStatus,
)
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


@dataclass(frozen=True)
class UpcomingReminder:
    """One open reminder as it would go out: when, to whom, and its title."""

    reminder: Reminder
    day: date
    recipients: tuple[str, ...]
    title: str

    @property
    def object_reference(self) -> str:
        return f"{self.reminder.object_type}:{self.reminder.object_id}"


def reminders_upcoming(*, start: date, days: int) -> list[UpcomingReminder]:
    """The open reminders due before the end of the ``days`` days from ``start`` (local
    dates), by due moment; one already overdue counts on ``start``, when the dispatcher
    would send it.

    Reads only: recipients and titles are resolved by the owning app's kind as they would
    be at delivery now (who takes part in a case may change before then); a kind's
    ``still_due`` is not asked. Raises nothing for a row whose kind is no longer registered:
    it shows no recipients.
    """
    end = timezone.make_aware(
        datetime.combine(start + timedelta(days=days), time.min), timezone.get_default_timezone()
    )
    rows = Reminder.objects.filter(
        status__in=(ReminderStatus.PENDING, ReminderStatus.DISPATCHING), due_at__lt=end
    ).order_by("due_at", "id")
    upcoming = []
    with translation.override(settings.LANGUAGE_CODE):
        for reminder in rows:
            ref = ObjectRef(type=reminder.object_type, id=reminder.object_id)
            try:
                kind = kind_get(reminder.kind)
            except UnknownReminderKind:
                names: tuple[str, ...] = ()
                title = ""
            else:
                users = kind.recipients(ref, reminder.step)
                names = tuple(sorted(u.username for u in users if u.is_active))
                title = str(kind.describe(ref, reminder.step).title)
            upcoming.append(
                UpcomingReminder(
                    reminder=reminder,
                    day=max(timezone.localdate(reminder.due_at), start),
                    recipients=names,
                    title=title,
                )
            )
    return upcoming

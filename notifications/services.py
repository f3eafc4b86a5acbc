"""Writes for notifications and the scheduler heartbeat."""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Heartbeat

logger = logging.getLogger("ketenregie.notifications")

BEAT = "beat"


@transaction.atomic
def heartbeat_record(*, name: str = BEAT) -> Heartbeat:
    """Record that ``name`` is alive now. Safe under concurrent callers."""
    now = timezone.now()
    updated = Heartbeat.objects.filter(name=name).update(last_seen_at=now, count=F("count") + 1)
    if not updated:
        Heartbeat.objects.get_or_create(name=name, defaults={"last_seen_at": now, "count": 1})
    return Heartbeat.objects.get(name=name)


def notify_by_email(*, recipients: list[str], subject: str, body: str) -> None:
    """Send a plain e-mail after the current transaction commits (never for a rollback).

    The reminder outbox replaces this for scheduled reminders; this is for immediate notices.
    """
    recipients = [r for r in recipients if r]
    if not recipients:
        return

    def send() -> None:
        # The change it reports has committed; a mail server that is down must not turn that
        # into an error for the person who made the change. The failure is logged instead.
        try:
            send_mail(subject, body, None, recipients, fail_silently=False)
        except Exception:
            logger.exception("notifications: could not send %r", subject)

    transaction.on_commit(send)

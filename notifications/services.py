"""Writes for notifications and the scheduler heartbeat."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Heartbeat

BEAT = "beat"


@transaction.atomic
def heartbeat_record(*, name: str = BEAT) -> Heartbeat:
    """Record that ``name`` is alive now. Safe under concurrent callers."""
    now = timezone.now()
    updated = Heartbeat.objects.filter(name=name).update(last_seen_at=now, count=F("count") + 1)
    if not updated:
        Heartbeat.objects.get_or_create(name=name, defaults={"last_seen_at": now, "count": 1})
    return Heartbeat.objects.get(name=name)

"""Reads for notifications and the scheduler heartbeat."""

from __future__ import annotations

from datetime import datetime

from .models import Heartbeat
from .services import BEAT


def heartbeat_get(*, name: str = BEAT) -> datetime | None:
    """When ``name`` last proved alive, or None if never."""
    return Heartbeat.objects.filter(name=name).values_list("last_seen_at", flat=True).first()

"""Reads of the workflows app."""

from __future__ import annotations

from dataclasses import replace

from .clocks import Clock, clock_get
from .models import ClockSetting


def clock_for(*, key: str, municipality_id: int | None) -> Clock:
    """The clock ``key`` as it runs in that municipality (its own amount, if it set one).

    Clocks fixed by law are never changed by a setting.
    """
    clock = clock_get(key)
    if clock.legal or municipality_id is None:
        return clock
    amount = (
        ClockSetting.objects.filter(municipality_id=municipality_id, key=key)
        .values_list("amount", flat=True)
        .first()
    )
    return clock if amount is None else replace(clock, amount=amount)

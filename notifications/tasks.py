"""Celery tasks of the notifications app. Tasks take ids, load rows, call one service.

The send tasks are safe to run twice or at once (the services are idempotent), so they
acknowledge late and are redelivered when their worker dies. Retries back off and are
bounded; no countdown is longer than minutes (docs/adr/0003).
"""

from __future__ import annotations

import datetime
import time
from typing import Any

from celery import shared_task

from .services import (
    BEAT,
    CLAIM_BATCH,
    digest_send,
    digests_dispatch,
    heartbeat_record,
    reminder_deliver,
    reminders_claim_due,
    reminders_deliver,
    reminders_release_stuck,
)

# A dispatcher run claims batch after batch while they come back full, for at most this long,
# so it ends before beat starts the next run; what is left then waits for that run.
DISPATCH_SECONDS = 45.0

# The send tasks: acknowledged after they ran, redelivered when their worker dies, retried
# with backoff (30 s doubling up to 10 minutes, jittered) at most 5 times.
RETRIES_MAX = 5
BACKOFF_FIRST = 30
BACKOFF_MAX = 600
# How every task that delivers to people runs: acknowledged only when done, given back when
# its worker dies, retried with backoff a bounded number of times, no result kept.
DELIVERY_TASK: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "ignore_result": True,
    "autoretry_for": (Exception,),
    "max_retries": RETRIES_MAX,
    "retry_backoff": BACKOFF_FIRST,
    "retry_backoff_max": BACKOFF_MAX,
    "retry_jitter": True,
}


@shared_task(name="notifications.tasks.heartbeat", ignore_result=True)
def heartbeat(name: str = BEAT) -> None:
    """Run by beat: proves that beat and a worker are alive (shown by /healthz)."""
    heartbeat_record(name=name)


@shared_task(name="notifications.tasks.dispatch_due", ignore_result=True)
def dispatch_due() -> int:
    """Run by beat every minute: release stuck reminders, then claim and enqueue due ones."""
    reminders_release_stuck()
    claimed = 0
    deadline = time.monotonic() + DISPATCH_SECONDS
    while True:
        batch = len(reminders_claim_due(limit=CLAIM_BATCH))
        claimed += batch
        if batch < CLAIM_BATCH or time.monotonic() >= deadline:
            return claimed


@shared_task(
    name="notifications.tasks.reminder_send",
    **DELIVERY_TASK,
)
def reminder_send(reminder_id: int) -> None:
    """Deliver one reminder (messages of earlier versions, which enqueued one per row)."""
    reminder_deliver(reminder_id=reminder_id)


@shared_task(
    name="notifications.tasks.reminders_send",
    **DELIVERY_TASK,
)
def reminders_send(reminder_ids: list[int]) -> None:
    """Deliver a batch of reminders (enqueued by the dispatcher after it claimed the rows)."""
    reminders_deliver(reminder_ids=reminder_ids)


@shared_task(name="notifications.tasks.digests_send", ignore_result=True)
def digests_send() -> int:
    """Run by beat from 07:00: enqueue today's digest for everyone who is owed one."""
    return len(digests_dispatch())


@shared_task(
    name="notifications.tasks.digest_send_one",
    **DELIVERY_TASK,
)
def digest_send_one(user_id: int, day: str) -> None:
    """Send one person's digest of one day (``day`` as an ISO date)."""
    digest_send(user_id=user_id, day=datetime.date.fromisoformat(day))

"""Fault: a Celery worker is killed with SIGKILL in the middle of a batch of reminders.

Extends tests/test_reminder_worker.py (one reminder, one send interrupted) to batches on a
throwaway Redis: the dispatcher enqueues send tasks of three reminders each; some reminders
are delivered, two batches are in the middle of a send, the rest wait in the queue when the
worker and its pool die at once. A new worker takes the queue, the dispatcher
releases the claims the dead worker held and enqueues them again (so some reminders are in
the queue twice), and every reminder reaches every recipient exactly once.
"""

from __future__ import annotations

import datetime
import os
import signal as unix_signal
from collections import Counter

import pytest

from notifications.models import Channel, Delivery, Notification, ReminderStatus
from notifications.services import reminders_release_stuck
from notifications.tests.mail import message_ids
from signals.reminders import TEAM_LEAD
from tests.test_celery_worker import running, wait_until
from tests.test_reminder_worker import all_sent, file_due_signals, worker

from .services import descendants, dispatch_in_a_process

pytestmark = [pytest.mark.fault, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SIGNALS = 8


def test_a_worker_killed_mid_batch_delivers_every_reminder_once(outbox, broker):
    # Given 8 signals whose reminders to the two coordinators are due (team leads' cancelled)
    reminders = file_due_signals(outbox, SIGNALS)
    for r in reminders:
        if r.step == TEAM_LEAD:
            r.status = ReminderStatus.CANCELLED
            r.save(update_fields=["status"])
    ids = [r.pk for r in reminders if r.step != TEAM_LEAD]
    env = {**outbox["env"], "TEST_REDIS_URL": broker.url}
    folder = outbox["folder"]
    first_log = outbox["tmp"] / "worker-1.log"
    # (sends hang once four e-mails went out)
    (folder / "slow-after").write_text("4")
    with running(worker(outbox, concurrency=2), env, first_log) as first:
        dispatch_in_a_process(env, batch=3)
        # When a few were delivered and the next sends hang,
        wait_until(lambda: any(folder.glob("sending-*")), 60, "a send to hang", first_log)
        # the worker and its pool processes are killed outright.
        pool = descendants(first.pid)
        os.kill(first.pid, unix_signal.SIGKILL)
        for pid in pool:
            os.kill(pid, unix_signal.SIGKILL)
        first.wait(10)
    (folder / "slow-after").unlink()
    delivered_before = len(message_ids(folder))
    assert delivered_before < SIGNALS * 2, "the batch finished before the kill"

    # Then a new worker takes what was queued, the dispatcher releases the dead worker's
    # claims (after minutes; here at once) and enqueues them again,
    second_log = outbox["tmp"] / "worker-2.log"
    with running(worker(outbox, concurrency=2), env, second_log):
        reminders_release_stuck(older_than=datetime.timedelta(0))
        dispatch_in_a_process(env, batch=3)
        wait_until(lambda: all_sent(ids), 90, "every reminder sent", second_log)

    # and every coordinator got every reminder exactly once.
    sent = Counter(message_ids(folder))
    assert len(sent) == SIGNALS * 2
    assert set(sent.values()) == {1}
    assert Delivery.objects.filter(channel=Channel.EMAIL).count() == SIGNALS * 2
    assert Notification.objects.count() == SIGNALS * 2

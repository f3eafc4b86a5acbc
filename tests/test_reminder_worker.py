"""The reminder outbox with real Celery workers on Redis: each reminder is delivered once,
when two dispatchers run at once, when a worker is killed in the middle of a send, and when
a deadline moves.

Mail goes to files (``notifications.tests.mail.SlowFileBackend``) that the test reads.
"""

from __future__ import annotations

import datetime
import os
import signal as unix_signal
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone

from notifications.kinds import ObjectRef, ReminderCode
from notifications.models import Channel, Delivery, Notification, Reminder, ReminderStatus
from notifications.selectors import reminders_for
from notifications.services import reminder_reschedule, reminders_release_stuck
from notifications.tasks import dispatch_due, reminder_send
from notifications.tests.mail import message_ids
from signals.reminders import COORDINATOR, TEAM_LEAD
from signals.services import categories_ensure_defaults
from signals.tests.factories import make_signal

from .test_celery_worker import running, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PAST = timezone.now() - datetime.timedelta(minutes=1)


@pytest.fixture
def outbox(tmp_path, settings, actors):
    """A queue of its own, a mail folder, and the environment of a worker that uses both."""
    queue = f"test-reminders-{uuid.uuid4().hex[:8]}"
    folder = tmp_path / "mail"
    folder.mkdir()
    settings.KETENREGIE_NOTIFICATIONS_QUEUE = queue
    categories_ensure_defaults()
    for name in ("coordinator", "colleague", "teamlead"):
        actors[name].email = f"{name}@testwaard.example"
        actors[name].save(update_fields=["email"])
    db = connection.settings_dict
    env = {
        **os.environ,
        "KETENREGIE_PROFILE": "test",
        "TEST_DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "KETENREGIE_TEST_EMAIL_BACKEND": "notifications.tests.mail.SlowFileBackend",
        "KETENREGIE_TEST_EMAIL_DIR": str(folder),
        "KETENREGIE_NOTIFICATIONS_QUEUE": queue,
    }
    return {"queue": queue, "folder": folder, "env": env, "tmp": tmp_path, "actors": actors}


def worker(outbox, *, concurrency: int = 1) -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--loglevel",
        "INFO",
        "--concurrency",
        str(concurrency),
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--queues",
        outbox["queue"],
    ]


def file_due_signals(outbox, count: int) -> list[Reminder]:
    """``count`` signals whose not-triaged reminders are all due now."""
    reminders: list[Reminder] = []
    for _ in range(count):
        signal = make_signal(outbox["actors"]["boa"])
        reminders.extend(reminders_for(obj=signal))
    Reminder.objects.filter(pk__in=[r.pk for r in reminders]).update(due_at=PAST)
    return reminders


def all_sent(reminder_ids: list[int]) -> bool:
    return (
        not Reminder.objects.filter(pk__in=reminder_ids)
        .exclude(status=ReminderStatus.SENT)
        .exists()
    )


def test_two_dispatchers_and_duplicate_messages_deliver_each_reminder_once(outbox):
    # Given 8 signals, each with a due reminder to the two coordinators and one to the team lead
    reminders = file_due_signals(outbox, 8)
    ids = [r.pk for r in reminders]
    log = outbox["tmp"] / "worker.log"
    with running(worker(outbox, concurrency=2), outbox["env"], log):
        # When two dispatchers run at the same moment, twice each,
        start = threading.Barrier(2, timeout=10)
        claimed: list[int] = []

        def dispatcher() -> None:
            try:
                start.wait()
                for _ in range(2):
                    claimed.append(dispatch_due())
            finally:
                connection.close()

        threads = [threading.Thread(target=dispatcher) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        # and the broker delivers every send task a second time,
        for reminder_id in ids:
            reminder_send.apply_async(kwargs={"reminder_id": reminder_id}, queue=outbox["queue"])
        wait_until(lambda: all_sent(ids), 60, "every reminder sent", log)
        time.sleep(1.5)  # let the duplicates run to the end

    # then every reminder was claimed once and every e-mail went out once.
    assert sum(claimed) == len(ids) == 16
    sent = Counter(message_ids(outbox["folder"]))
    assert len(sent) == 8 * 3
    assert set(sent.values()) == {1}
    assert Notification.objects.count() == 8 * 3
    assert Delivery.objects.filter(channel=Channel.EMAIL).count() == 8 * 3


def _kill_during_send(outbox, log: Path) -> int:
    """Pause the next send, wait until it started, and return the sending process's id."""
    wait_until(lambda: any(outbox["folder"].glob("sending-*")), 60, "a send to start", log)
    [marker] = outbox["folder"].glob("sending-*")
    return int(marker.read_text())


def _one_coordinator_reminder(outbox) -> Reminder:
    signal = make_signal(outbox["actors"]["boa"])
    reminder = reminders_for(obj=signal).get(step=COORDINATOR)
    reminders_for(obj=signal).filter(step=TEAM_LEAD).update(status=ReminderStatus.CANCELLED)
    Reminder.objects.filter(pk=reminder.pk).update(due_at=PAST)
    return reminder


def test_a_worker_process_killed_mid_send_is_replaced_and_sends_once(outbox):
    # Given a due reminder to the two coordinators, and a mail server that hangs
    reminder = _one_coordinator_reminder(outbox)
    (outbox["folder"] / "slow").touch()
    log = outbox["tmp"] / "worker.log"
    with running(worker(outbox), outbox["env"], log):
        dispatch_due()
        # When the process sending the first e-mail is killed outright,
        pid = _kill_during_send(outbox, log)
        (outbox["folder"] / "slow").unlink()
        os.kill(pid, unix_signal.SIGKILL)
        # then the worker requeues the task (acks_late, reject_on_worker_lost), a new
        # process takes it, and each coordinator gets the reminder exactly once.
        wait_until(lambda: all_sent([reminder.pk]), 60, "the reminder sent", log)

    sent = Counter(message_ids(outbox["folder"]))
    assert len(sent) == 2 and set(sent.values()) == {1}
    emails = Delivery.objects.filter(channel=Channel.EMAIL)
    # The interrupted e-mail was tried a second time, the other once.
    assert sorted(emails.values_list("attempts", flat=True)) == [1, 2]


def test_a_whole_worker_killed_mid_send_is_recovered_by_the_outbox(outbox):
    # Given a due reminder being sent by a worker
    reminder = _one_coordinator_reminder(outbox)
    (outbox["folder"] / "slow").touch()
    first_log = outbox["tmp"] / "worker-1.log"
    with running(worker(outbox), outbox["env"], first_log) as first:
        dispatch_due()
        pid = _kill_during_send(outbox, first_log)
        # When the worker and its pool die at once (a machine that reboots), the message
        # stays unacknowledged until the broker's visibility timeout (an hour),
        (outbox["folder"] / "slow").unlink()
        os.kill(first.pid, unix_signal.SIGKILL)
        os.kill(pid, unix_signal.SIGKILL)
        first.wait(10)
    assert Reminder.objects.get(pk=reminder.pk).status == ReminderStatus.DISPATCHING

    # then the dispatcher releases the stuck row (after minutes; here at once), a new
    # worker sends it, and each coordinator gets it exactly once.
    second_log = outbox["tmp"] / "worker-2.log"
    with running(worker(outbox), outbox["env"], second_log):
        assert reminders_release_stuck(older_than=datetime.timedelta(0)) == 1
        dispatch_due()
        wait_until(lambda: all_sent([reminder.pk]), 60, "the reminder sent", second_log)

    sent = Counter(message_ids(outbox["folder"]))
    assert len(sent) == 2 and set(sent.values()) == {1}


def test_a_moved_deadline_sends_only_the_new_reminder(outbox):
    # Given a signal whose coordinator reminder is due
    reminder = _one_coordinator_reminder(outbox)
    old_due = Reminder.objects.get(pk=reminder.pk).due_at
    # When its date moves (here a minute earlier, so the new one is due too)
    with transaction.atomic():
        moved = reminder_reschedule(
            kind=ReminderCode.SIGNAL_NOT_TRIAGED,
            obj=ObjectRef(type=reminder.object_type, id=reminder.object_id),
            step=COORDINATOR,
            due_at=old_due - datetime.timedelta(minutes=1),
        )
    log = outbox["tmp"] / "worker.log"
    with running(worker(outbox), outbox["env"], log):
        dispatch_due()
        wait_until(lambda: all_sent([moved.pk]), 60, "the moved reminder sent", log)
        time.sleep(0.5)

    # then only the new reminder went out.
    assert Reminder.objects.get(pk=reminder.pk).status == ReminderStatus.CANCELLED
    sent = message_ids(outbox["folder"])
    assert len(sent) == 2
    assert all(f"<reminder-{moved.pk}-" in message_id for message_id in sent)

"""The reminder outbox: scheduling, moving, cancelling, claiming, releasing and delivering."""

from __future__ import annotations

import dataclasses
import datetime
import threading

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications import kinds, services
from notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    EmailFrequency,
    Notification,
    Reminder,
    ReminderStatus,
)
from notifications.services import (
    DELIVERY_ATTEMPTS_MAX,
    ReminderOutsideTransaction,
    notification_preference_set,
    reminder_deliver,
    reminder_reschedule,
    reminder_schedule,
    reminders_cancel_for,
    reminders_claim_due,
    reminders_release_stuck,
)
from notifications.tasks import dispatch_due

from .conftest import KIND, ref

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)
PAST = NOW - datetime.timedelta(minutes=5)


@pytest.fixture
def enqueued(monkeypatch):
    """The reminder ids the dispatcher enqueued (instead of sending them to the broker)."""
    ids: list[int] = []
    monkeypatch.setattr(services, "_enqueue", lambda batch: ids.extend(batch))
    return ids


def schedule(n: int | str = 1, *, due_at: datetime.datetime = PAST, step: str = "") -> Reminder:
    return reminder_schedule(kind=KIND, obj=ref(n), due_at=due_at, step=step)


def due_now(reminder: Reminder) -> Reminder:
    """Claim ``reminder`` as the dispatcher would."""
    Reminder.objects.filter(pk=reminder.pk).update(
        status=ReminderStatus.DISPATCHING, claimed_at=timezone.now()
    )
    return reminder


# --- scheduling ----------------------------------------------------------------------------


def test_scheduling_the_same_reminder_twice_writes_one_row(test_kind):
    first = schedule()
    second = schedule()

    assert first.pk == second.pk
    assert Reminder.objects.count() == 1
    assert first.status == ReminderStatus.PENDING
    assert len(first.idempotency_key) == 64


def test_another_step_or_moment_is_another_reminder(test_kind):
    schedule(step="coordinator")
    schedule(step="team_lead")
    schedule(due_at=PAST + datetime.timedelta(days=1), step="coordinator")

    assert Reminder.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_reminder_is_scheduled_only_inside_the_callers_transaction(test_kind):
    with pytest.raises(ReminderOutsideTransaction):
        schedule()

    with pytest.raises(RuntimeError, match="rolled back"), transaction.atomic():
        schedule()
        raise RuntimeError("the change is rolled back")

    assert not Reminder.objects.exists()


def test_an_unknown_kind_or_a_naive_moment_is_refused(test_kind):
    with pytest.raises(LookupError):
        reminder_schedule(kind="no_such_kind", obj=ref(), due_at=PAST)
    with pytest.raises(ValueError, match="timezone"):
        schedule(due_at=datetime.datetime(2027, 1, 4, 9, 0))


def test_a_moved_date_cancels_the_old_reminder_and_schedules_the_new_one(test_kind):
    old = schedule(due_at=PAST)
    later = PAST + datetime.timedelta(days=3)

    new = reminder_reschedule(kind=KIND, obj=ref(), due_at=later)

    old.refresh_from_db()
    assert old.status == ReminderStatus.CANCELLED
    assert new.pk != old.pk and new.status == ReminderStatus.PENDING and new.due_at == later


def test_moving_a_date_back_revives_its_reminder_but_never_resends_a_sent_one(test_kind):
    first = schedule(due_at=PAST)
    reminder_reschedule(kind=KIND, obj=ref(), due_at=PAST + datetime.timedelta(days=3))

    back = reminder_reschedule(kind=KIND, obj=ref(), due_at=PAST)

    assert back.pk == first.pk and back.status == ReminderStatus.PENDING
    Reminder.objects.filter(pk=first.pk).update(status=ReminderStatus.SENT)
    again = schedule(due_at=PAST)
    assert again.status == ReminderStatus.SENT


def test_cancel_for_an_object_cancels_its_open_reminders_only(test_kind):
    open_one = schedule(1, step="a")
    sent = schedule(1, step="b")
    Reminder.objects.filter(pk=sent.pk).update(status=ReminderStatus.SENT)
    other = schedule(2)

    assert reminders_cancel_for(obj=ref(1), kind=KIND) == 1

    statuses = dict(Reminder.objects.values_list("pk", "status"))
    assert statuses == {
        open_one.pk: ReminderStatus.CANCELLED,
        sent.pk: ReminderStatus.SENT,
        other.pk: ReminderStatus.PENDING,
    }


# --- claiming and releasing ---------------------------------------------------------------


def test_claim_takes_due_rows_marks_them_dispatching_and_enqueues_after_commit(
    test_kind, enqueued, django_capture_on_commit_callbacks
):
    due = schedule(1)
    schedule(2, due_at=NOW + datetime.timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        claimed = reminders_claim_due(now=NOW)
        assert enqueued == []  # nothing before commit

    assert claimed == [due.pk]
    due.refresh_from_db()
    assert due.status == ReminderStatus.DISPATCHING and due.claimed_at is not None
    for callback in callbacks:
        callback()
    assert enqueued == [due.pk]
    assert reminders_claim_due(now=NOW) == []


def test_the_dispatcher_task_releases_stuck_rows_and_claims_in_batches(
    test_kind, enqueued, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("notifications.tasks.CLAIM_BATCH", 2)
    reminders = [schedule(n) for n in range(5)]
    stuck = reminders[0]
    Reminder.objects.filter(pk=stuck.pk).update(
        status=ReminderStatus.DISPATCHING, claimed_at=NOW - datetime.timedelta(hours=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        claimed = dispatch_due()

    assert claimed == 5
    assert sorted(enqueued) == sorted(r.pk for r in reminders)


def test_the_dispatcher_claims_every_full_batch_within_its_time(
    test_kind, enqueued, django_capture_on_commit_callbacks, monkeypatch
):
    # A burst of due reminders (a deadline shared by many cases) goes out in one run, not
    # in one run of a few batches a minute.
    monkeypatch.setattr("notifications.tasks.CLAIM_BATCH", 2)
    reminders = [schedule(n) for n in range(25)]

    with django_capture_on_commit_callbacks(execute=True):
        claimed = dispatch_due()

    assert claimed == 25
    assert sorted(enqueued) == sorted(r.pk for r in reminders)


def test_the_dispatcher_stops_claiming_when_its_time_is_up(
    test_kind, enqueued, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("notifications.tasks.CLAIM_BATCH", 2)
    monkeypatch.setattr("notifications.tasks.DISPATCH_SECONDS", 0.0)
    for n in range(5):
        schedule(n)

    with django_capture_on_commit_callbacks(execute=True):
        claimed = dispatch_due()

    assert claimed == 2  # one batch; the rest waits for the next run
    assert Reminder.objects.filter(status=ReminderStatus.PENDING).count() == 3


def test_release_stuck_returns_only_old_dispatching_rows_to_pending(test_kind):
    old, fresh, pending = schedule(1), schedule(2), schedule(3)
    Reminder.objects.filter(pk=old.pk).update(
        status=ReminderStatus.DISPATCHING, claimed_at=NOW - datetime.timedelta(minutes=30)
    )
    due_now(fresh)

    assert reminders_release_stuck(older_than=datetime.timedelta(minutes=10)) == 1

    statuses = dict(Reminder.objects.values_list("pk", "status"))
    assert statuses == {
        old.pk: ReminderStatus.PENDING,
        fresh.pk: ReminderStatus.DISPATCHING,
        pending.pk: ReminderStatus.PENDING,
    }


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_claim_each_row_once(test_kind, enqueued):
    with transaction.atomic():
        for n in range(40):
            schedule(n)
    both_locked = threading.Barrier(2, timeout=10)
    claims: dict[str, list[int]] = {}
    errors: list[BaseException] = []

    def dispatcher(name: str) -> None:
        try:
            with transaction.atomic():
                # Each claims while the other holds its locks: SKIP LOCKED keeps them apart.
                claims[name] = reminders_claim_due(now=NOW, limit=25)
                both_locked.wait()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=dispatcher, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)

    assert errors == []
    assert set(claims["a"]).isdisjoint(claims["b"])
    assert len(claims["a"]) + len(claims["b"]) == 40
    assert sorted(enqueued) == sorted(claims["a"] + claims["b"])


# --- delivering ----------------------------------------------------------------------------


def test_delivery_sends_one_email_and_one_notification_per_person(test_kind, audience):
    reminder = due_now(schedule(7))

    assert reminder_deliver(reminder_id=reminder.pk) is True

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT and reminder.sent_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in audience)
    assert Notification.objects.filter(title="Test reminder 7").count() == len(audience)
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 2 * len(audience)


def test_delivering_again_or_twice_sends_nothing_more(test_kind, audience):
    reminder = due_now(schedule())
    reminder_deliver(reminder_id=reminder.pk)

    assert reminder_deliver(reminder_id=reminder.pk) is False
    Reminder.objects.filter(pk=reminder.pk).update(status=ReminderStatus.DISPATCHING)
    assert reminder_deliver(reminder_id=reminder.pk) is True  # finishes, but sends nothing

    assert len(mail.outbox) == len(audience)
    assert Notification.objects.count() == len(audience)


def test_the_email_holds_only_the_title_and_a_link_with_a_stable_message_id(
    test_kind, actors, settings
):
    settings.KETENREGIE_BASE_URL = "https://ketenregie.example.nl"
    test_kind["recipients"] = [actors["coordinator"]]
    reminder = due_now(schedule(42))

    reminder_deliver(reminder_id=reminder.pk)

    [message] = mail.outbox
    assert "Test reminder 42" in message.subject
    assert "https://ketenregie.example.nl/casussen/42/" in message.body
    html, mimetype = message.alternatives[0]  # type: ignore[attr-defined]
    assert mimetype == "text/html" and "https://ketenregie.example.nl/casussen/42/" in html
    coordinator = actors["coordinator"]
    assert message.extra_headers["Message-ID"] == (
        f"<reminder-{reminder.pk}-{coordinator.pk}@localhost>"
    )


def test_a_cancelled_reminder_sends_nothing(test_kind):
    reminder = due_now(schedule())
    reminders_cancel_for(obj=ref())

    assert reminder_deliver(reminder_id=reminder.pk) is False
    assert mail.outbox == [] and not Delivery.objects.exists()


def test_a_reminder_no_longer_due_is_cancelled_at_delivery(test_kind):
    reminder = due_now(schedule())
    test_kind["due"] = False

    reminder_deliver(reminder_id=reminder.pk)

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.CANCELLED and mail.outbox == []


def test_a_reminder_without_recipients_fails_visibly(test_kind):
    test_kind["recipients"] = []
    reminder = due_now(schedule())

    reminder_deliver(reminder_id=reminder.pk)

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.FAILED and reminder.last_error == "no recipients"


def test_a_failed_send_is_retried_without_resending_what_went_out(test_kind, audience, monkeypatch):
    reminder = due_now(schedule())
    real_send = services.EmailMultiAlternatives.send
    failing = {audience[1].email}

    def send(message, fail_silently=False):
        if message.to[0] in failing:
            raise ConnectionRefusedError("mail server down")
        return real_send(message, fail_silently)

    monkeypatch.setattr(services.EmailMultiAlternatives, "send", send)

    with pytest.raises(ConnectionRefusedError):
        reminder_deliver(reminder_id=reminder.pk)
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.DISPATCHING
    assert not Notification.objects.exists()
    failed = Delivery.objects.get(recipient=audience[1], channel=Channel.EMAIL)
    assert failed.status == DeliveryStatus.PENDING
    assert failed.last_error == "ConnectionRefusedError"  # the class, never the message

    failing.clear()
    reminder_deliver(reminder_id=reminder.pk)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in audience)
    assert Notification.objects.count() == len(audience)


def test_an_email_that_keeps_failing_is_given_up_after_bounded_attempts(
    test_kind, actors, monkeypatch
):
    test_kind["recipients"] = [actors["coordinator"]]
    reminder = due_now(schedule())

    def send(message, fail_silently=False):
        raise ConnectionRefusedError

    monkeypatch.setattr(services.EmailMultiAlternatives, "send", send)
    for _ in range(DELIVERY_ATTEMPTS_MAX):
        with pytest.raises(ConnectionRefusedError):
            reminder_deliver(reminder_id=reminder.pk)

    assert reminder_deliver(reminder_id=reminder.pk) is True

    email = Delivery.objects.get(channel=Channel.EMAIL)
    assert email.status == DeliveryStatus.FAILED and email.attempts == DELIVERY_ATTEMPTS_MAX
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT
    assert reminder.last_error == "1 deliveries failed"
    assert Notification.objects.count() == 1  # the in-app notification still arrives


def test_an_inactive_person_or_one_without_address_gets_no_email(test_kind, actors):
    coordinator, teamlead = actors["coordinator"], actors["teamlead"]
    coordinator.is_active = False
    coordinator.save(update_fields=["is_active"])
    teamlead.email = ""
    teamlead.save(update_fields=["email"])
    reminder = due_now(schedule())

    reminder_deliver(reminder_id=reminder.pk)

    assert mail.outbox == []
    assert list(Notification.objects.values_list("recipient", flat=True)) == [teamlead.pk]


def test_a_daily_digest_reader_gets_no_immediate_email(test_kind, actors):
    notification_preference_set(user=actors["teamlead"], email=EmailFrequency.DAILY)
    reminder = due_now(schedule())

    reminder_deliver(reminder_id=reminder.pk)

    assert [m.to[0] for m in mail.outbox] == [actors["coordinator"].email]
    digest_owed = Notification.objects.get(recipient=actors["teamlead"])
    assert digest_owed.in_digest is True
    assert Notification.objects.get(recipient=actors["coordinator"]).in_digest is False


# --- delivering a batch --------------------------------------------------------------------


def _batch(count: int) -> list[int]:
    return [due_now(schedule(n)).pk for n in range(count)]


def _queries_to_deliver(ids: list[int]) -> int:
    with CaptureQueriesContext(connection) as captured:
        result = services.reminders_deliver(reminder_ids=ids)
    assert result.sent == set(ids)
    return len(captured.captured_queries)


def _channels(monkeypatch, *channels: str) -> None:
    monkeypatch.setitem(
        kinds._REGISTRY, KIND, dataclasses.replace(kinds.kind_get(KIND), channels=channels)
    )


def test_a_batch_costs_a_constant_number_of_queries_plus_a_few_per_email(
    test_kind, audience, monkeypatch
):
    # In-app only: the number of queries does not grow with the batch.
    _channels(monkeypatch, Channel.IN_APP)
    small = _queries_to_deliver(_batch(3))
    Reminder.objects.all().delete()
    large = _queries_to_deliver(_batch(30))
    # 10 statements, and a savepoint and its release for each of the three transactions
    # (inside the test's own transaction).
    assert large == small <= 16
    assert Notification.objects.filter(delivery__isnull=False).count() == 30 * len(audience)

    # With e-mail: at most four statements per e-mail on top (the attempt; the mark inside a
    # transaction, here a savepoint and its release).
    _channels(monkeypatch, Channel.IN_APP, Channel.EMAIL)
    Reminder.objects.all().delete()
    with_email = _queries_to_deliver(_batch(10))
    emails = 10 * len(audience)
    assert len(mail.outbox) == emails
    assert with_email <= small + 4 * emails + 2


def test_one_failing_email_holds_back_its_own_reminder_only(test_kind, audience, monkeypatch):
    ids = _batch(3)
    real_send = services.EmailMultiAlternatives.send

    def send(message, fail_silently=False):
        if "Test reminder 1" in message.subject and message.to[0] == audience[0].email:
            raise ConnectionRefusedError("refused")
        return real_send(message, fail_silently)

    monkeypatch.setattr(services.EmailMultiAlternatives, "send", send)

    with pytest.raises(ConnectionRefusedError):
        services.reminders_deliver(reminder_ids=ids)

    statuses = dict(Reminder.objects.values_list("pk", "status"))
    assert [statuses[pk] for pk in ids] == [
        ReminderStatus.SENT,
        ReminderStatus.DISPATCHING,
        ReminderStatus.SENT,
    ]
    assert len(mail.outbox) == 3 * len(audience) - 1
    assert not Notification.objects.filter(title="Test reminder 1").exists()

    monkeypatch.setattr(services.EmailMultiAlternatives, "send", real_send)
    result = services.reminders_deliver(reminder_ids=ids)  # the retry

    assert result.sent == {ids[1]}
    assert len(mail.outbox) == 3 * len(audience)
    assert Notification.objects.count() == 3 * len(audience)


def test_a_mail_server_that_is_down_stops_the_batch_after_three_failures(
    test_kind, audience, monkeypatch
):
    ids = _batch(10)
    tried: list[str] = []

    def send(message, fail_silently=False):
        tried.append(message.to[0])
        raise ConnectionRefusedError

    monkeypatch.setattr(services.EmailMultiAlternatives, "send", send)

    with pytest.raises(ConnectionRefusedError):
        services.reminders_deliver(reminder_ids=ids)

    assert len(tried) == services.SEND_FAILURES_MAX
    assert set(Reminder.objects.values_list("status", flat=True)) == {ReminderStatus.DISPATCHING}
    # Only the e-mails tried have an attempt counted.
    assert Delivery.objects.filter(channel=Channel.EMAIL, attempts=1).count() == len(tried)


def test_a_batch_sends_each_reminder_once_and_skips_what_is_final(test_kind, audience):
    ids = _batch(4)
    reminders_cancel_for(obj=ref(2))

    result = services.reminders_deliver(reminder_ids=ids)

    assert result.sent == {ids[0], ids[1], ids[3]}
    assert len(mail.outbox) == 3 * len(audience)
    again = services.reminders_deliver(reminder_ids=ids)
    assert again.sent == set() and len(mail.outbox) == 3 * len(audience)


def test_the_dispatcher_enqueues_one_task_per_claimed_batch(
    test_kind, monkeypatch, django_capture_on_commit_callbacks
):
    batches: list[list[int]] = []
    monkeypatch.setattr(services, "_enqueue", batches.append)
    monkeypatch.setattr("notifications.tasks.CLAIM_BATCH", 4)
    reminders = [schedule(n) for n in range(10)]

    with django_capture_on_commit_callbacks(execute=True):
        dispatch_due()

    assert [len(b) for b in batches] == [4, 4, 2]
    assert sorted(pk for b in batches for pk in b) == sorted(r.pk for r in reminders)


def test_memo_loads_once_inside_a_scope_and_every_time_outside():
    from notifications.kinds import memo, memo_put, memo_scope

    loads: list[int] = []

    def load() -> int:
        loads.append(1)
        return len(loads)

    assert memo("k", load) == 1 and memo("k", load) == 2
    with memo_scope():
        assert memo("k", load) == 3 and memo("k", load) == 3
        memo_put("j", "put")
        assert memo("j", load) == "put"
    assert memo("j", load) == 4

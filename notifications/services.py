"""Writes for notifications: the reminder outbox, its deliveries, in-app notifications, the daily
digest and the scheduler heartbeat.

How a reminder travels (docs/adr/0003 and 0012):

1. ``reminder_schedule`` writes a pending row inside the caller's transaction, keyed by kind,
   object, step and due moment, so it exists exactly when the change that caused it exists.
2. ``reminders_claim_due`` (beat, every minute) locks a batch of due rows with ``SKIP
   LOCKED``, marks them dispatching, commits, and only then enqueues one send task for the
   batch.
3. ``reminders_deliver`` (the send task) plans one ``Delivery`` per person and channel for
   the whole batch and commits that plan; sends each e-mail holding its delivery row's lock,
   marking it sent in the same transaction; and finally writes the in-app notifications and
   marks the reminders sent in one transaction.
4. ``reminders_release_stuck`` returns rows left in dispatching by a lost message or a dead
   worker to pending.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection, send_mail
from django.db import connection, models, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .kinds import (
    ObjectRef,
    ReminderKind,
    ReminderText,
    UnknownReminderKind,
    kind_get,
    memo_scope,
)
from .models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Digest,
    EmailFrequency,
    Heartbeat,
    Notification,
    NotificationPreference,
    Reminder,
    ReminderStatus,
)

logger = logging.getLogger("ketenregie.notifications")

BEAT = "beat"

# A row in dispatching for longer than this lost its message or its worker. Longer than the
# hard task time limit (300 s), so a send task that is still running has been killed by then.
STUCK_AFTER = datetime.timedelta(minutes=10)
# E-mail attempts per delivery, counted before each attempt, so a message that kills its
# worker every time is given up.
DELIVERY_ATTEMPTS_MAX = 5
# Plans per reminder (each send task run counts one), for a resolver that keeps failing.
REMINDER_ATTEMPTS_MAX = 10
CLAIM_BATCH = 100
# The daily digest covers what arrived before this hour (Europe/Amsterdam) of its day.
DIGEST_HOUR = 7

OPEN_STATUSES = (ReminderStatus.PENDING, ReminderStatus.DISPATCHING)
FINAL_STATUSES = (ReminderStatus.SENT, ReminderStatus.CANCELLED, ReminderStatus.FAILED)


class ReminderOutsideTransaction(RuntimeError):
    """A reminder was scheduled outside the transaction of the change that causes it."""


class DeliveryIncomplete(RuntimeError):
    """Some e-mail of a reminder is not sent yet; the send task retries."""


# --- heartbeat ---------------------------------------------------------------------------


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

    For immediate notices to people who must know at once; scheduled reminders go through
    the outbox (``reminder_schedule``) instead.
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


# --- scheduling --------------------------------------------------------------------------


def _ref(obj: models.Model | ObjectRef) -> ObjectRef:
    return obj if isinstance(obj, ObjectRef) else ObjectRef.of(obj)


def reminder_key(*, kind: str, ref: ObjectRef, step: str, due_at: datetime.datetime) -> str:
    """The idempotency key of one reminder: SHA-256 of kind, object, step and due moment (UTC)."""
    moment = due_at.astimezone(datetime.UTC).isoformat(timespec="seconds")
    raw = "\x1f".join((kind, ref.type, ref.id, step, moment))
    return hashlib.sha256(raw.encode()).hexdigest()


def _require_callers_transaction() -> None:
    # Not decorated with @transaction.atomic on purpose: the decorator would always satisfy
    # this check. The row must commit or roll back together with the change that causes it.
    if not transaction.get_connection().in_atomic_block:
        raise ReminderOutsideTransaction(
            "Schedule a reminder inside the transaction of the change that causes it."
        )


def reminder_schedule(
    *,
    kind: str,
    obj: models.Model | ObjectRef,
    due_at: datetime.datetime,
    step: str = "",
    municipality_id: int | None = None,
) -> Reminder:
    """Make sure the reminder ``kind`` about ``obj`` at ``due_at`` (and ``step``) will be sent.

    Must run inside the caller's transaction. Idempotent: the same kind, object, step and
    moment give the same row (``INSERT … ON CONFLICT DO NOTHING``), whatever its state; a
    row that was cancelled becomes pending again (its moment is wanted once more), a sent
    one is never sent again. Other moments of the same kind, object and step are left alone;
    to move a date use ``reminder_reschedule``.

    Raises ReminderOutsideTransaction, UnknownReminderKind, and ValueError for a naive
    ``due_at``.
    """
    _require_callers_transaction()
    kind_get(kind)
    if timezone.is_naive(due_at):
        raise ValueError("due_at must be timezone-aware")
    ref = _ref(obj)
    key = reminder_key(kind=kind, ref=ref, step=step, due_at=due_at)
    # No savepoint of its own: ON CONFLICT DO NOTHING cannot fail the caller's transaction.
    Reminder.objects.bulk_create(
        [
            Reminder(
                kind=kind,
                object_type=ref.type,
                object_id=ref.id,
                step=step,
                due_at=due_at,
                municipality_id=municipality_id,
                idempotency_key=key,
            )
        ],
        ignore_conflicts=True,
    )
    reminder = Reminder.objects.select_for_update().get(idempotency_key=key)
    if reminder.status == ReminderStatus.CANCELLED:
        reminder.status = ReminderStatus.PENDING
        reminder.cancelled_at = None
        reminder.save(update_fields=["status", "cancelled_at"])
    return reminder


def reminder_reschedule(
    *,
    kind: str,
    obj: models.Model | ObjectRef,
    due_at: datetime.datetime,
    step: str = "",
    municipality_id: int | None = None,
) -> Reminder:
    """Move the reminder ``kind`` about ``obj`` (and ``step``) to ``due_at``.

    Cancels every open row of that kind, object and step at another moment and schedules the
    new one, inside the caller's transaction. A row already sent stays sent. Raises what
    ``reminder_schedule`` raises.
    """
    _require_callers_transaction()
    ref = _ref(obj)
    key = reminder_key(kind=kind, ref=ref, step=step, due_at=due_at)
    with transaction.atomic():
        Reminder.objects.filter(
            kind=kind, object_type=ref.type, object_id=ref.id, step=step, status__in=OPEN_STATUSES
        ).exclude(idempotency_key=key).update(
            status=ReminderStatus.CANCELLED, cancelled_at=timezone.now()
        )
        return reminder_schedule(
            kind=kind, obj=ref, due_at=due_at, step=step, municipality_id=municipality_id
        )


@transaction.atomic
def reminders_cancel_for(
    *, obj: models.Model | ObjectRef, kind: str | None = None, step: str | None = None
) -> int:
    """Cancel the open reminders about ``obj`` (of ``kind`` and ``step`` when given).

    Call it in the transaction of the change that makes them pointless (a signal triaged
    cancels its not-triaged reminders). A reminder being dispatched is cancelled too: its send
    task finds it cancelled and writes no in-app notification; an e-mail already on its way
    cannot be recalled. Returns the number of rows cancelled.
    """
    ref = _ref(obj)
    rows = Reminder.objects.filter(object_type=ref.type, object_id=ref.id, status__in=OPEN_STATUSES)
    if kind is not None:
        rows = rows.filter(kind=kind)
    if step is not None:
        rows = rows.filter(step=step)
    return rows.update(status=ReminderStatus.CANCELLED, cancelled_at=timezone.now())


# --- dispatching -------------------------------------------------------------------------


def _queue_options() -> dict[str, Any]:
    queue: str = getattr(settings, "KETENREGIE_NOTIFICATIONS_QUEUE", "")
    return {"queue": queue} if queue else {}


def _enqueue(reminder_ids: list[int]) -> None:
    from .tasks import reminders_send  # the tasks module imports this one

    try:
        reminders_send.apply_async(kwargs={"reminder_ids": reminder_ids}, **_queue_options())
    except Exception:
        # The rows stay in dispatching and are released after STUCK_AFTER.
        logger.exception("notifications: could not enqueue %d reminders", len(reminder_ids))


@transaction.atomic
def reminders_claim_due(
    *, now: datetime.datetime | None = None, limit: int = CLAIM_BATCH
) -> list[int]:
    """Claim up to ``limit`` pending reminders due at ``now``; enqueue them after commit.

    ``SELECT … FOR UPDATE SKIP LOCKED``: two dispatchers at once claim disjoint rows, and a
    row claimed by one is dispatching, so not pending, for the next. Returns the claimed ids.
    """
    now = now or timezone.now()
    ids = list(
        Reminder.objects.select_for_update(skip_locked=True)
        .filter(status=ReminderStatus.PENDING, due_at__lte=now)
        .order_by("due_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    if ids:
        Reminder.objects.filter(id__in=ids).update(
            status=ReminderStatus.DISPATCHING, claimed_at=timezone.now()
        )
        transaction.on_commit(lambda: _enqueue(ids))
    return ids


@transaction.atomic
def reminders_release_stuck(*, older_than: datetime.timedelta = STUCK_AFTER) -> int:
    """Put reminders dispatching for longer than ``older_than`` back to pending.

    Their message was lost, or their worker died with it. Safe while a send task still
    runs: delivery is idempotent per person and channel. Returns the number released.
    """
    return Reminder.objects.filter(
        status=ReminderStatus.DISPATCHING, claimed_at__lt=timezone.now() - older_than
    ).update(status=ReminderStatus.PENDING)


# --- delivering --------------------------------------------------------------------------

# Consecutive failed e-mails after which a batch stops sending: the mail server is down, and
# the retry (with backoff) picks up where this run stopped.
SEND_FAILURES_MAX = 3


@dataclass(frozen=True)
class _Plan:
    reminder: Reminder
    kind: ReminderKind
    text: ReminderText


@dataclass
class DeliveryResult:
    """What one run over a batch of reminders did."""

    sent: set[int]
    incomplete: set[int]


def _email_frequency(user_ids: Iterable[int]) -> dict[int, str]:
    return dict(
        NotificationPreference.objects.filter(user_id__in=list(user_ids)).values_list(
            "user_id", "email"
        )
    )


def _fail(reminder: Reminder, error: str) -> None:
    reminder.status = ReminderStatus.FAILED
    reminder.last_error = error[:200]


def _plan_one(reminder: Reminder, planned: set[int]) -> tuple[ReminderKind, dict[int, Any]] | None:
    """Check one locked reminder; the kind and (when not planned yet) its recipients by id."""
    reminder.attempts += 1
    try:
        kind = kind_get(reminder.kind)
    except UnknownReminderKind:
        _fail(reminder, "unknown kind")
        return None
    if reminder.attempts > REMINDER_ATTEMPTS_MAX:
        _fail(reminder, f"gave up after {REMINDER_ATTEMPTS_MAX} attempts")
        return None
    ref = ObjectRef(type=reminder.object_type, id=reminder.object_id)
    if kind.still_due is not None and not kind.still_due(ref, reminder.step):
        reminder.status = ReminderStatus.CANCELLED
        reminder.cancelled_at = timezone.now()
        return None
    users: dict[int, Any] = {}
    if reminder.pk not in planned:
        users = {u.pk: u for u in kind.recipients(ref, reminder.step) if u.is_active}
        if not users:
            _fail(reminder, "no recipients")
            return None
    return kind, users


def _deliveries_for(
    *, reminder: Reminder, kind: ReminderKind, users: dict[int, Any], frequency: dict[int, str]
) -> list[Delivery]:
    rows = []
    for user in users.values():
        daily = frequency.get(user.pk) == EmailFrequency.DAILY
        wants_email = Channel.EMAIL in kind.channels and bool(user.email)
        if wants_email and not daily:
            rows.append(Delivery(reminder=reminder, recipient=user, channel=Channel.EMAIL))
        if Channel.IN_APP in kind.channels or (wants_email and daily):
            rows.append(Delivery(reminder=reminder, recipient=user, channel=Channel.IN_APP))
    return rows


def _prefetch(reminders: Sequence[Reminder]) -> None:
    by_kind: dict[str, list[ObjectRef]] = {}
    for reminder in reminders:
        by_kind.setdefault(reminder.kind, []).append(
            ObjectRef(type=reminder.object_type, id=reminder.object_id)
        )
    for code, refs in by_kind.items():
        try:
            kind = kind_get(code)
        except UnknownReminderKind:
            continue  # failed, with its reason, by _plan_one
        if kind.prefetch is not None:
            kind.prefetch(refs)


@transaction.atomic
def _reminders_plan(*, reminder_ids: Sequence[int]) -> list[_Plan]:
    """Lock the open reminders of the batch, check them and write their deliveries (once).

    One transaction for the batch; the kinds' lookups are remembered within it (``memo``)
    and, where a kind can, loaded for the whole batch at once (``prefetch``).
    """
    reminders = list(
        Reminder.objects.select_for_update()
        .filter(pk__in=list(reminder_ids))
        .exclude(status__in=FINAL_STATUSES)
        .order_by("pk")
    )
    if not reminders:
        return []
    planned = set(
        Delivery.objects.filter(reminder__in=reminders)
        .values_list("reminder_id", flat=True)
        .distinct()
    )
    checked: list[tuple[Reminder, ReminderKind, dict[int, Any]]] = []
    plans: list[_Plan] = []
    with memo_scope(), translation.override(settings.LANGUAGE_CODE):
        _prefetch(reminders)
        for reminder in reminders:
            outcome = _plan_one(reminder, planned)
            if outcome is not None:
                checked.append((reminder, *outcome))
        frequency = _email_frequency({pk for _r, _k, users in checked for pk in users})
        rows: list[Delivery] = []
        for reminder, kind, users in checked:
            rows.extend(
                _deliveries_for(reminder=reminder, kind=kind, users=users, frequency=frequency)
            )
            ref = ObjectRef(type=reminder.object_type, id=reminder.object_id)
            text = kind.describe(ref, reminder.step)
            text = ReminderText(title=str(text.title), link=text.link)
            plans.append(_Plan(reminder=reminder, kind=kind, text=text))
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    Reminder.objects.filter(pk__in=[r.pk for r in reminders]).update(attempts=F("attempts") + 1)
    for reminder in reminders:  # the few that failed or are no longer due
        if reminder.status in FINAL_STATUSES:
            reminder.save(update_fields=["status", "last_error", "cancelled_at"])
    return plans


def _absolute(link: str) -> str:
    base = settings.KETENREGIE_BASE_URL.rstrip("/")
    if not link:
        return base + "/"
    return link if "://" in link else base + "/" + link.lstrip("/")


def _mail_domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "ketenregie"


@dataclass(frozen=True)
class _Rendered:
    subject: str
    body: str
    html: str


def _email_render(*, plan: _Plan) -> _Rendered:
    """A reminder's e-mail, the same for each of its recipients (rendered once)."""
    context = {
        "title": plan.text.title,
        "link": _absolute(plan.text.link),
        "due_at": timezone.localtime(plan.reminder.due_at),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(plan.kind.subject_template, context).split())
        body = render_to_string(plan.kind.text_template, context)
        html = render_to_string(plan.kind.html_template, context)
    return _Rendered(subject=settings.EMAIL_SUBJECT_PREFIX + subject, body=body, html=html)


def _email_build(
    *, rendered: _Rendered, to: str, message_id: str, connection: Any = None
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.body,
        to=[to],
        headers={"Message-ID": message_id},
        connection=connection,
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


def _message_id(*parts: Any) -> str:
    return "<" + "-".join(str(p) for p in parts) + "@" + _mail_domain() + ">"


# The two statements every e-mail costs, in SQL: they run once per e-mail of a burst of
# reminders, where building an ORM update costs more than running it.
_DELIVERY = Delivery._meta.db_table
_ATTEMPT_SQL = (
    f"UPDATE {_DELIVERY} SET attempts = attempts + 1, last_attempt_at = %s"  # noqa: S608
    " WHERE id = %s AND status = %s AND attempts < %s"
)
_MARK_SENT_SQL = (
    f"UPDATE {_DELIVERY} SET status = %s, sent_at = %s, last_error = ''"  # noqa: S608
    " WHERE id = %s AND status = %s"
)


def _delivery_attempt_count(*, delivery_id: int) -> bool:
    """Commit one more attempt before sending; False when the delivery needs no attempt.

    One UPDATE in its own transaction (autocommit): the count survives a worker that dies
    while sending, so a message that kills its worker every time is given up.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _ATTEMPT_SQL,
            [timezone.now(), delivery_id, DeliveryStatus.PENDING, DELIVERY_ATTEMPTS_MAX],
        )
        if cursor.rowcount:
            return True
    Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, last_error=f"gave up after {DELIVERY_ATTEMPTS_MAX} attempts"
    )
    return False


@transaction.atomic
def _delivery_email(*, delivery: Delivery, message: EmailMultiAlternatives) -> None:
    # The row is marked sent first, which locks it, and the message goes out before the
    # transaction commits: a duplicate task waits on the row and then finds it sent. A worker
    # that dies mid-send drops its connection, the lock and the (uncommitted) mark go with it,
    # and the retry sends again with the same Message-ID (ADR 0012).
    with connection.cursor() as cursor:
        cursor.execute(
            _MARK_SENT_SQL,
            [DeliveryStatus.SENT, timezone.now(), delivery.pk, DeliveryStatus.PENDING],
        )
        marked = cursor.rowcount
    if marked:
        message.send(fail_silently=False)


def _delivery_error(*, delivery_id: int, error: BaseException) -> None:
    # The class name only: an SMTP error message may quote the recipient or the content.
    Delivery.objects.filter(pk=delivery_id).update(last_error=type(error).__name__[:200])


def _emails_send(*, plans: Sequence[_Plan]) -> BaseException | None:
    """Send the batch's pending e-mails over one connection, each marked sent as it goes out.

    Returns the first error (after recording it on its delivery); stops after
    ``SEND_FAILURES_MAX`` failures in a row.
    """
    by_id = {plan.reminder.pk: plan for plan in plans}
    pending = list(
        Delivery.objects.filter(
            reminder_id__in=list(by_id), channel=Channel.EMAIL, status=DeliveryStatus.PENDING
        )
        .select_related("recipient")
        .order_by("reminder_id", "id")
    )
    if not pending:
        return None
    rendered: dict[int, _Rendered] = {}
    first_error: BaseException | None = None
    failures = 0
    with get_connection(fail_silently=False) as connection:
        for delivery in pending:
            if not _delivery_attempt_count(delivery_id=delivery.pk):
                continue
            plan = by_id[delivery.reminder_id]
            if plan.reminder.pk not in rendered:
                rendered[plan.reminder.pk] = _email_render(plan=plan)
            message = _email_build(
                rendered=rendered[plan.reminder.pk],
                to=delivery.recipient.email,
                message_id=_message_id("reminder", delivery.reminder_id, delivery.recipient_id),
                connection=connection,
            )
            try:
                _delivery_email(delivery=delivery, message=message)
            except Exception as error:
                _delivery_error(delivery_id=delivery.pk, error=error)
                first_error = first_error or error
                failures += 1
                if failures >= SEND_FAILURES_MAX:
                    break
            else:
                failures = 0
    return first_error


@transaction.atomic
def _reminders_finish(*, plans: Sequence[_Plan]) -> DeliveryResult:
    """Write the in-app notifications and mark sent every reminder whose e-mails all went."""
    by_id = {plan.reminder.pk: plan for plan in plans}
    reminders = list(
        Reminder.objects.select_for_update()
        .filter(pk__in=list(by_id))
        .exclude(status__in=FINAL_STATUSES)
        .order_by("pk")
    )
    deliveries: dict[int, list[Delivery]] = {}
    for delivery in (
        Delivery.objects.select_for_update().filter(reminder__in=reminders).order_by("id")
    ):
        deliveries.setdefault(delivery.reminder_id, []).append(delivery)
    result = DeliveryResult(sent=set(), incomplete=set())
    finished: list[Reminder] = []
    in_app: list[tuple[_Plan, Delivery]] = []
    for reminder in reminders:
        own = deliveries.get(reminder.pk, [])
        if any(d.channel == Channel.EMAIL and d.status == DeliveryStatus.PENDING for d in own):
            result.incomplete.add(reminder.pk)
            continue
        in_app.extend(
            (by_id[reminder.pk], d)
            for d in own
            if d.channel == Channel.IN_APP and d.status == DeliveryStatus.PENDING
        )
        failed = sum(1 for d in own if d.status == DeliveryStatus.FAILED)
        reminder.last_error = f"{failed} deliveries failed" if failed else ""
        finished.append(reminder)
    now = timezone.now()
    frequency = _email_frequency(d.recipient_id for _plan, d in in_app)
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=delivery.recipient_id,
                delivery=delivery,
                title=plan.text.title[:200],
                link=plan.text.link[:300],
                in_digest=(
                    Channel.EMAIL in plan.kind.channels
                    and frequency.get(delivery.recipient_id) == EmailFrequency.DAILY
                ),
                created_at=now,
            )
            for plan, delivery in in_app
        ]
    )
    Delivery.objects.filter(pk__in=[d.pk for _plan, d in in_app]).update(
        status=DeliveryStatus.SENT, sent_at=now
    )
    by_error: dict[str, list[int]] = {}
    for reminder in finished:
        by_error.setdefault(reminder.last_error, []).append(reminder.pk)
    for last_error, ids in by_error.items():
        Reminder.objects.filter(pk__in=ids).update(
            status=ReminderStatus.SENT, sent_at=now, last_error=last_error
        )
    result.sent = {reminder.pk for reminder in finished}
    return result


def reminders_deliver(*, reminder_ids: Sequence[int]) -> DeliveryResult:
    """Deliver a batch of reminders to every recipient on every channel, each exactly once.

    Safe to run any number of times, also at once: a reminder sent, cancelled or failed is
    left alone, and each (reminder, person, channel) is delivered once. Three steps: one
    transaction plans the batch (locks, checks, writes the deliveries); each e-mail is then
    sent in the transaction that marks its delivery sent, over one mail connection; one
    transaction writes the in-app notifications and marks sent every reminder whose e-mails
    all went.

    Raises the first error sending an e-mail raised (after finishing what could be
    finished; the task retries with backoff), and DeliveryIncomplete when some e-mail is
    still pending without one.
    """
    plans = _reminders_plan(reminder_ids=reminder_ids)
    if not plans:
        return DeliveryResult(sent=set(), incomplete=set())
    error = _emails_send(plans=plans)
    result = _reminders_finish(plans=plans)
    if error is not None:
        raise error
    if result.incomplete:
        raise DeliveryIncomplete(f"reminders {sorted(result.incomplete)} have e-mails to send")
    return result


def reminder_deliver(*, reminder_id: int) -> bool:
    """Deliver one reminder (``reminders_deliver`` for a batch of one). Returns True when this
    call marked it sent."""
    return reminder_id in reminders_deliver(reminder_ids=[reminder_id]).sent


# --- in-app notifications and preferences ------------------------------------------------


@transaction.atomic
def notification_mark_read(*, user: Any, notification_id: int) -> bool:
    """Mark one of ``user``'s notifications read. False when it is not theirs or was read."""
    return bool(
        Notification.objects.filter(pk=notification_id, recipient=user, read_at=None).update(
            read_at=timezone.now()
        )
    )


@transaction.atomic
def notifications_mark_all_read(*, user: Any) -> int:
    """Mark every unread notification of ``user`` read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at=None).update(read_at=timezone.now())


@transaction.atomic
def notification_preference_set(*, user: Any, email: str) -> NotificationPreference:
    """Choose reminders by e-mail at once or in a daily digest. Raises ValueError."""
    if email not in EmailFrequency.values:
        raise ValueError(f"unknown e-mail frequency {email!r}")
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email": email}
    )
    return preference


# --- daily digest ------------------------------------------------------------------------


def digest_cutoff(*, day: datetime.date) -> datetime.datetime:
    """The digest of ``day`` covers notifications created before this moment."""
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(DIGEST_HOUR)),
        timezone.get_default_timezone(),
    )


@transaction.atomic
def _digest_attempt_count(*, user_id: int, day: datetime.date) -> int | None:
    Digest.objects.bulk_create([Digest(recipient_id=user_id, day=day)], ignore_conflicts=True)
    digest = Digest.objects.select_for_update().get(recipient_id=user_id, day=day)
    if digest.status != DeliveryStatus.PENDING:
        return None
    if digest.attempts >= DELIVERY_ATTEMPTS_MAX:
        digest.status = DeliveryStatus.FAILED
        digest.save(update_fields=["status"])
        return None
    digest.attempts += 1
    digest.save(update_fields=["attempts"])
    return digest.pk


@transaction.atomic
def _digest_send_locked(*, digest_id: int) -> bool:
    digest = Digest.objects.select_for_update().select_related("recipient").get(pk=digest_id)
    if digest.status != DeliveryStatus.PENDING:
        return False
    items = list(
        Notification.objects.select_for_update()
        .filter(
            recipient_id=digest.recipient_id,
            in_digest=True,
            created_at__lt=digest_cutoff(day=digest.day),
        )
        .order_by("created_at", "id")
    )
    if items and digest.recipient.email:
        context = {
            "items": [{"title": n.title, "link": _absolute(n.link)} for n in items],
            "day": digest.day,
            "link": _absolute(""),
        }
        with translation.override(settings.LANGUAGE_CODE):
            subject = " ".join(
                render_to_string("notifications/email/digest_subject.txt", context).split()
            )
            body = render_to_string("notifications/email/digest.txt", context)
            html = render_to_string("notifications/email/digest.html", context)
        message = EmailMultiAlternatives(
            subject=settings.EMAIL_SUBJECT_PREFIX + subject,
            body=body,
            to=[digest.recipient.email],
            headers={"Message-ID": _message_id("digest", digest.recipient_id, digest.day)},
        )
        message.attach_alternative(html, "text/html")
        message.send(fail_silently=False)
    Notification.objects.filter(pk__in=[n.pk for n in items]).update(in_digest=False)
    digest.items = len(items)
    digest.status = DeliveryStatus.SENT
    digest.sent_at = timezone.now()
    digest.save(update_fields=["items", "status", "sent_at"])
    return bool(items)


def digest_send(*, user_id: int, day: datetime.date) -> bool:
    """Send ``user_id`` the digest of ``day``: what arrived for them before 07:00 that day.

    At most one digest per person per day (unique row, locked while sending, marked sent in
    the same transaction); a digest with nothing in it sends no e-mail. Returns True when an
    e-mail went out. Raises whatever sending raises (the task retries).
    """
    digest_id = _digest_attempt_count(user_id=user_id, day=day)
    if digest_id is None:
        return False
    return _digest_send_locked(digest_id=digest_id)


def _digest_enqueue(user_ids: list[int], day: datetime.date) -> None:
    from .tasks import digest_send_one

    options = _queue_options()
    for user_id in user_ids:
        try:
            digest_send_one.apply_async(
                kwargs={"user_id": user_id, "day": day.isoformat()}, **options
            )
        except Exception:
            # Whatever is not sent today is in tomorrow's digest.
            logger.exception("notifications: could not enqueue the digest of %s", user_id)


@transaction.atomic
def digests_dispatch(*, day: datetime.date | None = None) -> list[int]:
    """Enqueue, after commit, one digest task per person with anything owed for ``day``.

    Run by beat from 07:00; running it again the same day sends nothing twice.
    """
    day = day or timezone.localdate()
    user_ids = list(
        Notification.objects.filter(in_digest=True, created_at__lt=digest_cutoff(day=day))
        .exclude(
            recipient__in=Digest.objects.filter(
                day=day, status__in=(DeliveryStatus.SENT, DeliveryStatus.FAILED)
            ).values("recipient")
        )
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )
    if user_ids:
        transaction.on_commit(lambda: _digest_enqueue(user_ids, day))
    return user_ids


__all__ = [
    "BEAT",
    "DeliveryIncomplete",
    "ReminderOutsideTransaction",
    "digest_send",
    "digests_dispatch",
    "heartbeat_record",
    "notification_mark_read",
    "notification_preference_set",
    "notifications_mark_all_read",
    "notify_by_email",
    "reminder_deliver",
    "reminder_key",
    "reminder_reschedule",
    "reminder_schedule",
    "reminders_cancel_for",
    "reminders_claim_due",
    "reminders_release_stuck",
]

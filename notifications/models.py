"""Reminders (the outbox), their deliveries, in-app notifications and the scheduler heartbeat.

Nothing here has a foreign key into another app of the project except the user model, which
Django names through ``AUTH_USER_MODEL``: the object a reminder is about is stored as its
model label and primary key, so that every app can schedule reminders without notifications
importing it (docs/architecture.md, "Dependencies point one way").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last time a periodic process proved it was alive (one row per process name)."""

    name = models.CharField(max_length=50, primary_key=True)
    last_seen_at = models.DateTimeField()
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_seen_at:%Y-%m-%d %H:%M:%S}"


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DISPATCHING = "dispatching", _("dispatching")
    SENT = "sent", _("sent")
    CANCELLED = "cancelled", _("cancelled")
    FAILED = "failed", _("failed")


class Reminder(models.Model):
    """One reminder of one kind about one object, due at one moment (an outbox row).

    ``idempotency_key`` is derived from kind, object, step and due moment, so scheduling the
    same reminder twice writes one row, and a moved date writes another.
    """

    kind = models.CharField(_("kind"), max_length=50)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    step = models.CharField(_("step"), max_length=30, blank=True, default="")
    due_at = models.DateTimeField(_("due"))
    municipality_id = models.BigIntegerField(_("municipality"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # A class name and a fixed text only: never an exception's message, which may quote data.
    last_error = models.CharField(_("last error"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        indexes = [
            # The dispatcher's query: pending rows by due moment. Partial, so sent rows,
            # which pile up, cost the index nothing.
            models.Index(
                fields=["due_at"],
                name="reminder_pending_due",
                condition=Q(status="pending"),
            ),
            models.Index(
                fields=["claimed_at"],
                name="reminder_dispatching",
                condition=Q(status="dispatching"),
            ),
            models.Index(fields=["object_type", "object_id", "kind"], name="reminder_object"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_type}:{self.object_id} @ {self.due_at:%Y-%m-%d %H:%M}"


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    IN_APP = "in_app", _("in the application")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class Delivery(models.Model):
    """One reminder to one person on one channel; written and committed before anything is sent.

    The unique constraint makes a duplicated task find the existing row instead of sending
    again. ``attempts`` is committed before each e-mail attempt, so a message that kills its
    worker every time is given up after a bounded number of tries.
    """

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["reminder", "recipient", "channel"], name="delivery_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reminder_id} → {self.recipient_id} ({self.channel})"

    @property
    def message_id(self) -> str:
        """The e-mail's Message-ID: the same on every attempt, so mail clients show one."""
        return f"<reminder-{self.reminder_id}-{self.recipient_id}@ketenregie>"


class Notification(models.Model):
    """An in-app notification: a title and a link, nothing more (need-to-know)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    delivery = models.OneToOneField(
        Delivery, on_delete=models.SET_NULL, null=True, blank=True, related_name="notification"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.CharField(_("text"), max_length=500, blank=True, default="")
    link = models.CharField(_("link"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Owed to the next daily digest (the recipient reads e-mail once a day).
    in_digest = models.BooleanField(_("for the digest"), default=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient"),
            models.Index(
                fields=["recipient"], name="notification_unread", condition=Q(read_at=None)
            ),
            models.Index(
                fields=["recipient", "created_at"],
                name="notification_digest",
                condition=Q(in_digest=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class EmailFrequency(models.TextChoices):
    IMMEDIATE = "immediate", _("at once")
    DAILY = "daily", _("once a day, in a digest")


class NotificationPreference(models.Model):
    """How one person wants reminders by e-mail. Without a row: at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    email = models.CharField(
        _("e-mail"), max_length=10, choices=EmailFrequency.choices, default=EmailFrequency.IMMEDIATE
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email}"


class Digest(models.Model):
    """The daily digest of one person for one day; unique, so it is sent once that day."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("day"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    items = models.PositiveIntegerField(_("items"), default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="digest_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.day}"

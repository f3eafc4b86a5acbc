"""simulate_reminders lists the outbox's coming reminders per day and sends nothing."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from notifications.models import Delivery, Notification, Reminder, ReminderStatus
from notifications.selectors import reminders_upcoming
from notifications.services import reminder_schedule

from .conftest import KIND, ref

pytestmark = pytest.mark.django_db


def schedule(n: int, *, in_days: int, hour: int = 6, step: str = "") -> Reminder:
    day = timezone.localdate() + datetime.timedelta(days=in_days)
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    with transaction.atomic():
        return reminder_schedule(kind=KIND, obj=ref(n), due_at=moment, step=step)


def test_upcoming_reminders_are_listed_by_day_with_their_recipients(test_kind, audience):
    overdue = schedule(1, in_days=-2)
    soon = schedule(2, in_days=3, step="coordinator")
    schedule(3, in_days=20)
    cancelled = schedule(4, in_days=1)
    Reminder.objects.filter(pk=cancelled.pk).update(status=ReminderStatus.CANCELLED)

    upcoming = reminders_upcoming(start=timezone.localdate(), days=14)

    assert [u.reminder.pk for u in upcoming] == [overdue.pk, soon.pk]
    assert upcoming[0].day == timezone.localdate()  # overdue: the dispatcher sends it now
    assert upcoming[1].recipients == ("coordinator", "teamlead")
    assert upcoming[1].title == "Test reminder 2"
    assert upcoming[1].object_reference == "tests.thing:2"


def test_the_command_prints_each_day_and_sends_nothing(test_kind, audience):
    schedule(1, in_days=0, step="coordinator")
    schedule(2, in_days=5)
    before = list(Reminder.objects.order_by("id").values_list("id", "status", "attempts"))
    out = StringIO()

    call_command("simulate_reminders", "--days", "14", stdout=out)

    text = out.getvalue()
    assert text.startswith("2 reminders from ")
    in_five = timezone.localdate() + datetime.timedelta(days=5)
    assert f"\n{in_five:%Y-%m-%d}" in text
    assert f"{KIND}/coordinator" in text and "tests.thing:1" in text
    assert "→ coordinator, teamlead" in text
    assert mail.outbox == []
    assert not Delivery.objects.exists() and not Notification.objects.exists()
    assert list(Reminder.objects.order_by("id").values_list("id", "status", "attempts")) == before

"""A signal not triaged reminds the coordinators after 5 working days, then the team leads."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from notifications.kinds import ReminderCode
from notifications.models import Notification, Reminder, ReminderStatus
from notifications.selectors import reminders_for
from notifications.services import reminder_deliver
from signals.reminders import COORDINATOR, TEAM_LEAD, due_after
from signals.services import signal_triage
from workflows.calendar import add_working_days

from .factories import DESCRIPTION, make_signal

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def addressed(actors):
    for name in ("coordinator", "colleague", "teamlead", "boa"):
        actors[name].email = f"{name}@testwaard.example"
        actors[name].save(update_fields=["email"])
    return actors


def test_filing_schedules_the_coordinators_then_the_team_leads(actors):
    signal = make_signal(actors["boa"])

    reminders = {r.step: r for r in reminders_for(obj=signal)}

    arrived = timezone.localdate(signal.created_at)
    assert set(reminders) == {COORDINATOR, TEAM_LEAD}
    for step, days in ((COORDINATOR, 5), (TEAM_LEAD, 7)):
        due = timezone.localtime(reminders[step].due_at)
        assert due.date() == add_working_days(arrived, days=days)
        assert (due.hour, due.minute) == (6, 0)
        assert reminders[step].kind == ReminderCode.SIGNAL_NOT_TRIAGED
        assert reminders[step].municipality_id == signal.municipality_id


def test_working_days_skip_koningsdag_bevrijdingsdag_and_hemelvaart():
    # Tuesday 27 April, Wednesday 5 May and Thursday 6 May 2027 are no working days.
    friday = datetime.datetime(2027, 4, 23, 15, 0, tzinfo=AMSTERDAM)

    assert due_after(arrived=friday, working_days=5) == datetime.datetime(
        2027, 5, 3, 6, 0, tzinfo=AMSTERDAM
    )
    assert due_after(arrived=friday, working_days=7) == datetime.datetime(
        2027, 5, 7, 6, 0, tzinfo=AMSTERDAM
    )


def test_triage_cancels_the_reminders(actors):
    signal = make_signal(actors["boa"])

    signal_triage(
        signal=signal, actor=actors["coordinator"], decision="dismiss", reason="Geen overlast."
    )

    assert {r.status for r in reminders_for(obj=signal)} == {ReminderStatus.CANCELLED}


def test_the_coordinators_are_reminded_by_reference_without_content(addressed):
    signal = make_signal(addressed["boa"])
    reminder = reminders_for(obj=signal).get(step=COORDINATOR)
    Reminder.objects.filter(pk=reminder.pk).update(status=ReminderStatus.DISPATCHING)

    reminder_deliver(reminder_id=reminder.pk)

    assert sorted(m.to[0] for m in mail.outbox) == [
        "colleague@testwaard.example",
        "coordinator@testwaard.example",
    ]
    for message in mail.outbox:
        assert signal.reference in message.subject
        assert DESCRIPTION not in message.body
        assert "Ria" not in message.body and "Meidoornlaan" not in message.body
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "coordinator",
        "colleague",
    }


def test_the_team_lead_is_reminded_next(addressed):
    signal = make_signal(addressed["boa"])
    reminder = reminders_for(obj=signal).get(step=TEAM_LEAD)
    Reminder.objects.filter(pk=reminder.pk).update(status=ReminderStatus.DISPATCHING)

    reminder_deliver(reminder_id=reminder.pk)

    assert [m.to[0] for m in mail.outbox] == ["teamlead@testwaard.example"]


def test_a_reminder_already_claimed_when_triage_happens_sends_nothing(addressed):
    signal = make_signal(addressed["boa"])
    reminder = reminders_for(obj=signal).get(step=COORDINATOR)
    Reminder.objects.filter(pk=reminder.pk).update(status=ReminderStatus.DISPATCHING)
    signal_triage(
        signal=signal, actor=addressed["coordinator"], decision="dismiss", reason="Geen overlast."
    )

    assert reminder_deliver(reminder_id=reminder.pk) is False
    assert mail.outbox == []

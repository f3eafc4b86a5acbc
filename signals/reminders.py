"""The reminders about signals, declared as data and registered with the outbox.

A signal not triaged reminds the municipality's coordinators (everyone who triages its
signals) 5 working days after it arrived, and its team leads 2 working days later
(domain brief, section 6). Working days follow the Dutch calendar (``workflows.calendar``);
the outbox receives concrete moments. Triage cancels both.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.reminders import due_moment, is_team_lead, municipality_staff
from notifications.kinds import (
    EscalationStep,
    ObjectRef,
    ReminderCode,
    ReminderKind,
    ReminderText,
    memo,
    memo_put,
    register,
)
from notifications.services import reminder_schedule, reminders_cancel_for
from permissions.models import User
from workflows.calendar import add_working_days
from workflows.selectors import clock_for

from .models import Signal, SignalStatus
from .policies import triage_municipality_id

COORDINATOR = "coordinator"
TEAM_LEAD = "team_lead"
# The team leads hear of a signal this many working days after its clock ran out (the
# clock itself, 5 working days by default, is the municipality's setting).
ESCALATION_AFTER_DAYS = 2


SIGNAL = Signal._meta.label_lower


def _signals() -> QuerySet[Signal]:
    # What the reminders need, and none of the encrypted fields.
    return Signal.objects.only("pk", "uuid", "reference", "municipality_id", "status")


def _signal(ref: ObjectRef) -> Signal | None:
    return memo((SIGNAL, ref.id), lambda: _signals().filter(pk=ref.id).first())


def signals_prefetch(refs: Sequence[ObjectRef]) -> None:
    """The signals of a batch of reminders, in one query (``ReminderKind.prefetch``)."""
    ids = [int(ref.id) for ref in refs if ref.id.isdigit()]
    found = {str(s.pk): s for s in _signals().filter(pk__in=ids)}
    for ref in refs:
        memo_put((SIGNAL, ref.id), found.get(ref.id))


def not_triaged_recipients(ref: ObjectRef, step: str) -> list[User]:
    """Coordinators: who may triage the signal, but its team leads. Team leads: those."""
    signal = _signal(ref)
    if signal is None:
        return []
    staff = municipality_staff(signal.municipality_id)
    leads = [u for u in staff if is_team_lead(u)]
    if step == TEAM_LEAD:
        return leads
    # Team leads may triage too; they hear of the signal only when it is escalated to them.
    return [
        u for u in staff if triage_municipality_id(u) == signal.municipality_id and u not in leads
    ]


def not_triaged_text(ref: ObjectRef, step: str) -> ReminderText:
    """The reference only: the reminder is read in a mailbox, so it holds no content."""
    signal = _signal(ref)
    reference = signal.reference if signal is not None else ""
    return ReminderText(
        title=_("Signal %(reference)s has not been triaged yet") % {"reference": reference},
        link=reverse("signals:detail", kwargs={"signal_id": signal.uuid}) if signal else "",
    )


def not_triaged_still_due(ref: ObjectRef, step: str) -> bool:
    signal = _signal(ref)
    return signal is not None and signal.status == SignalStatus.NEW


SIGNAL_NOT_TRIAGED = register(
    ReminderKind(
        code=ReminderCode.SIGNAL_NOT_TRIAGED,
        recipients=not_triaged_recipients,
        describe=not_triaged_text,
        still_due=not_triaged_still_due,
        prefetch=signals_prefetch,
        steps=(
            EscalationStep(COORDINATOR, "5 working days after arrival: the coordinators"),
            EscalationStep(TEAM_LEAD, "7 working days after arrival: the team leads"),
        ),
    )
)


def due_after(*, arrived: datetime.datetime, working_days: int) -> datetime.datetime:
    """The reminders' hour on the day ``working_days`` working days after ``arrived``."""
    return due_moment(add_working_days(timezone.localdate(arrived), days=working_days))


def signal_reminders_schedule(*, signal: Signal) -> None:
    """Schedule the not-triaged reminders of a newly filed signal, in the filing transaction.

    The same clock as the triage inbox shows (``signal_not_triaged``, the municipality's
    amount of working days); the team leads' step follows ``ESCALATION_AFTER_DAYS`` later.
    """
    days = clock_for(key="signal_not_triaged", municipality_id=signal.municipality_id).amount
    after = {COORDINATOR: days, TEAM_LEAD: days + ESCALATION_AFTER_DAYS}
    for step, working_days in after.items():
        reminder_schedule(
            kind=ReminderCode.SIGNAL_NOT_TRIAGED,
            obj=signal,
            step=step,
            due_at=due_after(arrived=signal.created_at, working_days=working_days),
            municipality_id=signal.municipality_id,
        )


def signal_reminders_cancel(*, signal: Signal) -> int:
    """Cancel the not-triaged reminders of a signal just triaged, in the triage transaction."""
    return reminders_cancel_for(obj=signal, kind=ReminderCode.SIGNAL_NOT_TRIAGED)

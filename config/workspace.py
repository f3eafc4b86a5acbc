"""The workspace: what needs the signed-in person today, gathered from every app.

The start page is the one place that reads across all apps, so it is composed here, in the
project package, from each app's own selectors: every list goes through that app's access
checks (``cases_visible_to``, ``meetings_visible_to``, ``plan_actions_mine``,
``triage_inbox``, ``notifications_for``). Nothing here decides who may see what.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F
from django.utils import timezone

from casework.models import Case, Meeting, PlanAction
from casework.selectors import (
    cases_visible_to,
    meetings_visible_to,
    plan_actions_mine,
    with_deadlines,
)
from notifications.models import Notification
from notifications.selectors import notifications_for, unread_count
from signals.selectors import InboxRow, triage_inbox
from workflows.machines import machine_for

# How many items of each kind the start page shows; each block links to the full list.
SHOWN = 8
# Actions due within this many days count as "due".
ACTIONS_AHEAD_DAYS = 7


@dataclass
class CaseRow:
    case: Case
    state_label: str
    overdue: bool


@dataclass
class Workspace:
    """Today's work for one person. Empty blocks are left out of the page."""

    today: datetime.date
    signals: list[InboxRow] = field(default_factory=list)
    signals_waiting: int = 0
    signals_overdue: int = 0
    cases: list[CaseRow] = field(default_factory=list)
    cases_total: int = 0
    actions: list[PlanAction] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    unread: int = 0


def _own_cases(*, user: Any, today: datetime.date) -> tuple[list[CaseRow], int]:
    """Open cases the person coordinates (or, for a partner, takes part in), overdue first,
    then by their next deadline."""
    visible = cases_visible_to(user=user).filter(closed_at__isnull=True)
    mine = visible.filter(coordinator=user)
    queryset = mine if mine.exists() else visible
    total = queryset.count()
    cases = list(
        with_deadlines(queryset)
        .only("uuid", "reference", "case_type", "state", "wijk", "confidentiality", "opened_at")
        .order_by(F("next_due").asc(nulls_last=True), "-opened_at")[:SHOWN]
    )
    rows = [
        CaseRow(
            case=case,
            state_label=machine_for(case.case_type).state(case.state).label,
            overdue=case.next_due is not None and case.next_due < today,
        )
        for case in cases
    ]
    return rows, total


def workspace_for(*, user: Any, now: datetime.datetime | None = None) -> Workspace:
    """Gather ``user``'s day: signals to triage, own cases with their clocks, actions due,
    meetings this week and unread notifications. A bounded number of queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    space = Workspace(today=today)
    inbox = triage_inbox(user=user, today=today)
    space.signals = inbox[:SHOWN]
    space.signals_waiting = len(inbox)
    space.signals_overdue = sum(1 for row in inbox if row.overdue)
    space.cases, space.cases_total = _own_cases(user=user, today=today)
    space.actions = list(
        plan_actions_mine(user=user).filter(
            due_date__lte=today + datetime.timedelta(days=ACTIONS_AHEAD_DAYS)
        )[:SHOWN]
    )
    monday = today - datetime.timedelta(days=today.weekday())
    week_start = timezone.make_aware(datetime.datetime.combine(monday, datetime.time.min))
    space.meetings = list(
        meetings_visible_to(user=user)
        .filter(starts_at__gte=week_start, starts_at__lt=week_start + datetime.timedelta(days=7))
        .select_related("meeting_type")
        .order_by("starts_at")[:SHOWN]
    )
    space.unread = unread_count(user=user)
    if space.unread:
        space.notifications = list(notifications_for(user=user, unread_only=True)[:5])
    return space

"""The reminders about meetings, plan actions, plan reviews and legal clocks, declared as data
and registered with the outbox (domain brief, section 6; docs/architecture.md, "Meetings").

| kind (step) | about | when | to |
|---|---|---|---|
| agenda (``invitation``) | agenda item | 5 working days before the meeting | the item's invitees |
| agenda (``freeze``) | meeting | 2 working days before the meeting | the chair |
| agenda (``frozen``) | agenda item | when the agenda is frozen | the item's invitees |
| minutes missing | meeting | 2 working days after the meeting | the chair |
| action due (``soon``, ``today``) | plan action | 3 days before, on the day | the owner |
| action due (``coordinator``) | plan action | 5 working days after the deadline | coordinator |
| action due (``team_lead``) | plan action | 5 working days after that | the team leads |
| plan review due | minutes entry | on the next review date | the coordinator |
| legal clock (``before``, ``today``) | deadline | 3 working days before; on the day | coordinator |
| triage cut-off | weekly triage | cut-off day (1 working day before) | referrers (incomplete) |

Every reminder is about one object, so an e-mail never holds more than one case: an item's
invitation goes to the organisations taking part in that item's case only (ADR 0013), and
names the case by its reference. An action is named "actie" with its deadline, never by its
title, which may be personal. The services of ``casework.services`` call the schedule and
cancel functions at the end of their transaction; ``still_due`` is the outbox's last check.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

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
from notifications.services import reminder_reschedule, reminders_cancel_for
from permissions.constants import OrganisationType, Perm, RoleSlug
from permissions.models import User
from permissions.policies import has_perm
from workflows.calendar import add_working_days
from workflows.clocks import Clock, clock_get, due, due_before
from workflows.selectors import clock_for

from .models import (
    ActionStatus,
    AgendaItem,
    Case,
    CaseDeadline,
    Confidentiality,
    Meeting,
    MeetingStatus,
    MinutesEntry,
    Participation,
    PlanAction,
)
from .policies import Routes
from .selectors.referrals import referrals_incomplete, referrer_of

# Steps of the agenda reminder.
INVITATION = "invitation"
FREEZE = "freeze"
FROZEN = "frozen"
# Steps of the action reminder.
SOON = "soon"
TODAY = "today"
COORDINATOR = "coordinator"
TEAM_LEAD = "team_lead"
# Steps of the legal clock reminder (TODAY as above).
BEFORE = "before"

# Reminders fall due early in the morning, before the 07:00 digest of the same day.
DUE_TIME = datetime.time(6, 0)
# The team leads hear of an overdue action this many working days after its coordinator.
TEAM_LEAD_AFTER_DAYS = 5
# The coordinator hears of a legal clock this many working days before its last day.
LEGAL_CLOCK_WARNING_DAYS = 3
# Who an overdue action is escalated to after the coordinator (roles as data).
ESCALATION_ROLES = frozenset({RoleSlug.TEAM_LEAD.value})

MEETING = Meeting._meta.label_lower
PLAN_ACTION = PlanAction._meta.label_lower
AGENDA_ITEM = AgendaItem._meta.label_lower


def due_moment(day: datetime.date) -> datetime.datetime:
    """``DUE_TIME`` on ``day``, Dutch time."""
    return timezone.make_aware(
        datetime.datetime.combine(day, DUE_TIME), timezone.get_default_timezone()
    )


def _day(day: datetime.date) -> str:
    return formats.date_format(day, "j F Y")


def _active(users: Iterable[User | None]) -> list[User]:
    seen: dict[int, User] = {}
    for user in users:
        if user is not None and user.is_active and user.pk not in seen:
            seen[user.pk] = user
    return list(seen.values())


# --- who is reminded ---------------------------------------------------------------------


def municipality_staff(municipality_id: int) -> list[User]:
    """Active staff of the municipality's own organisation, with their organisation and role
    (once per batch of reminders)."""
    return memo(
        ("municipality_staff", municipality_id),
        lambda: list(
            User.objects.filter(
                is_active=True,
                organisation__municipality_id=municipality_id,
                organisation__type=OrganisationType.GEMEENTE,
            )
            .select_related("organisation", "role")
            .order_by("pk")
        ),
    )


def is_team_lead(user: User) -> bool:
    """Whether ``user``'s role is one escalations go to (roles as data)."""
    return user.role is not None and user.role.slug in ESCALATION_ROLES


def team_leads(*, municipality_id: int) -> list[User]:
    """The municipality's team leads."""
    return [u for u in municipality_staff(municipality_id) if is_team_lead(u)]


def coordinators(*, case: Case) -> list[User]:
    """The case's coordinator; without one (or an inactive one), the municipality's
    coordinators (who run its cases), but its team leads, who hear of escalations only."""
    if case.coordinator is not None and case.coordinator.is_active:
        return [case.coordinator]
    return [
        u
        for u in municipality_staff(case.municipality_id)
        if has_perm(u, Perm.COORDINATE_CASES) and not is_team_lead(u)
    ]


def chair(*, meeting: Meeting) -> list[User]:
    """The meeting's chair; without an active one, whoever manages the municipality's meetings."""
    if meeting.chair is not None and meeting.chair.is_active:
        return [meeting.chair]
    return [
        u
        for u in municipality_staff(meeting.municipality_id)
        if has_perm(u, Perm.MANAGE_MEETINGS) and not is_team_lead(u)
    ]


def invitees(*, item: AgendaItem) -> list[User]:
    """The people invited to one agenda item: the users of the organisations taking part in
    its case now who see the item through that participation (ADR 0013). None at the
    highest confidentiality, which is never shared."""
    if item.case.confidentiality >= Confidentiality.HIGHEST:
        return []
    organisation_ids = Participation.objects.filter(
        case_id=item.case_id, ended_at__isnull=True
    ).values("organisation_id")
    users = (
        User.objects.filter(is_active=True, organisation_id__in=organisation_ids)
        .select_related("organisation", "role")
        .order_by("pk")
    )
    return [u for u in users if Routes.for_user(u).participating_org_id == u.organisation_id]


def action_owners(*, action: PlanAction) -> list[User]:
    """The owner person; else the owner organisation's people who see the action: a partner's
    users who see the case through its participation, or, for the organisation that runs
    the case, its coordinator; without an owner organisation, the coordinator."""
    if action.owner is not None and action.owner.is_active:
        return [action.owner]
    case = action.case
    organisation_id = action.owner_organisation_id
    if organisation_id is None or organisation_id == case.owner_id:
        return coordinators(case=case)
    return memo(("partner_users", organisation_id), lambda: _partner_users(organisation_id))


def _partner_users(organisation_id: int) -> list[User]:
    users = User.objects.filter(is_active=True, organisation_id=organisation_id).select_related(
        "organisation", "role"
    )
    return [u for u in users.order_by("pk") if Routes.for_user(u).participating_org_id]


# --- lookups by reference -----------------------------------------------------------------


def _meeting(ref: ObjectRef) -> Meeting | None:
    return (
        Meeting.objects.select_related("meeting_type", "chair", "municipality")
        .filter(pk=ref.id)
        .first()
    )


def _item(ref: ObjectRef) -> AgendaItem | None:
    return (
        AgendaItem.objects.select_related("meeting__meeting_type", "case").filter(pk=ref.id).first()
    )


def _actions() -> QuerySet[PlanAction]:
    return PlanAction.objects.select_related("case__coordinator", "owner")


def _action(ref: ObjectRef) -> PlanAction | None:
    return memo((PLAN_ACTION, ref.id), lambda: _actions().filter(pk=ref.id).first())


def actions_prefetch(refs: Sequence[ObjectRef]) -> None:
    """The plan actions of a batch of reminders, in one query (``ReminderKind.prefetch``)."""
    ids = {ref.id for ref in refs if ref.id.isdigit()}
    found = {str(a.pk): a for a in _actions().filter(pk__in=[int(i) for i in ids])}
    for ref in refs:
        memo_put((PLAN_ACTION, ref.id), found.get(ref.id))


def _entry(ref: ObjectRef) -> MinutesEntry | None:
    return MinutesEntry.objects.select_related("case__coordinator").filter(pk=ref.id).first()


def _deadline(ref: ObjectRef) -> CaseDeadline | None:
    return CaseDeadline.objects.select_related("case__coordinator").filter(pk=ref.id).first()


def _case_link(case: Case) -> str:
    return reverse("casework:case_detail", kwargs={"case_id": case.uuid})


def _meeting_link(meeting: Meeting) -> str:
    return reverse("casework:meeting_detail", kwargs={"meeting_id": meeting.uuid})


# --- agenda and invitations ---------------------------------------------------------------


def agenda_recipients(ref: ObjectRef, step: str) -> list[User]:
    if ref.type == MEETING:
        meeting = _meeting(ref)
        return chair(meeting=meeting) if meeting else []
    item = _item(ref)
    return invitees(item=item) if item else []


def agenda_text(ref: ObjectRef, step: str) -> ReminderText:
    """The meeting's type and date, and for an item its case's reference only."""
    if ref.type == MEETING:
        meeting = _meeting(ref)
        if meeting is None:
            return ReminderText(title=_("Freeze the agenda"))
        return ReminderText(
            title=_("Freeze the agenda of %(meeting)s on %(date)s")
            % {
                "meeting": meeting.meeting_type.name,
                "date": _day(timezone.localdate(meeting.starts_at)),
            },
            link=_meeting_link(meeting),
        )
    item = _item(ref)
    if item is None:
        return ReminderText(title=_("Agenda"))
    values = {
        "meeting": item.meeting.meeting_type.name,
        "date": _day(timezone.localdate(item.meeting.starts_at)),
        "reference": item.case.reference,
    }
    if step == FROZEN:
        title = _("The agenda of %(meeting)s on %(date)s is final: case %(reference)s") % values
    else:
        title = _("Invitation: case %(reference)s is on the agenda of %(meeting)s on %(date)s") % (
            values
        )
    return ReminderText(title=title, link=_meeting_link(item.meeting))


def agenda_still_due(ref: ObjectRef, step: str) -> bool:
    if ref.type == MEETING:
        return Meeting.objects.filter(pk=ref.id, status=MeetingStatus.PLANNED).exists()
    return AgendaItem.objects.filter(
        pk=ref.id, meeting__status__in=(MeetingStatus.PLANNED, MeetingStatus.FROZEN)
    ).exists()


AGENDA = register(
    ReminderKind(
        code=ReminderCode.AGENDA,
        recipients=agenda_recipients,
        describe=agenda_text,
        still_due=agenda_still_due,
        steps=(
            EscalationStep(INVITATION, "5 working days before the meeting: the item's invitees"),
            EscalationStep(FREEZE, "2 working days before the meeting: the chair"),
            EscalationStep(FROZEN, "when the agenda is frozen: the item's invitees"),
        ),
    )
)


# --- minutes missing ----------------------------------------------------------------------


def minutes_missing_recipients(ref: ObjectRef, step: str) -> list[User]:
    meeting = _meeting(ref)
    return chair(meeting=meeting) if meeting else []


def minutes_missing_text(ref: ObjectRef, step: str) -> ReminderText:
    meeting = _meeting(ref)
    if meeting is None:
        return ReminderText(title=_("Minutes missing"))
    return ReminderText(
        title=_("The minutes of %(meeting)s on %(date)s are not complete yet")
        % {
            "meeting": meeting.meeting_type.name,
            "date": _day(timezone.localdate(meeting.starts_at)),
        },
        link=_meeting_link(meeting),
    )


def _minutes_outstanding(meeting_id: int | str) -> bool:
    return AgendaItem.objects.filter(meeting_id=meeting_id, minutes__isnull=True).exists()


def minutes_missing_still_due(ref: ObjectRef, step: str) -> bool:
    return Meeting.objects.filter(pk=ref.id).exclude(
        status=MeetingStatus.MINUTED
    ).exists() and _minutes_outstanding(ref.id)


MINUTES_MISSING = register(
    ReminderKind(
        code=ReminderCode.MINUTES_MISSING,
        recipients=minutes_missing_recipients,
        describe=minutes_missing_text,
        still_due=minutes_missing_still_due,
        steps=(EscalationStep("", "2 working days after the meeting: the chair"),),
    )
)


# --- actions ------------------------------------------------------------------------------


def action_recipients(ref: ObjectRef, step: str) -> list[User]:
    action = _action(ref)
    if action is None:
        return []
    if step == TEAM_LEAD:
        return team_leads(municipality_id=action.case.municipality_id)
    if step == COORDINATOR:
        return coordinators(case=action.case)
    return action_owners(action=action)


def action_text(ref: ObjectRef, step: str) -> ReminderText:
    """The case's reference and the deadline: an action's title may be personal."""
    action = _action(ref)
    if action is None or action.due_date is None:
        return ReminderText(title=_("Action"))
    values = {"reference": action.case.reference, "date": _day(action.due_date)}
    if step == SOON:
        title = _("An action in case %(reference)s is due on %(date)s") % values
        link = reverse("casework:my_actions")
    elif step == TODAY:
        title = _("An action in case %(reference)s is due today (%(date)s)") % values
        link = reverse("casework:my_actions")
    else:
        title = _("An action in case %(reference)s is overdue since %(date)s") % values
        link = _case_link(action.case)
    return ReminderText(title=title, link=link)


def action_still_due(ref: ObjectRef, step: str) -> bool:
    action = _action(ref)
    return action is not None and action.status == ActionStatus.OPEN and bool(action.due_date)


ACTION_DUE = register(
    ReminderKind(
        code=ReminderCode.ACTION_DUE,
        recipients=action_recipients,
        describe=action_text,
        still_due=action_still_due,
        prefetch=actions_prefetch,
        steps=(
            EscalationStep(SOON, "3 days before the deadline: the owner"),
            EscalationStep(TODAY, "on the day of the deadline: the owner"),
            EscalationStep(COORDINATOR, "5 working days after the deadline: the coordinator"),
            EscalationStep(TEAM_LEAD, "10 working days after the deadline: the team leads"),
        ),
    )
)


# --- plan review --------------------------------------------------------------------------


def plan_review_recipients(ref: ObjectRef, step: str) -> list[User]:
    entry = _entry(ref)
    return coordinators(case=entry.case) if entry else []


def plan_review_text(ref: ObjectRef, step: str) -> ReminderText:
    entry = _entry(ref)
    if entry is None or entry.next_review_on is None:
        return ReminderText(title=_("Plan review due"))
    return ReminderText(
        title=_("The plan of case %(reference)s is due for review on %(date)s")
        % {"reference": entry.case.reference, "date": _day(entry.next_review_on)},
        link=_case_link(entry.case),
    )


def plan_review_still_due(ref: ObjectRef, step: str) -> bool:
    return MinutesEntry.objects.filter(
        pk=ref.id, next_review_on__isnull=False, case__closed_at__isnull=True
    ).exists()


PLAN_REVIEW_DUE = register(
    ReminderKind(
        code=ReminderCode.PLAN_REVIEW_DUE,
        recipients=plan_review_recipients,
        describe=plan_review_text,
        still_due=plan_review_still_due,
        steps=(EscalationStep("", "on the next review date: the coordinator"),),
    )
)


# --- legal clocks -------------------------------------------------------------------------


def is_legal_clock(key: str) -> bool:
    """A period the law sets or grants (it names its article): bezwaar, zienswijze, huisverbod,
    Wvggz, subject access. Missing one costs a person a right or the municipality a case."""
    try:
        clock = clock_get(key)
    except KeyError:
        return False
    return clock.legal or bool(clock.legal_basis)


def legal_clock_recipients(ref: ObjectRef, step: str) -> list[User]:
    deadline = _deadline(ref)
    return coordinators(case=deadline.case) if deadline else []


def legal_clock_text(ref: ObjectRef, step: str) -> ReminderText:
    deadline = _deadline(ref)
    if deadline is None:
        return ReminderText(title=_("Legal deadline"))
    values = {
        "clock": clock_get(deadline.key).label_nl,
        "reference": deadline.case.reference,
        "date": _day(deadline.due_on),
    }
    if step == TODAY:
        title = _("%(clock)s of case %(reference)s ends today (%(date)s)") % values
    else:
        title = _("%(clock)s of case %(reference)s ends on %(date)s") % values
    return ReminderText(title=title, link=_case_link(deadline.case))


def legal_clock_still_due(ref: ObjectRef, step: str) -> bool:
    return CaseDeadline.objects.filter(
        pk=ref.id, met_at__isnull=True, cancelled_at__isnull=True
    ).exists()


LEGAL_CLOCK = register(
    ReminderKind(
        code=ReminderCode.LEGAL_CLOCK,
        recipients=legal_clock_recipients,
        describe=legal_clock_text,
        still_due=legal_clock_still_due,
        steps=(
            EscalationStep(BEFORE, "3 working days before the last day: the coordinator"),
            EscalationStep(TODAY, "on the last day: the coordinator"),
        ),
    )
)


# --- triage cut-off -----------------------------------------------------------------------

# The meeting type whose meetings are the weekly triage, and the hour of its cut-off: referrals
# complete before noon on the cut-off day (one working day before the triage) are discussed.
TRIAGE_MEETING_CODE = "triage"
TRIAGE_CUTOFF_TIME = datetime.time(12, 0)


def triage_cutoff_day(meeting: Meeting) -> datetime.date:
    """The cut-off day of a triage meeting (clock ``triage_cutoff``, working days back)."""
    return due_before(
        clock_for(key="triage_cutoff", municipality_id=meeting.municipality_id),
        event=timezone.localdate(meeting.starts_at),
    )


def triage_cutoff_recipients(ref: ObjectRef, step: str) -> list[User]:
    """The referrers of the municipality's incomplete referrals (else the case's coordinator)."""
    meeting = _meeting(ref)
    if meeting is None:
        return []
    return _active(
        referrer_of(view) for view in referrals_incomplete(municipality_id=meeting.municipality_id)
    )


def triage_cutoff_text(ref: ObjectRef, step: str) -> ReminderText:
    meeting = _meeting(ref)
    link = reverse("casework:referral_list")
    if meeting is None:
        return ReminderText(title=_("Complete your referrals before the triage cut-off"), link=link)
    return ReminderText(
        title=_(
            "Triage on %(date)s: complete your referrals before %(cutoff)s, %(time)s, "
            "or they wait for the next triage"
        )
        % {
            "date": _day(timezone.localdate(meeting.starts_at)),
            "cutoff": _day(triage_cutoff_day(meeting)),
            "time": formats.time_format(TRIAGE_CUTOFF_TIME, "H:i"),
        },
        link=link,
    )


def triage_cutoff_still_due(ref: ObjectRef, step: str) -> bool:
    meeting = _meeting(ref)
    return (
        meeting is not None
        and meeting.status in (MeetingStatus.PLANNED, MeetingStatus.FROZEN)
        and bool(referrals_incomplete(municipality_id=meeting.municipality_id))
    )


TRIAGE_CUTOFF = register(
    ReminderKind(
        code=ReminderCode.TRIAGE_CUTOFF,
        recipients=triage_cutoff_recipients,
        describe=triage_cutoff_text,
        still_due=triage_cutoff_still_due,
        steps=(
            EscalationStep(
                "",
                "on the cut-off day (1 working day before the weekly triage), before noon: "
                "the referrers of incomplete referrals",
            ),
        ),
    )
)


# --- scheduling, called by the services in their transaction ------------------------------


def _schedule(
    *,
    kind: str,
    obj: object,
    step: str,
    day: datetime.date,
    municipality_id: int,
    skip_past: bool = False,
) -> None:
    """Move ``kind``/``step`` of ``obj`` to ``day``; a reminder before an event whose moment
    has passed already is pointless, so with ``skip_past`` it is cancelled instead."""
    moment = due_moment(day)
    if skip_past and moment < timezone.now():
        reminders_cancel_for(obj=obj, kind=kind, step=step)  # type: ignore[arg-type]
        return
    reminder_reschedule(
        kind=kind,
        obj=obj,  # type: ignore[arg-type]
        step=step,
        due_at=moment,
        municipality_id=municipality_id,
    )


def meeting_reminders_schedule(*, meeting: Meeting) -> None:
    """(Re)schedule the reminders that follow a meeting's date: the freeze reminder while the
    agenda is open, minutes missing, and every item's invitation. For ``meeting_plan`` and
    ``meeting_reschedule``; a moved date cancels the old moments."""
    day = timezone.localdate(meeting.starts_at)
    municipality_id = meeting.municipality_id
    if meeting.status == MeetingStatus.PLANNED:
        freeze_on = due_before(
            clock_for(key="agenda_frozen", municipality_id=municipality_id), event=day
        )
        _schedule(
            kind=ReminderCode.AGENDA,
            obj=meeting,
            step=FREEZE,
            day=freeze_on,
            municipality_id=municipality_id,
        )
    missing_on = due(clock_for(key="minutes_missing", municipality_id=municipality_id), start=day)
    _schedule(
        kind=ReminderCode.MINUTES_MISSING,
        obj=meeting,
        step="",
        day=missing_on,
        municipality_id=municipality_id,
    )
    if meeting.meeting_type.code == TRIAGE_MEETING_CODE:
        _schedule(
            kind=ReminderCode.TRIAGE_CUTOFF,
            obj=meeting,
            step="",
            day=triage_cutoff_day(meeting),
            municipality_id=municipality_id,
            skip_past=True,
        )
    for item in meeting.items.all():
        agenda_item_reminders_schedule(item=item, meeting=meeting)


def agenda_item_reminders_schedule(*, item: AgendaItem, meeting: Meeting) -> None:
    """The invitation to one item, 5 working days before the meeting (at once when that has
    passed: an item added late is still announced). A frozen meeting that moves announces
    its items again."""
    if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.FROZEN):
        return
    invite_on = due_before(
        clock_for(key="agenda_invitations", municipality_id=meeting.municipality_id),
        event=timezone.localdate(meeting.starts_at),
    )
    _schedule(
        kind=ReminderCode.AGENDA,
        obj=item,
        step=INVITATION,
        day=invite_on,
        municipality_id=meeting.municipality_id,
    )


def agenda_item_reminders_cancel(*, item: AgendaItem) -> int:
    """Cancel an item's reminders before it leaves the agenda."""
    return reminders_cancel_for(obj=item)


def agenda_frozen_notify(*, meeting: Meeting) -> None:
    """The agenda is frozen: cancel the freeze reminder and tell each item's invitees now."""
    reminders_cancel_for(obj=meeting, kind=ReminderCode.AGENDA, step=FREEZE)
    now = (meeting.agenda_frozen_at or timezone.now()).replace(microsecond=0)
    for item in meeting.items.all():
        reminder_reschedule(
            kind=ReminderCode.AGENDA,
            obj=item,
            step=FROZEN,
            due_at=now,
            municipality_id=meeting.municipality_id,
        )


def minutes_reminders_update(*, meeting: Meeting, entry: MinutesEntry) -> None:
    """After minutes were recorded: the plan review on the entry's review date, and no more
    "minutes missing" once every item has minutes."""
    if entry.next_review_on is not None:
        _schedule(
            kind=ReminderCode.PLAN_REVIEW_DUE,
            obj=entry,
            step="",
            day=entry.next_review_on,
            municipality_id=meeting.municipality_id,
        )
    if not _minutes_outstanding(meeting.pk):
        minutes_missing_cancel(meeting=meeting)


def minutes_missing_cancel(*, meeting: Meeting) -> int:
    return reminders_cancel_for(obj=meeting, kind=ReminderCode.MINUTES_MISSING)


def action_reminders_schedule(*, action: PlanAction) -> None:
    """(Re)schedule an open action's reminders from its deadline: the owner 3 days before and
    on the day (unless already past), the coordinator 5 working days after, the team leads
    5 working days later. An action without a deadline is reminded of nothing."""
    if action.due_date is None or action.status != ActionStatus.OPEN:
        action_reminders_cancel(action=action)
        return
    municipality_id = action.case.municipality_id
    deadline = action.due_date

    def clock(key: str) -> Clock:
        return clock_for(key=key, municipality_id=municipality_id)

    escalate_on = due(clock("action_overdue_escalation"), start=deadline)
    steps = (
        (SOON, due_before(clock("action_due_soon"), event=deadline), True),
        (TODAY, due_before(clock("action_due_today"), event=deadline), True),
        (COORDINATOR, escalate_on, False),
        (TEAM_LEAD, add_working_days(escalate_on, days=TEAM_LEAD_AFTER_DAYS), False),
    )
    for step, day, skip_past in steps:
        _schedule(
            kind=ReminderCode.ACTION_DUE,
            obj=action,
            step=step,
            day=day,
            municipality_id=municipality_id,
            skip_past=skip_past,
        )


def action_reminders_cancel(*, action: PlanAction) -> int:
    return reminders_cancel_for(obj=action, kind=ReminderCode.ACTION_DUE)


def deadline_reminders_schedule(*, deadline: CaseDeadline, municipality_id: int) -> None:
    """A legal clock reminds the coordinator 3 working days before its last day and on it."""
    if not is_legal_clock(deadline.key):
        return
    before = add_working_days(deadline.due_on, days=-LEGAL_CLOCK_WARNING_DAYS)
    for step, day in ((BEFORE, before), (TODAY, deadline.due_on)):
        _schedule(
            kind=ReminderCode.LEGAL_CLOCK,
            obj=deadline,
            step=step,
            day=day,
            municipality_id=municipality_id,
            skip_past=True,
        )


def deadline_reminders_cancel(*, deadlines: QuerySet[CaseDeadline]) -> int:
    """Cancel the reminders of the open legal deadlines in ``deadlines`` (about to be met or
    cancelled); call it before the update that closes them."""
    cancelled = 0
    for deadline in deadlines.filter(met_at__isnull=True, cancelled_at__isnull=True):
        if is_legal_clock(deadline.key):
            cancelled += reminders_cancel_for(obj=deadline, kind=ReminderCode.LEGAL_CLOCK)
    return cancelled

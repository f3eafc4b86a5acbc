"""Writes of meetings: planning, the agenda, its freeze and the minutes.

Each change of a meeting's date, its agenda, its freeze and its minutes goes through exactly
one service here; whatever has to follow such a change (reminders, invitations) belongs at
their end.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import AgendaItem, Case, Meeting, MeetingStatus, MeetingType, MinutesEntry
from casework.policies import can_manage_meeting
from casework.reminders import (
    agenda_frozen_notify,
    agenda_item_reminders_cancel,
    agenda_item_reminders_schedule,
    meeting_reminders_schedule,
    minutes_missing_cancel,
    minutes_reminders_update,
)
from casework.selectors import case_disclosure_for
from permissions.models import Municipality, User

from .cases import CaseworkError, CaseworkForbidden, _log_change, check_countable_date


@dataclass(frozen=True)
class MeetingTypeDefault:
    code: str
    name: str
    review_weeks: int


# The meeting types every municipality starts with (domain brief, section 6); the functional
# admin renames them, adds member organisations or switches them off.
DEFAULT_MEETING_TYPES = (
    MeetingTypeDefault("zvt", "Zorg- en Veiligheidstafel", 6),
    MeetingTypeDefault("zvt-jeugd", "Zorg- en Veiligheidstafel Jeugd", 6),
    MeetingTypeDefault("triage", "Wekelijkse triage", 1),
    MeetingTypeDefault("woonoverlast", "Woonoverlastoverleg", 4),
)


@transaction.atomic
def meeting_types_ensure_defaults(*, municipality: Municipality) -> list[MeetingType]:
    """Create the default meeting types of ``municipality`` where missing.

    Idempotent; never changes a type that exists (it is data the functional admin edits).
    """
    existing = set(
        MeetingType.objects.filter(municipality=municipality).values_list("code", flat=True)
    )
    return [
        MeetingType.objects.create(
            municipality=municipality,
            code=default.code,
            name=default.name,
            review_weeks=default.review_weeks,
        )
        for default in DEFAULT_MEETING_TYPES
        if default.code not in existing
    ]


def _require_manager(*, actor: User, meeting: Meeting) -> None:
    if not can_manage_meeting(user=actor, municipality_id=meeting.municipality_id):
        raise CaseworkForbidden(_("Only the municipality's coordinators manage this meeting."))


def _check_starts_at(starts_at: datetime.datetime) -> None:
    if timezone.is_naive(starts_at):
        raise CaseworkError(_("Give the time with its time zone."), field="starts_at")
    if starts_at < timezone.now():
        raise CaseworkError(_("A meeting cannot be planned in the past."), field="starts_at")
    check_countable_date(starts_at.date(), field="starts_at")


def _check_chair(chair: User | None) -> None:
    if chair is not None and (not chair.is_active or chair.organisation_id is None):
        raise CaseworkError(_("The chair must be an active user."), field="chair")


@transaction.atomic
def meeting_plan(
    *,
    actor: User,
    meeting_type: MeetingType,
    starts_at: datetime.datetime,
    location: str = "",
    chair: User | None = None,
    cases: Iterable[Case] = (),
    origin: str | None = None,
) -> Meeting:
    """Plan a meeting of ``meeting_type`` with ``cases`` on its agenda, in that order.

    The meeting belongs to the type's municipality; only its coordinators plan it. The chair
    defaults to the actor. Raises CaseworkForbidden for anyone else and CaseworkError
    (Dutch message) for a date in the past, an inactive type or chair, or a case that
    cannot go on the agenda (see ``agenda_item_add``).
    """
    if not can_manage_meeting(user=actor, municipality_id=meeting_type.municipality_id):
        raise CaseworkForbidden(_("Only the municipality's coordinators plan its meetings."))
    if not meeting_type.is_active:
        raise CaseworkError(_("This meeting type is no longer in use."), field="meeting_type")
    _check_starts_at(starts_at)
    _check_chair(chair)
    meeting = Meeting.objects.create(
        meeting_type=meeting_type,
        municipality_id=meeting_type.municipality_id,
        starts_at=starts_at,
        location=(location or "").strip()[:200],
        chair=chair or actor,
        created_by=actor,
    )
    for case in cases:
        agenda_item_add(meeting=meeting, case=case, actor=actor, origin=origin)
    meeting_reminders_schedule(meeting=meeting)
    return meeting


@transaction.atomic
def meeting_reschedule(
    *,
    meeting: Meeting,
    actor: User,
    starts_at: datetime.datetime | None = None,
    location: str | None = None,
    chair: User | None = None,
    origin: str | None = None,
) -> Meeting:
    """Change a meeting's date, location or chair before it is held.

    The only place where a meeting's date changes. Raises CaseworkForbidden and
    CaseworkError as ``meeting_plan`` does, and CaseworkError once the meeting was held.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_manager(actor=actor, meeting=meeting)
    if meeting.status in (MeetingStatus.HELD, MeetingStatus.MINUTED):
        raise CaseworkError(_("This meeting has been held."), field="starts_at")
    changed: list[str] = []
    if starts_at is not None and starts_at != meeting.starts_at:
        _check_starts_at(starts_at)
        meeting.starts_at = starts_at
        changed.append("starts_at")
    if location is not None and location.strip() != meeting.location:
        meeting.location = location.strip()[:200]
        changed.append("location")
    if chair is not None and chair.pk != meeting.chair_id:
        _check_chair(chair)
        meeting.chair = chair
        changed.append("chair")
    if changed:
        meeting.save(update_fields=changed)
    if "starts_at" in changed:
        meeting_reminders_schedule(meeting=meeting)
    return meeting


@transaction.atomic
def agenda_item_add(
    *, meeting: Meeting, case: Case, actor: User, origin: str | None = None
) -> AgendaItem:
    """Put ``case`` on the agenda of ``meeting``, last.

    Only while the agenda is open, only a case of the meeting's municipality that the actor
    runs, and each case once. Appends "planned_on_meeting" to the case's history.
    """
    meeting = Meeting.objects.select_for_update().select_related("meeting_type").get(pk=meeting.pk)
    _require_manager(actor=actor, meeting=meeting)
    if not meeting.agenda_open:
        raise CaseworkError(_("The agenda of this meeting is frozen."), field="cases")
    if case.municipality_id != meeting.municipality_id:
        raise CaseworkError(
            _("Case %(ref)s belongs to another municipality.") % {"ref": case.reference},
            field="cases",
        )
    if not case_disclosure_for(user=actor, case=case).runs_case:
        raise CaseworkError(
            _("You do not run case %(ref)s.") % {"ref": case.reference}, field="cases"
        )
    if AgendaItem.objects.filter(meeting=meeting, case=case).exists():
        raise CaseworkError(
            _("Case %(ref)s is already on the agenda.") % {"ref": case.reference}, field="cases"
        )
    last = AgendaItem.objects.filter(meeting=meeting).aggregate(last=Max("order"))["last"]
    item = AgendaItem.objects.create(
        meeting=meeting, case=case, order=(last or 0) + 1, added_by=actor
    )
    agenda_item_reminders_schedule(item=item, meeting=meeting)
    _log_change(
        actor=actor,
        origin=origin,
        case=case,
        what="planned_on_meeting",
        meeting=str(meeting.uuid),
        meeting_type=meeting.meeting_type.name,
        starts_at=meeting.starts_at.isoformat(),
    )
    return item


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, actor: User, origin: str | None = None) -> None:
    """Take a case off an open agenda. Appends "removed_from_meeting" to its history."""
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    _require_manager(actor=actor, meeting=meeting)
    if not meeting.agenda_open:
        raise CaseworkError(_("The agenda of this meeting is frozen."))
    if item.actions.exists():
        raise CaseworkError(_("Actions were decided on this item; it stays on the agenda."))
    case = item.case
    agenda_item_reminders_cancel(item=item)
    item.delete()
    _log_change(
        actor=actor,
        origin=origin,
        case=case,
        what="removed_from_meeting",
        meeting=str(meeting.uuid),
    )


@transaction.atomic
def meeting_agenda_freeze(*, meeting: Meeting, actor: User, origin: str | None = None) -> Meeting:
    """Freeze the agenda: no case is added or removed after this. Freezing twice is a no-op.

    Raises CaseworkError for an empty agenda or a meeting past planning.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_manager(actor=actor, meeting=meeting)
    if meeting.status == MeetingStatus.FROZEN:
        return meeting
    if meeting.status != MeetingStatus.PLANNED:
        raise CaseworkError(_("This meeting has been held."))
    if not meeting.items.exists():
        raise CaseworkError(_("Put at least one case on the agenda first."))
    meeting.status = MeetingStatus.FROZEN
    meeting.agenda_frozen_at = timezone.now()
    meeting.save(update_fields=["status", "agenda_frozen_at"])
    agenda_frozen_notify(meeting=meeting)
    return meeting


@transaction.atomic
def minutes_record(
    *,
    item: AgendaItem,
    actor: User,
    picture: str = "",
    judgement: str = "",
    decision: str = "",
    next_review_on: datetime.date | None = None,
    origin: str | None = None,
) -> MinutesEntry:
    """Record (or correct) the minutes of one agenda item: beeldvorming, oordeelsvorming,
    besluitvorming and the next review date.

    Without a review date the meeting type's default applies (weeks after the meeting).
    The meeting counts as held from its first minutes. Corrections are possible until the
    minutes are complete. Appends "minutes_recorded" to the case's history. Raises
    CaseworkForbidden for anyone but the meeting's coordinators and CaseworkError for empty
    minutes, a review date before the meeting or completed minutes.
    """
    meeting = (
        Meeting.objects.select_for_update().select_related("meeting_type").get(pk=item.meeting_id)
    )
    _require_manager(actor=actor, meeting=meeting)
    if not meeting.minutes_open:
        raise CaseworkError(_("The minutes of this meeting are complete."))
    parts = {
        "picture": (picture or "").strip(),
        "judgement": (judgement or "").strip(),
        "decision": (decision or "").strip(),
    }
    if not any(parts.values()):
        raise CaseworkError(_("Write at least one part of the minutes."), field="decision")
    meeting_day = timezone.localdate(meeting.starts_at)
    if next_review_on is None:
        next_review_on = meeting_day + datetime.timedelta(weeks=meeting.meeting_type.review_weeks)
    elif next_review_on < meeting_day:
        raise CaseworkError(
            _("The next review cannot be before the meeting."), field="next_review_on"
        )
    check_countable_date(next_review_on, field="next_review_on")
    entry = MinutesEntry.objects.filter(item=item).first()
    if entry is None:
        entry = MinutesEntry(item=item, case_id=item.case_id, recorded_by=actor)
    for name, value in parts.items():
        setattr(entry, name, value or None)
    entry.next_review_on = next_review_on
    entry.recorded_by = actor
    entry.save()
    if meeting.status in (MeetingStatus.PLANNED, MeetingStatus.FROZEN):
        meeting.status = MeetingStatus.HELD
        meeting.save(update_fields=["status"])
    minutes_reminders_update(meeting=meeting, entry=entry)
    _log_change(
        actor=actor,
        origin=origin,
        case=item.case,
        what="minutes_recorded",
        meeting=str(meeting.uuid),
        next_review=next_review_on.isoformat(),
    )
    return entry


@transaction.atomic
def meeting_minutes_complete(
    *, meeting: Meeting, actor: User, origin: str | None = None
) -> Meeting:
    """Close the minutes once every item has them; after this nothing in them changes.

    Raises CaseworkError while an item has no minutes.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_manager(actor=actor, meeting=meeting)
    if meeting.status == MeetingStatus.MINUTED:
        return meeting
    if not meeting.items.exists() or meeting.items.filter(minutes__isnull=True).exists():
        raise CaseworkError(_("Record the minutes of every agenda item first."))
    meeting.status = MeetingStatus.MINUTED
    meeting.minuted_at = timezone.now()
    meeting.save(update_fields=["status", "minuted_at"])
    minutes_missing_cancel(meeting=meeting)
    return meeting

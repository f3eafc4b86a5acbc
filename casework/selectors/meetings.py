"""Reads of meetings, agenda items and plan actions.

A coordinator of the meeting's municipality sees the whole meeting; anyone else sees a
meeting only through its items, and an item only while their organisation takes part in the
item's case (ADR 0013). Every list starts from ``meetings_visible_to`` or
``agenda_items_visible_to``; one meeting comes through ``meeting_get_for``, which answers
the same for absent and forbidden.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from casework.models import (
    ActionStatus,
    AgendaItem,
    Case,
    Confidentiality,
    Meeting,
    MeetingType,
    Participation,
    PlanAction,
)
from casework.policies import (
    Disclosure,
    Routes,
    can_see_action,
    meeting_municipality_managed_by,
)
from permissions.constants import FieldGroup
from permissions.crypto import data_key_cache_warm
from permissions.models import AccessAction, Organisation
from permissions.services import AccessEvent, access_denied_record, access_log_record

from .cases import case_disclosure_for, cases_visible_to, parse_uuid


class MeetingNotFound(Http404):
    """The meeting does not exist, or the viewer may not know that it does."""


class ActionNotFound(Http404):
    """The action does not exist, or the viewer may not see it."""


def meeting_types_for(*, municipality_id: int) -> QuerySet[MeetingType]:
    """The active meeting types of a municipality, by name."""
    return MeetingType.objects.filter(municipality_id=municipality_id, is_active=True).order_by(
        "name"
    )


def _invited(participating_org_id: int) -> Q:
    """Items whose case ``participating_org_id`` takes part in now (never the highest level)."""
    return Q(case__confidentiality__lt=Confidentiality.HIGHEST) & Q(
        Exists(
            Participation.objects.filter(
                case_id=OuterRef("case_id"),
                organisation_id=participating_org_id,
                ended_at__isnull=True,
            )
        )
    )


def agenda_items_visible_to(*, user: Any) -> QuerySet[AgendaItem]:
    """Every agenda item ``user`` may see.

    A meeting's coordinator sees the items of its municipality's meetings whose case they may
    see; a participant sees the items whose case its organisation takes part in now.
    """
    managed = meeting_municipality_managed_by(user)
    routes = Routes.for_user(user)
    visible = Q(pk__in=[])
    if managed is not None:
        visible |= Q(meeting__municipality_id=managed) & Q(
            case_id__in=cases_visible_to(user=user).values("pk")
        )
    if routes.participating_org_id:
        visible |= _invited(routes.participating_org_id)
    return AgendaItem.objects.filter(visible)


def meetings_visible_to(*, user: Any) -> QuerySet[Meeting]:
    """Every meeting ``user`` may see: their municipality's if they coordinate meetings,
    else those with at least one item they may see."""
    managed = meeting_municipality_managed_by(user)
    routes = Routes.for_user(user)
    if managed is None and not routes.participating_org_id:
        return Meeting.objects.none()
    visible = Q(Exists(agenda_items_visible_to(user=user).filter(meeting_id=OuterRef("pk"))))
    if managed is not None:
        visible |= Q(municipality_id=managed)
    return Meeting.objects.filter(visible)


def meeting_get_for(*, user: Any, meeting_id: Any, origin: str | None = None) -> Meeting:
    """The meeting with public id ``meeting_id``, if ``user`` may see it.

    ``meeting.manages`` says whether ``user`` coordinates it. Raises MeetingNotFound,
    identically, for an absent and a forbidden meeting; both are logged as denied.
    """
    parsed = parse_uuid(meeting_id)
    meeting = None
    if parsed is not None:
        meeting = (
            meetings_visible_to(user=user)
            .filter(uuid=parsed)
            .select_related("meeting_type", "municipality", "chair")
            .first()
        )
    if meeting is None:
        access_denied_record(
            actor=user, origin=origin, object_type="meeting", object_id=str(meeting_id)
        )
        raise MeetingNotFound("Overleg niet gevonden.")
    meeting.manages = meeting.municipality_id == meeting_municipality_managed_by(user)  # type: ignore[attr-defined]
    return meeting


@dataclass
class ItemView:
    """One agenda item as one viewer sees it."""

    item: AgendaItem
    invited: list[Organisation] = field(default_factory=list)
    actions: list[PlanAction] = field(default_factory=list)

    @property
    def case(self) -> Case:
        return self.item.case

    @property
    def minutes(self) -> Any:
        return getattr(self.item, "minutes", None)


@dataclass
class MeetingAgenda:
    """A meeting with the items, minutes and actions one viewer may see."""

    meeting: Meeting
    manages: bool
    items: list[ItemView]


def meeting_agenda_get_for(
    *,
    user: Any,
    meeting_id: Any,
    origin: str | None = None,
    for_organisation: Organisation | None = None,
) -> MeetingAgenda:
    """The meeting, its visible items with their invitees, minutes and visible actions.

    ``for_organisation`` narrows the items to those that organisation is invited to (the
    print view per organisation). The items, invitees and actions cost a fixed number of
    queries whatever the agenda's length. Every item whose minutes are shown is written to
    the access log as a read of its case. Raises MeetingNotFound.
    """
    meeting = meeting_get_for(user=user, meeting_id=meeting_id, origin=origin)
    manages: bool = meeting.manages  # type: ignore[attr-defined]
    items_qs = agenda_items_visible_to(user=user).filter(meeting=meeting)
    if for_organisation is not None:
        items_qs = items_qs.filter(_invited(for_organisation.pk))
    action_filter = Q() if manages else Q(owner_organisation_id=user.organisation_id)
    items = list(
        items_qs.select_related("case", "minutes")
        .annotate(case_key_uuid=F("case__data_key__uuid"))
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=PlanAction.objects.filter(action_filter)
                .select_related("owner_organisation", "owner")
                .order_by("due_date", "id"),
                to_attr="visible_actions",
            )
        )
        .order_by("order", "id")
    )
    invited: dict[int, list[Organisation]] = defaultdict(list)
    for participation in (
        Participation.objects.filter(case_id__in=[i.case_id for i in items], ended_at__isnull=True)
        .select_related("organisation")
        .order_by("organisation__name")
    ):
        invited[participation.case_id].append(participation.organisation)
    views = [ItemView(item=i, invited=invited[i.case_id], actions=i.visible_actions) for i in items]
    minuted = [v for v in views if v.minutes is not None]
    if minuted:
        data_key_cache_warm(key_uuids=[v.item.case_key_uuid for v in minuted])  # type: ignore[attr-defined]
        access_log_record(
            actor=user,
            origin=origin,
            events=[
                AccessEvent(
                    action=AccessAction.READ_CASE,
                    object_type="case",
                    object_id=str(v.case.uuid),
                    field_groups=(FieldGroup.CORE.value,),
                    detail={
                        "reference": v.case.reference,
                        "read": "minutes",
                        "meeting": str(meeting.uuid),
                    },
                )
                for v in minuted
            ],
        )
    return MeetingAgenda(meeting=meeting, manages=manages, items=views)


def agenda_item_get(*, meeting: Meeting, user: Any, item_id: Any) -> AgendaItem | None:
    """The item with this public id on ``meeting``, if ``user`` may see it; else None."""
    parsed = parse_uuid(item_id)
    if parsed is None:
        return None
    return (
        agenda_items_visible_to(user=user)
        .filter(meeting=meeting, uuid=parsed)
        .select_related("case", "meeting")
        .first()
    )


def plan_actions_for_case(*, user: Any, case: Case, disclosure: Disclosure) -> QuerySet[PlanAction]:
    """The case's actions ``user`` may see: all for whoever runs it, else their own
    organisation's."""
    queryset = PlanAction.objects.filter(case=case)
    if not disclosure.runs_case:
        queryset = queryset.filter(owner_organisation_id=user.organisation_id)
    return queryset.select_related("owner_organisation", "owner", "agenda_item__meeting")


def plan_actions_mine(*, user: Any, status: str = ActionStatus.OPEN) -> QuerySet[PlanAction]:
    """The actions owned by ``user``'s organisation, in cases ``user`` may see, by deadline."""
    if getattr(user, "organisation_id", None) is None:
        return PlanAction.objects.none()
    return (
        PlanAction.objects.filter(
            owner_organisation_id=user.organisation_id,
            status=status,
            case_id__in=cases_visible_to(user=user).values("pk"),
        )
        .select_related("case", "owner_organisation", "owner", "agenda_item__meeting__meeting_type")
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )


def plan_action_get_for(*, user: Any, action_id: Any) -> tuple[PlanAction, Disclosure]:
    """The action with public id ``action_id`` and what ``user`` may read of its case.

    Raises ActionNotFound when the action is absent, its case invisible, or it belongs to
    another organisation and ``user`` does not run the case.
    """
    parsed = parse_uuid(action_id)
    action = (
        PlanAction.objects.filter(uuid=parsed, case_id__in=cases_visible_to(user=user).values("pk"))
        .select_related("case", "owner_organisation", "owner")
        .first()
        if parsed is not None
        else None
    )
    if action is None:
        raise ActionNotFound("Actie niet gevonden.")
    disclosure = case_disclosure_for(user=user, case=action.case)
    if not can_see_action(
        user=user, disclosure=disclosure, owner_organisation_id=action.owner_organisation_id
    ):
        raise ActionNotFound("Actie niet gevonden.")
    return action, disclosure

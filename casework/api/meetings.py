"""Meeting and plan-action endpoints. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from typing import Any, NoReturn

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.models import (
    ActionStatus,
    AgendaItem,
    Case,
    Meeting,
    MeetingType,
    MinutesEntry,
    Participation,
    PlanAction,
)
from casework.policies import meeting_municipality_managed_by
from casework.selectors import (
    ItemView,
    agenda_item_get,
    agenda_items_visible_to,
    case_get_for,
    cases_visible_to,
    meeting_agenda_get_for,
    meeting_get_for,
    meeting_types_for,
    meetings_visible_to,
    plan_action_get_for,
    plan_actions_for_case,
    plan_actions_mine,
)
from casework.services import (
    CaseworkError,
    CaseworkForbidden,
    agenda_item_add,
    meeting_agenda_freeze,
    meeting_minutes_complete,
    meeting_plan,
    meeting_reschedule,
    minutes_record,
    plan_action_add,
    plan_action_close,
    plan_action_due_date_set,
)
from config.api import CursorPagination
from permissions.models import Organisation, User
from permissions.origin import request_origin
from permissions.selectors import organisation_get


def raise_for(error: CaseworkError) -> NoReturn:
    """A forbidden change is 403; any other broken rule is a 400 on its field."""
    if isinstance(error, CaseworkForbidden):
        raise exceptions.PermissionDenied(error.message) from error
    raise exceptions.ValidationError({error.field: [error.message]}) from error


def _organisation(org: Organisation | None) -> dict[str, str] | None:
    if org is None:
        return None
    return {"id": str(org.uuid), "name": org.name, "type": org.type}


def _person(user: User | None) -> dict[str, str] | None:
    if user is None:
        return None
    return {"username": user.username, "name": user.get_full_name() or user.username}


def _case(case: Case) -> dict[str, Any]:
    return {
        "id": str(case.uuid),
        "reference": case.reference,
        "case_type": case.case_type,
        "state": case.state,
    }


def action_data(action: PlanAction) -> dict[str, Any]:
    meeting = action.agenda_item.meeting if action.agenda_item_id else None  # type: ignore[union-attr]
    return {
        "id": str(action.uuid),
        "title": action.title,
        "owner_organisation": _organisation(action.owner_organisation),
        "owner": _person(action.owner),
        "due_date": action.due_date.isoformat() if action.due_date else None,
        "status": action.status,
        "done_note": action.readable_done_note,
        "closed_at": action.closed_at.isoformat() if action.closed_at else None,
        "meeting": str(meeting.uuid) if meeting else None,
    }


def _minutes(entry: MinutesEntry | None) -> dict[str, Any] | None:
    if entry is None:
        return None
    return {
        "picture": entry.readable_picture,
        "judgement": entry.readable_judgement,
        "decision": entry.readable_decision,
        "next_review_on": entry.next_review_on.isoformat() if entry.next_review_on else None,
        "recorded_at": entry.recorded_at.isoformat(),
    }


def _meeting(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": str(meeting.uuid),
        "meeting_type": {"code": meeting.meeting_type.code, "name": meeting.meeting_type.name},
        "municipality": {"code": meeting.municipality.code, "name": meeting.municipality.name},
        "starts_at": meeting.starts_at.isoformat(),
        "location": meeting.location,
        "chair": _person(meeting.chair),
        "status": meeting.status,
        "agenda_frozen_at": (
            meeting.agenda_frozen_at.isoformat() if meeting.agenda_frozen_at else None
        ),
    }


def _list_item(item: AgendaItem) -> dict[str, Any]:
    return {
        "id": str(item.uuid),
        "order": item.order,
        "case": _case(item.case),
        "invited": [_organisation(p.organisation) for p in item.case.active_participations],
    }


def _detail_item(view: ItemView) -> dict[str, Any]:
    return {
        "id": str(view.item.uuid),
        "order": view.item.order,
        "case": _case(view.case),
        "invited": [_organisation(org) for org in view.invited],
        "minutes": _minutes(view.minutes),
        "actions": [action_data(a) for a in view.actions],
    }


MAX_AGENDA_ITEMS = 100


class MeetingCursorPagination(CursorPagination):
    ordering = "-starts_at"


class AgendaCaseSerializer(serializers.Serializer[dict[str, Any]]):
    case = serializers.UUIDField(
        error_messages={"invalid": "Geef het id van een casus.", "required": "Kies een casus."}
    )


class MeetingCreateSerializer(serializers.Serializer[dict[str, Any]]):
    meeting_type = serializers.SlugField(
        max_length=40,
        error_messages={"required": "Kies een soort overleg.", "blank": "Kies een soort overleg."},
    )
    starts_at = serializers.DateTimeField(
        error_messages={
            "required": "Geef datum en tijd van het overleg.",
            "invalid": "Geef datum en tijd als ISO 8601, met tijdzone.",
        }
    )
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    chair = serializers.CharField(max_length=150, required=False)
    items = AgendaCaseSerializer(many=True, required=False)

    def validate_meeting_type(self, value: str) -> MeetingType:
        municipality_id = meeting_municipality_managed_by(self.context["user"])
        meeting_type = (
            meeting_types_for(municipality_id=municipality_id).filter(code=value).first()
            if municipality_id is not None
            else None
        )
        if meeting_type is None:
            raise serializers.ValidationError(f"Onbekende soort overleg: {value}.")
        return meeting_type

    def validate_chair(self, value: str) -> User:
        chair = User.objects.filter(username=value, is_active=True).first()
        if chair is None:
            raise serializers.ValidationError(f"Onbekende gebruiker: {value}.")
        return chair

    def validate_items(self, value: list[dict[str, Any]]) -> list[Case]:
        if len(value) > MAX_AGENDA_ITEMS:
            raise serializers.ValidationError(
                f"Zet hoogstens {MAX_AGENDA_ITEMS} casussen op één agenda."
            )
        wanted = [row["case"] for row in value]
        found = {
            c.uuid: c for c in cases_visible_to(user=self.context["user"]).filter(uuid__in=wanted)
        }
        unknown = [str(w) for w in wanted if w not in found]
        if unknown:
            raise serializers.ValidationError(f"Onbekende casus: {', '.join(unknown)}.")
        if len(set(wanted)) != len(wanted):
            raise serializers.ValidationError("Een casus staat één keer op de agenda.")
        return [found[w] for w in wanted]


class MeetingRescheduleSerializer(serializers.Serializer[dict[str, Any]]):
    starts_at = serializers.DateTimeField(
        required=False,
        error_messages={"invalid": "Geef datum en tijd als ISO 8601, met tijdzone."},
    )
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    chair = serializers.CharField(max_length=150, required=False)

    validate_chair = MeetingCreateSerializer.validate_chair


class MeetingListView(generics.ListAPIView):
    """Meetings the caller may see, each with only the agenda items the caller may see.

    POST (the municipality's coordinators): plan a meeting with its agenda.
    """

    pagination_class = MeetingCursorPagination

    def get_queryset(self) -> QuerySet[Meeting]:
        user = self.request.user
        items = (
            agenda_items_visible_to(user=user)
            .select_related("case")
            .prefetch_related(
                Prefetch(
                    "case__participations",
                    queryset=Participation.objects.filter(ended_at__isnull=True)
                    .select_related("organisation")
                    .order_by("organisation__name"),
                    to_attr="active_participations",
                )
            )
            .order_by("order", "id")
        )
        return (
            meetings_visible_to(user=user)
            .select_related("meeting_type", "municipality", "chair")
            .prefetch_related(Prefetch("items", queryset=items, to_attr="visible_items"))
        )

    @extend_schema(
        # One row of the (paginated) list; the view paginates, so this is a row, not a page.
        responses=inline_serializer(
            "MeetingSummary",
            {
                "id": serializers.UUIDField(),
                "meeting_type": serializers.DictField(),
                "starts_at": serializers.DateTimeField(),
                "status": serializers.CharField(),
                "items": serializers.ListField(),
            },
        ),
        parameters=[OpenApiParameter("page_size", int)],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = [
            {**_meeting(m), "items": [_list_item(i) for i in m.visible_items]}  # type: ignore[attr-defined]
            for m in page or []
        ]
        return self.get_paginated_response(rows)

    @extend_schema(
        request=MeetingCreateSerializer,
        responses={201: inline_serializer("MeetingPlanned", {"id": serializers.UUIDField()})},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if meeting_municipality_managed_by(request.user) is None:
            raise exceptions.PermissionDenied("Alleen coördinatoren plannen overleggen.")
        body = MeetingCreateSerializer(data=request.data, context={"user": request.user})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            meeting = meeting_plan(
                actor=request.user,  # type: ignore[arg-type]
                meeting_type=data["meeting_type"],
                starts_at=data["starts_at"],
                location=data.get("location", ""),
                chair=data.get("chair"),
                cases=data.get("items", []),
                origin=request_origin(request),
            )
        except CaseworkError as error:
            raise_for(error)
        return Response(self._detail(request, meeting.uuid), status=status.HTTP_201_CREATED)

    def _detail(self, request: Request, meeting_id: Any) -> dict[str, Any]:
        return meeting_detail_data(request, meeting_id)


def meeting_detail_data(request: Request, meeting_id: Any) -> dict[str, Any]:
    agenda = meeting_agenda_get_for(
        user=request.user, meeting_id=meeting_id, origin=request_origin(request)
    )
    return {
        **_meeting(agenda.meeting),
        "manages": agenda.manages,
        "items": [_detail_item(v) for v in agenda.items],
    }


class MeetingDetailView(APIView):
    """One meeting: the items the caller may see, their minutes and the caller's actions.

    Reading the minutes is written to the access log. PATCH (the meeting's coordinators)
    changes the date, location or chair before the meeting is held.
    """

    @extend_schema(responses=inline_serializer("Meeting", {"id": serializers.UUIDField()}))
    def get(self, request: Request, meeting_id: str) -> Response:
        return Response(meeting_detail_data(request, meeting_id))

    @extend_schema(
        request=MeetingRescheduleSerializer,
        responses=inline_serializer("MeetingRescheduled", {"id": serializers.UUIDField()}),
    )
    def patch(self, request: Request, meeting_id: str) -> Response:
        meeting = meeting_get_for(
            user=request.user, meeting_id=meeting_id, origin=request_origin(request)
        )
        body = MeetingRescheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            meeting_reschedule(
                meeting=meeting,
                actor=request.user,  # type: ignore[arg-type]
                starts_at=body.validated_data.get("starts_at"),
                location=body.validated_data.get("location"),
                chair=body.validated_data.get("chair"),
                origin=request_origin(request),
            )
        except CaseworkError as error:
            raise_for(error)
        return Response(meeting_detail_data(request, meeting_id))


class MeetingItemsView(APIView):
    """POST (the meeting's coordinators): put a case on the open agenda."""

    @extend_schema(
        request=AgendaCaseSerializer,
        responses={201: inline_serializer("AgendaItem", {"id": serializers.UUIDField()})},
    )
    def post(self, request: Request, meeting_id: str) -> Response:
        meeting = meeting_get_for(
            user=request.user, meeting_id=meeting_id, origin=request_origin(request)
        )
        # An invited partner sees the meeting but never plans it, whatever the body says.
        if not meeting.manages:  # type: ignore[attr-defined]
            raise exceptions.PermissionDenied("Alleen coördinatoren plannen overleggen.")
        body = AgendaCaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = cases_visible_to(user=request.user).filter(uuid=body.validated_data["case"]).first()
        if case is None:
            raise exceptions.ValidationError({"case": ["Onbekende casus."]})
        try:
            item = agenda_item_add(
                meeting=meeting,
                case=case,
                actor=request.user,  # type: ignore[arg-type]
                origin=request_origin(request),
            )
        except CaseworkError as error:
            raise_for(error)
        return Response(
            {"id": str(item.uuid), "order": item.order, "case": _case(case)},
            status=status.HTTP_201_CREATED,
        )


class MinutesSerializer(serializers.Serializer[dict[str, Any]]):
    picture = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    judgement = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    decision = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    next_review_on = serializers.DateField(
        required=False,
        allow_null=True,
        error_messages={"invalid": "Geef de datum als JJJJ-MM-DD."},
    )


class MinutesView(APIView):
    """PUT (the meeting's coordinators): record or correct an item's minutes in the three
    parts (beeldvorming, oordeelsvorming, besluitvorming) and the next review date."""

    @extend_schema(
        request=MinutesSerializer,
        responses=inline_serializer(
            "Minutes", {"decision": serializers.CharField(allow_null=True)}
        ),
    )
    def put(self, request: Request, meeting_id: str, item_id: str) -> Response:
        meeting = meeting_get_for(
            user=request.user, meeting_id=meeting_id, origin=request_origin(request)
        )
        item = agenda_item_get(meeting=meeting, user=request.user, item_id=item_id)
        if item is None:
            raise exceptions.NotFound("Agendapunt niet gevonden.")
        body = MinutesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            entry = minutes_record(
                item=item,
                actor=request.user,  # type: ignore[arg-type]
                picture=data.get("picture", ""),
                judgement=data.get("judgement", ""),
                decision=data.get("decision", ""),
                next_review_on=data.get("next_review_on"),
                origin=request_origin(request),
            )
        except CaseworkError as error:
            raise_for(error)
        return Response(_minutes(entry))


class MeetingStepView(APIView):
    """POST ``freeze`` freezes the agenda; POST ``complete`` closes the minutes."""

    step = ""

    @extend_schema(
        request=None,
        responses=inline_serializer("MeetingStep", {"status": serializers.CharField()}),
    )
    def post(self, request: Request, meeting_id: str) -> Response:
        meeting = meeting_get_for(
            user=request.user, meeting_id=meeting_id, origin=request_origin(request)
        )
        service = meeting_agenda_freeze if self.step == "freeze" else meeting_minutes_complete
        try:
            meeting = service(
                meeting=meeting,
                actor=request.user,  # type: ignore[arg-type]
                origin=request_origin(request),
            )
        except CaseworkError as error:
            raise_for(error)
        return Response({"id": str(meeting.uuid), "status": meeting.status})


class ActionCreateSerializer(serializers.Serializer[dict[str, Any]]):
    title = serializers.CharField(
        max_length=300,
        error_messages={"required": "Beschrijf de actie.", "blank": "Beschrijf de actie."},
    )
    owner_organisation = serializers.UUIDField(
        error_messages={
            "required": "Kies de organisatie die de actie uitvoert.",
            "invalid": "Geef het id van een organisatie.",
        }
    )
    owner = serializers.CharField(max_length=150, required=False)
    due_date = serializers.DateField(
        error_messages={
            "required": "Geef een deadline.",
            "invalid": "Geef de datum als JJJJ-MM-DD.",
        }
    )
    agenda_item = serializers.UUIDField(required=False)
    status = serializers.ChoiceField(
        choices=[ActionStatus.OPEN.value],
        required=False,
        error_messages={"invalid_choice": "Een nieuwe actie staat open."},
    )

    def validate_owner_organisation(self, value: Any) -> Organisation:
        organisation = organisation_get(organisation_id=value)
        if organisation is None:
            raise serializers.ValidationError("Onbekende organisatie.")
        return organisation

    def validate_owner(self, value: str) -> User:
        owner = User.objects.filter(username=value, is_active=True).first()
        if owner is None:
            raise serializers.ValidationError(f"Onbekende gebruiker: {value}.")
        return owner


class CaseActionsView(APIView):
    """The case's plan actions: all of them for whoever runs the case, else the caller's
    own organisation's. POST (whoever runs the case) adds one."""

    @extend_schema(responses=inline_serializer("Actions", {"results": serializers.ListField()}))
    def get(self, request: Request, case_id: str) -> Response:
        case, disclosure = case_get_for(
            user=request.user, case_id=case_id, origin=request_origin(request)
        )
        actions = plan_actions_for_case(user=request.user, case=case, disclosure=disclosure)
        return Response({"results": [action_data(a) for a in actions.order_by("due_date", "id")]})

    @extend_schema(
        request=ActionCreateSerializer,
        responses={201: inline_serializer("Action", {"id": serializers.UUIDField()})},
    )
    def post(self, request: Request, case_id: str) -> Response:
        case, disclosure = case_get_for(
            user=request.user, case_id=case_id, origin=request_origin(request)
        )
        if not disclosure.runs_case:
            raise exceptions.PermissionDenied("Alleen de regievoerder legt acties vast.")
        body = ActionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        item = None
        if data.get("agenda_item"):
            item = (
                agenda_items_visible_to(user=request.user)
                .filter(uuid=data["agenda_item"], case=case)
                .select_related("meeting")
                .first()
            )
            if item is None:
                raise exceptions.ValidationError({"agenda_item": ["Onbekend agendapunt."]})
        try:
            action = plan_action_add(
                case=case,
                actor=request.user,  # type: ignore[arg-type]
                title=data["title"],
                owner_organisation=data["owner_organisation"],
                owner=data.get("owner"),
                due_date=data["due_date"],
                agenda_item=item,
                origin=request_origin(request),
            )
        except CaseworkError as error:
            raise_for(error)
        return Response(action_data(action), status=status.HTTP_201_CREATED)


class ActionUpdateSerializer(serializers.Serializer[dict[str, Any]]):
    status = serializers.ChoiceField(
        choices=[ActionStatus.DONE.value, ActionStatus.CANCELLED.value],
        required=False,
        error_messages={"invalid_choice": "Kies done of cancelled."},
    )
    done_note = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    due_date = serializers.DateField(
        required=False, error_messages={"invalid": "Geef de datum als JJJJ-MM-DD."}
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "status" not in attrs and "due_date" not in attrs:
            raise serializers.ValidationError("Geef een nieuwe status of deadline.")
        return attrs


class ActionDetailView(APIView):
    """PATCH: close an action (``status`` done or cancelled, with ``done_note``; its owner
    organisation or whoever runs the case) or move its ``due_date`` (whoever runs the case)."""

    @extend_schema(
        request=ActionUpdateSerializer,
        responses=inline_serializer("ActionUpdated", {"id": serializers.UUIDField()}),
    )
    def patch(self, request: Request, action_id: str) -> Response:
        action, _disclosure = plan_action_get_for(user=request.user, action_id=action_id)
        body = ActionUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            if "due_date" in data:
                action = plan_action_due_date_set(
                    action=action,
                    actor=request.user,  # type: ignore[arg-type]
                    due_date=data["due_date"],
                    origin=request_origin(request),
                )
            if "status" in data:
                action = plan_action_close(
                    action=action,
                    actor=request.user,  # type: ignore[arg-type]
                    status=ActionStatus(data["status"]),
                    note=data.get("done_note", ""),
                    origin=request_origin(request),
                )
        except CaseworkError as error:
            raise_for(error)
        action, _disclosure = plan_action_get_for(user=request.user, action_id=action_id)
        return Response(action_data(action))


class MyActionsView(APIView):
    """Mijn acties: the open actions of the caller's organisation, by deadline."""

    @extend_schema(responses=inline_serializer("MyActions", {"results": serializers.ListField()}))
    def get(self, request: Request) -> Response:
        rows = []
        for action in plan_actions_mine(user=request.user)[:500]:
            rows.append({**action_data(action), "case": _case(action.case)})
        return Response({"results": rows})

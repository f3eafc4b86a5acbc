"""Case endpoints. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.models import Case, CaseType
from casework.policies import can_manage_participants
from casework.selectors import (
    case_file_get_for,
    case_get_for,
    case_history,
    cases_visible_to,
    overdue_only,
    participation_get_active,
    with_deadlines,
)
from casework.services import (
    AvailableTransition,
    CaseworkError,
    GuardFailure,
    TransitionConflict,
    TransitionForbidden,
    case_break_glass,
    case_care_track_set,
    case_clock_start,
    case_spawn_linked,
    case_transition,
    participation_add,
    participation_end,
    transitions_available,
)
from casework.services.transitions import transition_inputs_json
from config.api import Conflict, CursorPagination
from permissions.origin import request_origin

from .serializers import (
    BreakGlassSerializer,
    CaseListSerializer,
    ParticipationCreateSerializer,
    ParticipationEndSerializer,
    ParticipationSerializer,
    case_file_data,
)


def case_run_by_caller(request: Request, case_id: str, *, refusal: str) -> Case:
    """The case, for someone who runs it: 404 when it is not visible, 403 (``refusal``) when
    the caller sees it but does not run it."""
    case, disclosure = case_get_for(
        user=request.user, case_id=case_id, origin=request_origin(request)
    )
    if not can_manage_participants(disclosure=disclosure):
        raise exceptions.PermissionDenied(refusal)
    return case


def raise_as_validation(error: CaseworkError) -> None:
    raise exceptions.ValidationError({error.field: [error.message]})


class CaseCursorPagination(CursorPagination):
    # cases_visible_to annotates the column that walks the right index for each viewer.
    ordering = "-list_created_at"


class CaseListView(generics.ListAPIView):
    """Cases the caller may see, core fields only; filters case_type, state, wijk, assigned_to."""

    serializer_class = CaseListSerializer
    pagination_class = CaseCursorPagination

    @extend_schema(
        parameters=[
            OpenApiParameter("case_type", str),
            OpenApiParameter("state", str),
            OpenApiParameter("wijk", str),
            OpenApiParameter("assigned_to", str, description="username of the coordinator"),
            OpenApiParameter("overdue", bool, description="only cases with an overdue deadline"),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Case]:
        queryset = cases_visible_to(user=self.request.user)
        params = self.request.query_params
        for name in ("case_type", "state", "wijk"):
            value = params.get(name)
            if value:
                queryset = queryset.filter(**{name: value[:40]})
        if params.get("assigned_to"):
            queryset = queryset.filter(coordinator__username=params["assigned_to"][:150])
        if params.get("overdue", "").lower() in {"1", "true", "yes"}:
            queryset = overdue_only(queryset, today=timezone.localdate())
        return with_deadlines(queryset)


class CaseDetailView(APIView):
    """One case, limited to the caller's field groups (groups not disclosed are absent)."""

    @extend_schema(responses=inline_serializer("CaseFile", {"id": serializers.UUIDField()}))
    def get(self, request: Request, case_id: str) -> Response:
        file = case_file_get_for(user=request.user, case_id=case_id, origin=request_origin(request))
        return Response(case_file_data(file))


class ParticipantsView(APIView):
    """Organisations taking part (coordinator); POST invites one on a legal basis."""

    @extend_schema(responses=ParticipationSerializer(many=True))
    def get(self, request: Request, case_id: str) -> Response:
        case = case_run_by_caller(
            request, case_id, refusal="Alleen de regievoerder beheert deelnemers."
        )
        participations = (
            case.participations.filter(ended_at__isnull=True)
            .select_related("organisation", "disclosure_profile", "granted_by")
            .order_by("valid_from")
        )
        return Response(ParticipationSerializer(participations, many=True).data)

    @extend_schema(request=ParticipationCreateSerializer, responses={201: ParticipationSerializer})
    def post(self, request: Request, case_id: str) -> Response:
        case = case_run_by_caller(
            request, case_id, refusal="Alleen de regievoerder beheert deelnemers."
        )
        body = ParticipationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            participation = participation_add(
                case=case,
                organisation=body.validated_data["organisation"],
                disclosure_profile=body.validated_data.get("disclosure_profile"),
                legal_basis=body.validated_data["legal_basis"],
                granted_by=request.user,  # type: ignore[arg-type]
                origin=request_origin(request),
            )
        except CaseworkError as error:
            raise_as_validation(error)
        return Response(ParticipationSerializer(participation).data, status=status.HTTP_201_CREATED)


class ParticipantDetailView(APIView):
    """DELETE ends a participation: the organisation loses access at once."""

    @extend_schema(request=ParticipationEndSerializer, responses={204: None})
    def delete(self, request: Request, case_id: str, participation_id: str) -> Response:
        case = case_run_by_caller(
            request, case_id, refusal="Alleen de regievoerder beheert deelnemers."
        )
        body = ParticipationEndSerializer(data=request.data or {})
        body.is_valid(raise_exception=True)
        participation = participation_get_active(case=case, participation_id=participation_id)
        if participation is None:
            raise exceptions.NotFound("Deelname niet gevonden.")
        participation_end(
            participation=participation,
            ended_by=request.user,  # type: ignore[arg-type]
            reason=body.validated_data.get("reason", ""),
            origin=request_origin(request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class BreakGlassView(APIView):
    """A coordinator opens a confidential case with a stated reason; the team lead is told."""

    @extend_schema(
        request=BreakGlassSerializer,
        responses={
            201: inline_serializer("BreakGlass", {"expires_at": serializers.DateTimeField()})
        },
    )
    def post(self, request: Request, case_id: str) -> Response:
        body = BreakGlassSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            glass = case_break_glass(
                user=request.user,  # type: ignore[arg-type]
                case_id=case_id,
                reason=body.validated_data["reason"],
                origin=request_origin(request),
            )
        except CaseworkError as error:
            raise_as_validation(error)
        return Response(
            {"expires_at": glass.expires_at.isoformat()}, status=status.HTTP_201_CREATED
        )


class TransitionBodySerializer(serializers.Serializer[dict[str, Any]]):
    transition = serializers.CharField(max_length=60)
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    expected_state = serializers.CharField(max_length=40, required=False)
    inputs = serializers.DictField(required=False)


def _transition_json(spec: AvailableTransition) -> dict[str, Any]:
    return {
        "name": spec.name,
        "label": spec.label,
        "target": spec.target,
        "target_label": spec.target_label,
        "reason_required": spec.reason_required,
        "inputs": transition_inputs_json(spec),
        "available": spec.available,
        "blocked_by": list(spec.blocked_by),
    }


class TransitionsView(APIView):
    """GET: the transitions the caller may perform now; POST: perform one."""

    @extend_schema(responses=inline_serializer("Transitions", {"results": serializers.ListField()}))
    def get(self, request: Request, case_id: str) -> Response:
        case, disclosure = case_get_for(
            user=request.user, case_id=case_id, origin=request_origin(request)
        )
        available = transitions_available(user=request.user, case=case, disclosure=disclosure)
        return Response({"state": case.state, "results": [_transition_json(t) for t in available]})

    @extend_schema(
        request=TransitionBodySerializer,
        responses=inline_serializer("TransitionDone", {"state": serializers.CharField()}),
    )
    def post(self, request: Request, case_id: str) -> Response:
        body = TransitionBodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        # Extra top-level keys are the transition's inputs too (api.md: {"transition", ...}).
        inputs = {
            k: v
            for k, v in request.data.items()
            if k not in {"transition", "reason", "expected_state", "inputs"}
        }
        inputs.update(data.get("inputs") or {})
        try:
            case = case_transition(
                user=request.user,
                case_id=case_id,
                transition=data["transition"],
                reason=data.get("reason", ""),
                inputs=inputs,
                expected_state=data.get("expected_state"),
                origin=request_origin(request),
            )
        except TransitionForbidden as error:
            raise exceptions.PermissionDenied(error.message) from error
        except TransitionConflict as error:
            raise Conflict(error.message) from error
        except GuardFailure as error:
            raise exceptions.ValidationError({"transition": list(error.messages)}) from error
        except CaseworkError as error:
            raise_as_validation(error)
        return Response(
            {
                "id": str(case.uuid),
                "reference": case.reference,
                "state": case.state,
                "closing_reason": case.closing_reason or None,
            }
        )


class HistoryView(APIView):
    """The case's append-only history. Reasons only for those who run the case."""

    @extend_schema(responses=inline_serializer("History", {"results": serializers.ListField()}))
    def get(self, request: Request, case_id: str) -> Response:
        case, disclosure = case_get_for(
            user=request.user, case_id=case_id, origin=request_origin(request)
        )
        rows = []
        for entry in case_history(case=case):
            row: dict[str, Any] = {
                "id": str(entry.uuid),
                "kind": entry.kind,
                "name": entry.name,
                "from_state": entry.from_state or None,
                "to_state": entry.to_state or None,
                "at": entry.at.isoformat(),
                "organisation": entry.actor_organisation,
            }
            if disclosure.runs_case:
                row["actor"] = {"username": entry.actor_username, "role": entry.actor_role}
                row["reason"] = entry.readable_reason
                row["detail"] = entry.detail
            rows.append(row)
        return Response({"results": rows})


class LinkedCaseSerializer(serializers.Serializer[dict[str, Any]]):
    case_type = serializers.ChoiceField(
        choices=["multiproblem", "riec"],
        error_messages={"invalid_choice": "Kies multiproblem of riec."},
    )
    persons = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=50)


class LinkedCasesView(APIView):
    """POST: open a linked case (an individual multiproblem case from a youth group, or a
    RIEC escalation from any case, which then needs four eyes to be brought in)."""

    @extend_schema(request=LinkedCaseSerializer, responses={201: CaseListSerializer})
    def post(self, request: Request, case_id: str) -> Response:
        source = case_run_by_caller(
            request, case_id, refusal="Alleen de regievoerder opent gekoppelde casussen."
        )
        body = LinkedCaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        wanted = set(body.validated_data.get("persons") or [])
        persons = [
            cp.person
            for cp in source.case_persons.select_related("person")
            if cp.person.uuid in wanted
        ]
        if len({p.uuid for p in persons}) != len(wanted):
            raise exceptions.ValidationError({"persons": ["Onbekende persoon in deze casus."]})
        try:
            spawned = case_spawn_linked(
                source=source,
                case_type=CaseType(body.validated_data["case_type"]),
                actor=request.user,  # type: ignore[arg-type]
                persons=persons,
                origin=request_origin(request),
            )
        except CaseworkError as error:
            raise_as_validation(error)
        return Response(CaseListSerializer(spawned).data, status=status.HTTP_201_CREATED)


class ClockStartSerializer(serializers.Serializer[dict[str, Any]]):
    clock = serializers.CharField(max_length=40)
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class ClocksView(APIView):
    """POST: start a side route's legal clock on the case (the Wvggz investigation)."""

    @extend_schema(
        request=ClockStartSerializer,
        responses={
            201: inline_serializer(
                "ClockStarted",
                {"clock": serializers.CharField(), "due_on": serializers.DateField()},
            )
        },
    )
    def post(self, request: Request, case_id: str) -> Response:
        case = case_run_by_caller(
            request, case_id, refusal="Alleen de regievoerder start termijnen."
        )
        body = ClockStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            deadline = case_clock_start(
                case=case,
                actor=request.user,  # type: ignore[arg-type]
                key=body.validated_data["clock"],
                reason=body.validated_data.get("reason", ""),
                origin=request_origin(request),
            )
        except CaseworkError as error:
            raise_as_validation(error)
        return Response(
            {"clock": deadline.key, "due_on": deadline.due_on.isoformat()},
            status=status.HTTP_201_CREATED,
        )


class CareTrackSerializer(serializers.Serializer[dict[str, Any]]):
    active = serializers.BooleanField()
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class CareTrackView(APIView):
    """POST: switch the parallel care track (zorgspoor) of a woonoverlast case on or off."""

    @extend_schema(
        request=CareTrackSerializer,
        responses=inline_serializer("CareTrack", {"care_track": serializers.BooleanField()}),
    )
    def post(self, request: Request, case_id: str) -> Response:
        case = case_run_by_caller(
            request, case_id, refusal="Alleen de regievoerder wijzigt het zorgspoor."
        )
        body = CareTrackSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            case = case_care_track_set(
                case=case,
                actor=request.user,  # type: ignore[arg-type]
                active=body.validated_data["active"],
                reason=body.validated_data.get("reason", ""),
                origin=request_origin(request),
            )
        except CaseworkError as error:
            raise_as_validation(error)
        return Response({"care_track": case.care_track})

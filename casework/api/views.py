"""Case endpoints. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.models import Case, Participation
from casework.policies import can_manage_participants
from casework.selectors import case_file_get_for, case_get_for, cases_visible_to, parse_uuid
from casework.services import (
    CaseworkError,
    case_break_glass,
    participation_add,
    participation_end,
)
from config.api import CursorPagination
from permissions.origin import request_origin
from permissions.selectors import disclosure_profile_default_for

from .serializers import (
    BreakGlassSerializer,
    CaseListSerializer,
    ParticipationCreateSerializer,
    ParticipationEndSerializer,
    ParticipationSerializer,
    case_file_data,
)


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
        return queryset


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
        case, disclosure = case_get_for(
            user=request.user, case_id=case_id, origin=request_origin(request)
        )
        if not can_manage_participants(disclosure=disclosure):
            raise exceptions.PermissionDenied("Alleen de regievoerder beheert deelnemers.")
        participations = (
            case.participations.filter(ended_at__isnull=True)
            .select_related("organisation", "disclosure_profile", "granted_by")
            .order_by("valid_from")
        )
        return Response(ParticipationSerializer(participations, many=True).data)

    @extend_schema(request=ParticipationCreateSerializer, responses=ParticipationSerializer)
    def post(self, request: Request, case_id: str) -> Response:
        case, disclosure = case_get_for(
            user=request.user, case_id=case_id, origin=request_origin(request)
        )
        if not can_manage_participants(disclosure=disclosure):
            raise exceptions.PermissionDenied("Alleen de regievoerder beheert deelnemers.")
        body = ParticipationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        organisation = body.validated_data["organisation"]
        profile = body.validated_data.get("disclosure_profile") or disclosure_profile_default_for(
            organisation=organisation, municipality_id=case.municipality_id
        )
        if profile is None:
            raise exceptions.ValidationError(
                {"disclosure_profile": ["Kies een deelprofiel voor deze organisatie."]}
            )
        try:
            participation = participation_add(
                case=case,
                organisation=organisation,
                disclosure_profile=profile,
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
        case, disclosure = case_get_for(
            user=request.user, case_id=case_id, origin=request_origin(request)
        )
        if not can_manage_participants(disclosure=disclosure):
            raise exceptions.PermissionDenied("Alleen de regievoerder beheert deelnemers.")
        body = ParticipationEndSerializer(data=request.data or {})
        body.is_valid(raise_exception=True)
        participation = (
            Participation.objects.filter(case=case, uuid=participation_id, ended_at__isnull=True)
            .select_related("organisation", "case")
            .first()
            if parse_uuid(participation_id)
            else None
        )
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

    @extend_schema(request=BreakGlassSerializer, responses={201: None})
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

from __future__ import annotations

import uuid
from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import CursorPagination
from permissions.constants import Perm
from permissions.models import AccessAction, AccessLog, Organisation, User
from permissions.origin import request_origin
from permissions.policies import HasGlobalPerm
from permissions.selectors import access_log_for_actor, access_log_for_person, organisation_list
from permissions.services import AccessEvent, access_log_record

from .serializers import AccessLogSerializer, MeSerializer, OrganisationSerializer


class MeView(APIView):
    """The signed-in user: username, role and organisation."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(cast(User, request.user)).data)


class ByName(CursorPagination):
    ordering = "name"


class OrganisationListView(generics.ListAPIView):
    """Organisations (coordinator, team lead, functional admin)."""

    serializer_class = OrganisationSerializer
    permission_classes = [HasGlobalPerm.for_(Perm.LIST_ORGANISATIONS)]
    pagination_class = ByName

    def get_queryset(self) -> QuerySet[Organisation]:
        return organisation_list()


class AccessLogPagination(CursorPagination):
    ordering = "-at"


class PersonAccessLogView(generics.ListAPIView):
    """Who accessed this person's data, when and why (privacy officer)."""

    serializer_class = AccessLogSerializer
    permission_classes = [HasGlobalPerm.for_(Perm.VIEW_ACCESS_LOG)]
    pagination_class = AccessLogPagination

    def get_queryset(self) -> QuerySet[AccessLog]:
        person_id = self.kwargs["person_id"]
        try:
            person_uuid = uuid.UUID(str(person_id))
        except ValueError as exc:
            raise exceptions.NotFound("Persoon niet gevonden.") from exc
        access_log_record(
            actor=self.request.user,  # type: ignore[arg-type]
            origin=request_origin(self.request),
            events=[
                AccessEvent(
                    action=AccessAction.READ_ACCESS_LOG,
                    object_type="person",
                    object_id=str(person_uuid),
                    person_uuid=person_uuid,
                )
            ],
        )
        return access_log_for_person(person_uuid=person_uuid)


class UserAccessLogView(generics.ListAPIView):
    """What one user accessed (privacy officer): ``?username=``."""

    serializer_class = AccessLogSerializer
    permission_classes = [HasGlobalPerm.for_(Perm.VIEW_ACCESS_LOG)]
    pagination_class = AccessLogPagination

    @extend_schema(parameters=[OpenApiParameter("username", str, required=True)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[AccessLog]:
        username = self.request.query_params.get("username", "")[:150]
        if not username:
            raise exceptions.ValidationError({"username": ["Geef een gebruikersnaam."]})
        user = User.objects.filter(username=username).first()
        if user is None:
            return AccessLog.objects.none()
        access_log_record(
            actor=self.request.user,  # type: ignore[arg-type]
            origin=request_origin(self.request),
            events=[
                AccessEvent(
                    action=AccessAction.READ_ACCESS_LOG, object_type="user", object_id=username
                )
            ],
        )
        return access_log_for_actor(user_id=user.pk)

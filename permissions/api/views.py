from __future__ import annotations

from typing import cast

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import CursorPagination
from permissions.constants import Perm
from permissions.models import Organisation, User
from permissions.policies import HasGlobalPerm
from permissions.selectors import organisation_list

from .serializers import MeSerializer, OrganisationSerializer


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

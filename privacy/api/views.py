"""The privacy API: the subject-access export (``/api/v1/persons/{id}/export/``)."""

from __future__ import annotations

import uuid
from typing import Any, cast

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.selectors import person_get
from permissions.constants import Perm
from permissions.models import User
from permissions.origin import request_origin
from permissions.policies import HasGlobalPerm

from ..services import person_export


class PersonExportView(APIView):
    """Everything held about a person, and who accessed it (subject access, AVG art. 15).

    Privacy officer only; every call is logged as an export.
    """

    permission_classes = [HasGlobalPerm.for_(Perm.HANDLE_SUBJECT_REQUESTS)]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, person_id: str, *args: Any, **kwargs: Any) -> Response:
        try:
            person_uuid = uuid.UUID(str(person_id))
        except ValueError as exc:
            raise exceptions.NotFound("Persoon niet gevonden.") from exc
        person = person_get(person_uuid=person_uuid)
        if person is None:
            raise exceptions.NotFound("Persoon niet gevonden.")
        data = person_export(
            person=person, actor=cast(User, request.user), origin=request_origin(request)
        )
        return Response(data)

"""Project-wide API conventions of docs/api: error bodies, pagination."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions, pagination, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class CursorPagination(pagination.CursorPagination):
    """Keyset pagination: deep pages cost the same as the first (no OFFSET)."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-created_at"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "De gegevens zijn intussen gewijzigd; laad ze opnieuw."
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Het verzoek is te groot."
    default_code = "payload_too_large"


def _as_errors(detail: Any) -> dict[str, Any]:
    if isinstance(detail, dict):
        return detail
    if isinstance(detail, list):
        return {"non_field_errors": detail}
    return {"non_field_errors": [detail]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every API error is JSON; validation errors come as ``{"errors": {field: [...]}}``."""
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("Niet gevonden.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"errors": _as_errors(response.data)}
    elif isinstance(response.data, dict) and "detail" in response.data:
        code = getattr(exc, "default_code", "error")
        response.data = {"detail": response.data["detail"], "code": code}
    return response

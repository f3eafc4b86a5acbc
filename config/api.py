"""Project-wide API conventions of docs/api: error bodies, pagination."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import InterfaceError, OperationalError
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


class ServiceUnavailable(exceptions.APIException):
    """The database does not answer (restarting, failing over, out of connections): retry."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "De dienst is tijdelijk niet beschikbaar; probeer het zo opnieuw."
    default_code = "service_unavailable"


# Seconds a client should wait before retrying after a 503 (the Retry-After header).
RETRY_AFTER_SECONDS = 5

logger = logging.getLogger("ketenregie.api")


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` means the database cannot be reached or dropped the connection.

    Django wraps the driver's connection errors (refused, terminated by the administrator,
    server closed the connection) in OperationalError or InterfaceError; these are not bugs
    in the request, and a retry succeeds once the database is back.
    """
    return isinstance(exc, OperationalError | InterfaceError)


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
    elif isinstance(exc, exceptions.ParseError):
        # A body that is not JSON is a validation error like any other (docs/api.md).
        exc = exceptions.ValidationError({"non_field_errors": [exc.detail]})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("Niet gevonden.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif database_unavailable(exc):
        logger.warning("api: database unavailable, answering 503", exc_info=exc)
        exc = ServiceUnavailable()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"errors": errors_flat(_as_errors(response.data))}
    elif isinstance(response.data, dict) and "detail" in response.data:
        code = getattr(exc, "default_code", "error")
        response.data = {"detail": response.data["detail"], "code": code}
    if isinstance(exc, ServiceUnavailable):
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def errors_flat(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested errors as api.md's flat ``{field: [messages]}``: ``location.postcode``,
    ``persons.1.bsn``."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            if key == "non_field_errors":
                name = prefix or "non_field_errors"
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            for field, messages in errors_flat(value, name).items():
                flat.setdefault(field, []).extend(messages)
    elif isinstance(errors, list) and all(isinstance(e, str) for e in errors):
        flat[prefix or "non_field_errors"] = [str(e) for e in errors]
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            if value:
                flat.update(errors_flat(value, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix or "non_field_errors"] = [str(errors)]
    return flat

"""Signal endpoints (api.md). Thin: parse, call one selector or service, render."""

from __future__ import annotations

import datetime
from typing import Any, NoReturn

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import Conflict, CursorPagination, errors_flat
from permissions.identifiers import InvalidIdentifier, postcode_normalise
from permissions.origin import request_origin
from signals.models import SignalStatus
from signals.policies import SignalView, can_file_signal, signal_view
from signals.selectors import (
    address_lookup,
    signal_file_get,
    signal_get_for,
    signal_list_for,
    signal_matches,
)
from signals.services import (
    SignalConflict,
    SignalForbidden,
    SignalInvalid,
    signal_file,
    signal_request_hash,
    signal_triage,
)

from .parsers import BoundedJSONParser
from .serializers import (
    SignalCreateSerializer,
    SignalFiledSerializer,
    TriageSerializer,
    list_row,
    matches_data,
    signal_file_data,
    status_only,
)

IDEMPOTENCY_HEADER = "Idempotency-Key"


def _invalid(errors: Any) -> NoReturn:
    raise exceptions.ValidationError(errors_flat(errors))


def _since(value: str) -> datetime.datetime | None:
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            _invalid({"since": [_("Give a date (2026-05-01) or a moment in ISO 8601.")]})
        moment = datetime.datetime.combine(day, datetime.time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class SignalListView(APIView):
    """GET: the signals the caller may see (a coordinator: the municipality's; anyone else:
    their own, status only). POST: file a signal."""

    parser_classes = [BoundedJSONParser]

    @extend_schema(
        operation_id="v1_signals_list",
        parameters=[
            OpenApiParameter("status", str, enum=SignalStatus.values),
            OpenApiParameter("category", str, description="category code, e.g. WO-GELUID"),
            OpenApiParameter("wijk", str, description="CBS wijk code, e.g. WK999901"),
            OpenApiParameter("since", str, description="received since (date or ISO 8601)"),
            OpenApiParameter("page_size", int),
        ],
        responses=inline_serializer("SignalList", {"results": serializers.ListField()}),
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        try:
            since = _since(params.get("since", "")[:40])
        except (ValueError, OverflowError):
            _invalid({"since": [_("Give a date (2026-05-01) or a moment in ISO 8601.")]})
        queryset = signal_list_for(
            user=request.user,
            status=params.get("status", "")[:20],
            category=params.get("category", "")[:30],
            wijk=params.get("wijk", "")[:10],
            since=since,
        )
        paginator = CursorPagination()
        page = paginator.paginate_queryset(queryset, request, view=self) or []
        rows = [
            list_row(signal)
            if signal_view(user=request.user, signal=signal) == SignalView.FULL
            else status_only(signal)
            for signal in page
        ]
        return paginator.get_paginated_response(rows)

    @extend_schema(
        request=SignalCreateSerializer,
        responses={201: SignalFiledSerializer},
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                str,
                location=OpenApiParameter.HEADER,
                description="At most 100 characters. The same key and body return the first "
                "response and create nothing; the same key with another body is 409.",
            )
        ],
    )
    def post(self, request: Request) -> Response:
        if not can_file_signal(request.user):
            raise exceptions.PermissionDenied(_("You may not file signals."))
        body = SignalCreateSerializer(data=request.data)
        if not body.is_valid():
            _invalid(body.errors)
        key = request.headers.get(IDEMPOTENCY_HEADER, "")
        try:
            filed = signal_file(
                reporter=request.user,  # type: ignore[arg-type]
                data=body.to_input(),
                idempotency_key=key,
                request_hash=signal_request_hash(body=request.data) if key else "",
                origin=request_origin(request),
            )
        except SignalInvalid as error:
            _invalid(error.errors)
        except SignalConflict as error:
            raise Conflict(error.message) from error
        signal = filed.signal
        # The first response, always: a replay answers what the filing answered then.
        data = {"id": str(signal.uuid), "reference": signal.reference, "status": SignalStatus.NEW}
        headers = {"Idempotent-Replayed": "true"} if filed.replayed else None
        return Response(data, status=status.HTTP_201_CREATED, headers=headers)


class SignalDetailView(APIView):
    """The full signal for its municipality's coordinators; the status only for its reporter."""

    @extend_schema(responses=inline_serializer("Signal", {"id": serializers.UUIDField()}))
    def get(self, request: Request, signal_id: str) -> Response:
        origin = request_origin(request)
        signal, view = signal_get_for(user=request.user, signal_id=signal_id, origin=origin)
        if view != SignalView.FULL:
            return Response(status_only(signal))
        file = signal_file_get(user=request.user, signal=signal, origin=origin)
        return Response(signal_file_data(file))


class SignalMatchesView(APIView):
    """Open cases and signals about the same person or address ("bekend?"); coordinators."""

    @extend_schema(
        responses=inline_serializer(
            "SignalMatches",
            {
                "cases": serializers.ListField(),
                "signals": serializers.ListField(),
                "elsewhere": serializers.ListField(),
            },
        )
    )
    def get(self, request: Request, signal_id: str) -> Response:
        origin = request_origin(request)
        signal, _view = signal_get_for(
            user=request.user, signal_id=signal_id, origin=origin, minimum=SignalView.FULL
        )
        return Response(
            matches_data(signal_matches(user=request.user, signal=signal, origin=origin))
        )


class SignalTriageView(APIView):
    """Decide what becomes of a new signal; 200 with the signal, ``case`` set or null."""

    parser_classes = [BoundedJSONParser]

    @extend_schema(
        request=TriageSerializer,
        responses=inline_serializer(
            "TriagedSignal", {"case": serializers.UUIDField(allow_null=True)}
        ),
    )
    def post(self, request: Request, signal_id: str) -> Response:
        origin = request_origin(request)
        signal, view = signal_get_for(user=request.user, signal_id=signal_id, origin=origin)
        if view != SignalView.FULL:
            raise exceptions.PermissionDenied(
                _("Only the municipality's coordinators triage signals.")
            )
        body = TriageSerializer(data=request.data)
        if not body.is_valid():
            _invalid(body.errors)
        data = body.validated_data
        try:
            triaged = signal_triage(
                signal=signal,
                actor=request.user,  # type: ignore[arg-type]
                decision=data["decision"],
                case_type=data.get("case_type"),
                case_id=data.get("case"),
                forward_to=data.get("to", ""),
                reason=data.get("reason", ""),
                origin=origin,
            )
        except SignalForbidden as error:
            raise exceptions.PermissionDenied(error.message) from error
        except SignalConflict as error:
            raise Conflict(error.message) from error
        except SignalInvalid as error:
            _invalid(error.errors)
        file = signal_file_get(user=request.user, signal=triaged, origin=origin)
        return Response(signal_file_data(file))


class AddressLookupView(APIView):
    """The street, wijk and buurt of a postcode (and house number), for the intake form."""

    @extend_schema(
        operation_id="v1_addresses_lookup",
        parameters=[
            OpenApiParameter("postcode", str, required=True, description="e.g. 9999AB"),
            OpenApiParameter("number", int, description="house number"),
        ],
        responses=inline_serializer(
            "Address",
            {
                "postcode": serializers.CharField(),
                "street": serializers.CharField(),
                "city": serializers.CharField(),
                "wijk": serializers.CharField(),
                "wijk_name": serializers.CharField(),
                "buurt": serializers.CharField(),
                "buurt_name": serializers.CharField(),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        if not can_file_signal(request.user):
            raise exceptions.PermissionDenied(_("You may not file signals."))
        params = request.query_params
        try:
            postcode = postcode_normalise(params.get("postcode", "")[:20])
        except InvalidIdentifier as error:
            _invalid({"postcode": [str(error)]})
        raw_number = params.get("number", "").strip()[:6]
        if raw_number and not raw_number.isdigit():
            _invalid({"number": [_("A house number is a whole number, e.g. 12.")]})
        found = address_lookup(
            postcode=postcode, house_number=int(raw_number) if raw_number else None
        )
        if found is None:
            raise exceptions.NotFound(_("This postcode is not in the address table."))
        return Response(
            {
                "postcode": found.postcode,
                "street": found.street,
                "city": found.city,
                "wijk": found.wijk,
                "wijk_name": found.wijk_name,
                "buurt": found.buurt,
                "buurt_name": found.buurt_name,
            }
        )

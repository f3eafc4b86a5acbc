"""Signal representations. Input serializers check types only; the rules are in services.

A reporter's representation is the status only: never the case, the description or persons.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from signals.models import Signal, SignalPersonRole, TriageDecision
from signals.policies import reporter_status_label
from signals.selectors import CaseMatch, KnownElsewhere, SignalFile, SignalMatch, SignalMatches
from signals.services import LocationInput, PersonInput, SignalInput

MAX_DESCRIPTION = 10_000
MAX_PERSONS = 20


class StrictCharField(serializers.CharField):
    """Text, and only text: DRF's CharField would turn a number into a string."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class StrictFloatField(serializers.FloatField):
    """A JSON number, not a string of digits and not a boolean."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            self.fail("invalid")
        return float(super().to_internal_value(data))


class LocationSerializer(serializers.Serializer[dict[str, Any]]):
    address = StrictCharField(max_length=300)
    postcode = StrictCharField(max_length=10)
    wijk = StrictCharField(max_length=10, required=False, allow_blank=True)
    buurt = StrictCharField(max_length=10, required=False, allow_blank=True)
    lat = StrictFloatField(required=False, allow_null=True)
    lon = StrictFloatField(required=False, allow_null=True)


class PersonSerializer(serializers.Serializer[dict[str, Any]]):
    role = serializers.ChoiceField(
        choices=SignalPersonRole.values,
        error_messages={
            "invalid_choice": _("Unknown role: {input}. Choose subject, reporter or witness.")
        },
    )
    name = StrictCharField(max_length=200, required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    bsn = StrictCharField(max_length=20, required=False, allow_blank=True)


class SignalCreateSerializer(serializers.Serializer[dict[str, Any]]):
    category = StrictCharField(max_length=30)
    description = StrictCharField(
        max_length=MAX_DESCRIPTION,
        error_messages={"max_length": _("A description has at most {max_length} characters.")},
    )
    observed_at = serializers.DateTimeField()
    location = LocationSerializer()
    persons = serializers.ListField(
        child=PersonSerializer(),
        required=False,
        max_length=MAX_PERSONS,
        error_messages={"max_length": _("A signal names at most {max_length} persons.")},
    )

    def to_input(self) -> SignalInput:
        data = self.validated_data
        location = data["location"]
        return SignalInput(
            category=data["category"],
            description=data["description"],
            observed_at=data["observed_at"],
            location=LocationInput(
                address=location["address"],
                postcode=location["postcode"],
                wijk=location.get("wijk", ""),
                buurt=location.get("buurt", ""),
                lat=location.get("lat"),
                lon=location.get("lon"),
            ),
            persons=tuple(
                PersonInput(
                    role=person["role"],
                    name=person.get("name", ""),
                    birth_date=person.get("birth_date"),
                    bsn=person.get("bsn", ""),
                )
                for person in data.get("persons") or []
            ),
        )


class SignalFiledSerializer(serializers.Serializer[Signal]):
    """The answer to filing: 201 with the id, the reference and the status at filing."""

    id = serializers.UUIDField()
    reference = serializers.CharField()
    status = serializers.CharField()


class TriageSerializer(serializers.Serializer[dict[str, Any]]):
    decision = serializers.ChoiceField(choices=TriageDecision.values)
    case_type = StrictCharField(max_length=20, required=False)
    case = StrictCharField(max_length=64, required=False)
    to = StrictCharField(max_length=200, required=False, allow_blank=True)
    reason = StrictCharField(max_length=5000, required=False, allow_blank=True)


def status_only(signal: Signal) -> dict[str, Any]:
    """What the reporter sees (and anyone else who only reported it): the status only."""
    return {
        "id": str(signal.uuid),
        "reference": signal.reference,
        "status_label": reporter_status_label(
            status=signal.status,
            case_closed=getattr(signal, "case_closed_at", None) is not None,
        ),
    }


def _case_id(signal: Signal) -> str | None:
    case_uuid = getattr(signal, "case_uuid", None)
    return str(case_uuid) if case_uuid else None


def list_row(signal: Signal) -> dict[str, Any]:
    """One row of a triaging coordinator's list: no decrypted content, nothing per row."""
    return {
        "id": str(signal.uuid),
        "reference": signal.reference,
        "status": signal.status,
        "category": signal.category.code,
        "category_label": signal.category.label_nl,
        "source": signal.source,
        "observed_at": signal.observed_at.isoformat(),
        "created_at": signal.created_at.isoformat(),
        "wijk": signal.wijk or None,
        "buurt": signal.buurt or None,
        "postcode_area": signal.postcode_area or None,
        "case": _case_id(signal),
    }


def signal_file_data(file: SignalFile) -> dict[str, Any]:
    """The full signal, for those who triage it."""
    signal = file.signal
    reporter = signal.reporter
    return {
        **list_row(signal),
        # None once retention anonymised the signal (``anonymised_at``).
        "description": signal.readable_description,
        "location": {
            "address": signal.readable_address,
            "postcode": signal.readable_postcode,
            "wijk": signal.wijk or None,
            "buurt": signal.buurt or None,
            "lat": float(signal.lat) if signal.lat is not None else None,
            "lon": float(signal.lon) if signal.lon is not None else None,
        },
        "reporter": {
            "username": reporter.username,
            "name": reporter.get_full_name(),
            "organisation": signal.reporter_organisation.name,
        },
        "persons": [
            {
                "id": str(sp.person.uuid),
                "role": sp.role,
                "given_names": sp.person.given_names,
                "surname": sp.person.surname,
                "birth_date": sp.person.birth_date.isoformat() if sp.person.birth_date else None,
                "bsn": sp.person.bsn,
            }
            for sp in file.persons
        ],
        "triage": (
            {
                "decision": signal.decision,
                "decided_at": signal.decided_at.isoformat() if signal.decided_at else None,
                "decided_by": signal.decided_by.username if signal.decided_by else None,
                "to": signal.forward_to or None,
                "reason": signal.readable("triage_reason"),
            }
            if signal.decision
            else None
        ),
        "personal_data_until": (
            signal.personal_data_until.isoformat() if signal.personal_data_until else None
        ),
        "anonymised_at": signal.anonymised_at.isoformat() if signal.anonymised_at else None,
    }


def _case_match(match: CaseMatch) -> dict[str, Any]:
    case = match.case
    return {
        "id": str(case.uuid),
        "reference": case.reference,
        "case_type": case.case_type,
        "state": case.state,
        "wijk": case.wijk or None,
        "reason": match.reasons[0],
        "reasons": list(match.reasons),
    }


def _signal_match(match: SignalMatch) -> dict[str, Any]:
    signal = match.signal
    return {
        "id": str(signal.uuid),
        "reference": signal.reference,
        "status": signal.status,
        "category": signal.category.code,
        "observed_at": signal.observed_at.isoformat(),
        "wijk": signal.wijk or None,
        "reason": match.reasons[0],
        "reasons": list(match.reasons),
    }


def _elsewhere(hint: KnownElsewhere) -> dict[str, Any]:
    return {"reason": hint.reason, "known_elsewhere": hint.where}


def matches_data(matches: SignalMatches) -> dict[str, Any]:
    return {
        "cases": [_case_match(m) for m in matches.cases],
        "signals": [_signal_match(m) for m in matches.signals],
        "elsewhere": [_elsewhere(h) for h in matches.elsewhere],
    }

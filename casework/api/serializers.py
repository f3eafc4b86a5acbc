"""Case representations. A field group the viewer may not read is absent, never null."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers

from casework.models import Case, CasePerson, Note, Participation
from casework.selectors import CaseFile
from permissions.constants import FieldGroup
from permissions.models import DisclosureProfile, Organisation
from permissions.selectors import disclosure_profile_get, organisation_get


class CaseListSerializer(serializers.ModelSerializer[Case]):
    """The core group only: what every viewer of a case may read."""

    id = serializers.UUIDField(source="uuid", read_only=True)
    confidentiality = serializers.SerializerMethodField()
    next_deadline = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "case_type",
            "state",
            "wijk",
            "buurt",
            "confidentiality",
            "opened_at",
            "closed_at",
            "next_deadline",
            "overdue",
        ]

    def get_next_deadline(self, case: Case) -> str | None:
        due = getattr(case, "next_due", None)
        return due.isoformat() if due else None

    def get_overdue(self, case: Case) -> bool:
        due = getattr(case, "next_due", None)
        return bool(due and due < timezone.localdate())

    def get_confidentiality(self, case: Case) -> str:
        return {1: "normal", 2: "high", 3: "highest"}[case.confidentiality]


def _person(case_person: CasePerson, file: CaseFile) -> dict[str, Any]:
    person = case_person.person
    data: dict[str, Any] = {"id": str(person.uuid), "role": case_person.role}
    if case_person.field_group == FieldGroup.REPORTER or file.disclosure.allows(
        FieldGroup.IDENTITY
    ):
        data["given_names"] = person.given_names
        data["surname"] = person.surname
        data["birth_date"] = person.birth_date.isoformat() if person.birth_date else None
        data["address"] = person.address
    if file.disclosure.allows(FieldGroup.BSN) and case_person.field_group != FieldGroup.REPORTER:
        data["bsn"] = person.bsn
    return data


def _note(note: Note) -> dict[str, Any]:
    text = note.readable_body
    # Crypto-shredded (retention): the note existed, its content is gone for good.
    destroyed = {"destroyed": True} if text is None else {}
    return {
        **destroyed,
        "id": str(note.uuid),
        "text": text,
        "author": note.author.get_full_name() or note.author.username,
        "organisation": note.author_organisation.name,
        "created_at": note.created_at.isoformat(),
    }


def case_file_data(file: CaseFile) -> dict[str, Any]:
    """The API body of a case file: core fields plus exactly the disclosed groups."""
    case = file.case
    data: dict[str, Any] = dict(CaseListSerializer(case).data)
    data["field_groups"] = sorted(g.value for g in file.disclosure.groups)
    data["coordinator"] = (
        case.coordinator.get_full_name() or case.coordinator.username if case.coordinator else None
    )
    data["organisation"] = case.owner.name
    if case.case_type == "woonoverlast":
        data["care_track"] = case.care_track
    subjects = [p for p in file.persons if p.field_group != FieldGroup.REPORTER]
    reporters = [p for p in file.persons if p.field_group == FieldGroup.REPORTER]
    if file.disclosure.allows(FieldGroup.IDENTITY) or file.disclosure.allows(FieldGroup.BSN):
        data["persons"] = [_person(p, file) for p in subjects]
    if file.disclosure.allows(FieldGroup.REPORTER):
        data["reporters"] = [_person(p, file) for p in reporters]
    notes = {}
    for group in (
        FieldGroup.NUISANCE,
        FieldGroup.CARE,
        FieldGroup.JUSTICE,
        FieldGroup.REPORTER,
        FieldGroup.IDENTITY,
        FieldGroup.CORE,
    ):
        if file.disclosure.allows(group):
            notes[group.value] = [_note(n) for n in file.notes.get(group.value, [])]
    data["notes"] = notes
    if file.participations is not None:
        data["participants"] = [ParticipationSerializer(p).data for p in file.participations]
    return data


class ParticipationSerializer(serializers.ModelSerializer[Participation]):
    id = serializers.UUIDField(source="uuid", read_only=True)
    organisation = serializers.SerializerMethodField()
    disclosure_profile: serializers.SlugRelatedField[DisclosureProfile] = (
        serializers.SlugRelatedField(slug_field="slug", read_only=True)
    )
    granted_by = serializers.CharField(source="granted_by.username", read_only=True)

    class Meta:
        model = Participation
        fields = [
            "id",
            "organisation",
            "disclosure_profile",
            "legal_basis",
            "valid_from",
            "ended_at",
            "granted_by",
        ]

    def get_organisation(self, participation: Participation) -> dict[str, str]:
        org = participation.organisation
        return {"id": str(org.uuid), "name": org.name, "type": org.type}


class ParticipationCreateSerializer(serializers.Serializer[dict[str, Any]]):
    organisation = serializers.UUIDField(
        error_messages={
            "invalid": "Geef het id van een organisatie.",
            "required": "Kies een organisatie.",
        }
    )
    disclosure_profile = serializers.SlugField(required=False, max_length=40)
    legal_basis = serializers.CharField(
        max_length=2000,
        error_messages={
            "required": "Leg de grondslag vast.",
            "blank": "Leg de grondslag vast.",
        },
    )

    def validate_organisation(self, value: Any) -> Organisation:
        organisation = organisation_get(organisation_id=value)
        if organisation is None:
            raise serializers.ValidationError("Onbekende organisatie.")
        return organisation

    def validate_disclosure_profile(self, value: str) -> DisclosureProfile:
        profile = disclosure_profile_get(slug=value)
        if profile is None:
            raise serializers.ValidationError(f"Onbekend deelprofiel: {value}.")
        return profile


class ParticipationEndSerializer(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class BreakGlassSerializer(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(
        max_length=2000,
        error_messages={"required": "Geef een reden.", "blank": "Geef een reden."},
    )

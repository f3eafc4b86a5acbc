"""Reads for organisations, profiles and the access log."""

from __future__ import annotations

import uuid

from django.db.models import F, Q, QuerySet

from .models import AccessLog, DisclosureProfile, Organisation, SharingRule


def organisation_list() -> QuerySet[Organisation]:
    """Active organisations, by name."""
    return Organisation.objects.filter(is_active=True).order_by("name")


def organisation_get(*, organisation_id: uuid.UUID) -> Organisation | None:
    """The active organisation with this public id, or None."""
    return Organisation.objects.filter(uuid=organisation_id, is_active=True).first()


def disclosure_profile_get(*, slug: str) -> DisclosureProfile | None:
    return DisclosureProfile.objects.filter(slug=slug).first()


def disclosure_profile_default_for(
    *, organisation: Organisation, municipality_id: int | None
) -> DisclosureProfile | None:
    """The sharing matrix's profile for this organisation's type in that municipality.

    A municipality's override wins over the installation default.
    """
    rule = (
        SharingRule.objects.select_related("disclosure_profile")
        .filter(organisation_type=organisation.type)
        .filter(Q(municipality_id=municipality_id) | Q(municipality__isnull=True))
        .order_by(F("municipality_id").asc(nulls_last=True))
        .first()
    )
    return rule.disclosure_profile if rule else None


def access_log_for_person(*, person_uuid: uuid.UUID) -> QuerySet[AccessLog]:
    """Who accessed this person's data, newest first."""
    return AccessLog.objects.filter(person_uuid=person_uuid).order_by("-at", "-id")


def access_log_for_actor(*, user_id: int) -> QuerySet[AccessLog]:
    """What this user accessed, newest first."""
    return AccessLog.objects.filter(actor_id=user_id).order_by("-at", "-id")

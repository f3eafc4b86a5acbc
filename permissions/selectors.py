"""Reads for organisations and users."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Organisation


def organisation_list() -> QuerySet[Organisation]:
    """Active organisations, by name."""
    return Organisation.objects.filter(is_active=True).order_by("name")

"""Predicates over who may do what. DRF permission classes adapt these; they hold no rules."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from .constants import Perm
from .models import Municipality


def has_perm(user: Any, perm: Perm) -> bool:
    """An active user holds the global permission ``perm`` (through their role or directly)."""
    return bool(user is not None and user.is_active and user.has_perm(perm.value))


def may_skip_second_factor(user: Any) -> bool:
    """Only demo users, and only where the profile allows demo users, skip two factors."""
    return bool(getattr(user, "is_demo", False) and settings.KETENREGIE_ALLOW_DEMO_USERS)


def is_fully_signed_in(user: Any) -> bool:
    """Signed in with both factors (or a demo user where the profile allows it)."""
    if user is None or not user.is_authenticated:
        return False
    if may_skip_second_factor(user):
        return True
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def can_list_organisations(user: Any) -> bool:
    return has_perm(user, Perm.LIST_ORGANISATIONS)


class HasGlobalPerm(BasePermission):
    """Use as ``HasGlobalPerm.for_(Perm.X)``."""

    perm: Perm

    @classmethod
    def for_(cls, perm: Perm) -> type[HasGlobalPerm]:
        return type(f"Has_{perm.codename}", (cls,), {"perm": perm})

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(
            request.user and request.user.is_authenticated and has_perm(request.user, self.perm)
        )


def configuration_scope(user: Any) -> tuple[Municipality | None, bool]:
    """(the user's municipality, whether they configure the whole installation).

    With several municipalities in one installation, a municipality's functional admin
    changes only that municipality's overrides; the shared profiles and defaults belong to
    admins without a municipality (or to the one municipality of a single-town install).
    """
    organisation = user.organisation
    municipality = organisation.municipality if organisation else None
    installation_wide = municipality is None or Municipality.objects.count() <= 1
    return municipality, installation_wide

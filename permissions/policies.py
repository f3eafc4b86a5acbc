"""Predicates over who may do what. DRF permission classes adapt these; they hold no rules."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from .constants import Perm
from .services import user_has_perm


def can_list_organisations(user: Any) -> bool:
    return user_has_perm(user, Perm.LIST_ORGANISATIONS)


class HasGlobalPerm(BasePermission):
    """Use as ``HasGlobalPerm.for_(Perm.X)``."""

    perm: Perm

    @classmethod
    def for_(cls, perm: Perm) -> type[HasGlobalPerm]:
        return type(f"Has_{perm.codename}", (cls,), {"perm": perm})

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(
            request.user
            and request.user.is_authenticated
            and user_has_perm(request.user, self.perm)
        )

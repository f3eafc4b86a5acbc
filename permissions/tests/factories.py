"""Factories for organisations and users; actors come as fixtures in tests/conftest.py."""

from __future__ import annotations

from typing import Any

import factory

from permissions.constants import OrganisationType, RoleSlug
from permissions.models import Organisation, User
from permissions.services import organisation_create, roles_ensure_defaults, user_create


class OrganisationFactory(factory.Factory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    type = OrganisationType.GEMEENTE

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Organisation:
        return organisation_create(name=str(kwargs["name"]), type=OrganisationType(kwargs["type"]))


class UserFactory(factory.Factory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    password = "correct-horse-battery-staple"
    organisation = factory.SubFactory(OrganisationFactory)
    role = RoleSlug.COORDINATOR
    is_demo = False

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> User:
        roles_ensure_defaults()
        return user_create(
            username=str(kwargs["username"]),
            password=str(kwargs["password"]),
            organisation=kwargs["organisation"],
            role=RoleSlug(kwargs["role"]),
            is_demo=bool(kwargs["is_demo"]),
        )

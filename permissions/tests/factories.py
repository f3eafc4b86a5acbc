"""Factories for organisations and users; actors come as fixtures in tests/conftest.py."""

from __future__ import annotations

from typing import Any, cast

import factory

from permissions.constants import OrganisationType, RoleSlug
from permissions.models import Municipality, Organisation, Region, User
from permissions.services import (
    municipality_get_or_create,
    organisation_create,
    region_get_or_create,
    roles_ensure_defaults,
    user_create,
)


def region_for_tests() -> Region:
    return region_get_or_create(code="regio-test", name="Regio Testwaard")


class OrganisationFactory(factory.Factory):
    """An organisation; a gemeente gets its own municipality in the test region unless given."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    type = OrganisationType.GEMEENTE
    municipality = None
    region = None

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Organisation:
        org_type = OrganisationType(kwargs["type"])
        municipality = kwargs["municipality"]
        region = kwargs["region"]
        if org_type == OrganisationType.GEMEENTE and municipality is None and region is None:
            number = Municipality.objects.count() + 1
            municipality = municipality_get_or_create(
                code=f"GM{9000 + number:04d}", name=str(kwargs["name"]), region=region_for_tests()
            )
        if org_type != OrganisationType.GEMEENTE and municipality is None and region is None:
            region = region_for_tests()
        return organisation_create(
            name=str(kwargs["name"]), type=org_type, municipality=municipality, region=region
        )


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


def make_organisation(**fields: Any) -> Organisation:
    """``OrganisationFactory(...)``, typed for the type checker."""
    return cast(Organisation, OrganisationFactory(**fields))


def make_user(**fields: Any) -> User:
    """``UserFactory(...)``, typed for the type checker."""
    return cast(User, UserFactory(**fields))

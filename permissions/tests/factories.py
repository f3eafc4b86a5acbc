"""Factories for organisations and users; actors come as fixtures in tests/conftest.py."""

from __future__ import annotations

from typing import Any, cast

import factory
from django.test import Client

from permissions.constants import OrganisationType, RoleSlug
from permissions.models import Municipality, Organisation, Region, User
from permissions.services import (
    municipality_get_or_create,
    organisation_create,
    region_get_or_create,
    roles_ensure_defaults,
    user_create,
)

# The password every factory user has (not a secret: test users only).
TEST_PASSWORD = "correct-horse-battery-staple"


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
    password = TEST_PASSWORD
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


def signed_in(user: Any, password: str = TEST_PASSWORD) -> Client:
    """A browser-like client signed in as ``user`` through the real sign-in page.

    The user is marked as a demo user so the second factor is skipped: the tests that use
    this are about what a signed-in person sees, not about signing in.
    """
    user.is_demo = True
    user.save(update_fields=["is_demo"])
    client = Client()
    response = client.post("/aanmelden/", {"username": user.username, "password": password})
    assert response.status_code == 302, "sign-in failed"
    return client

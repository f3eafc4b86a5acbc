"""Fixtures shared by every app's tests: actors and API clients."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from permissions.constants import OrganisationType, RoleSlug
from permissions.models import User
from permissions.services import api_token_issue
from permissions.tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def gemeente(db):
    return OrganisationFactory(name="Gemeente Testwaard", type=OrganisationType.GEMEENTE)


@pytest.fixture
def ggz(db):
    return OrganisationFactory(name="GGZ Testwaard", type=OrganisationType.GGZ)


@pytest.fixture
def coordinator(gemeente):
    return UserFactory(username="coordinator", organisation=gemeente, role=RoleSlug.COORDINATOR)


@pytest.fixture
def boa(gemeente):
    return UserFactory(username="boa", organisation=gemeente, role=RoleSlug.BOA)


@pytest.fixture
def partner_ggz(ggz):
    return UserFactory(username="ggz", organisation=ggz, role=RoleSlug.PARTNER)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def token_client():
    """``token_client(user)`` returns an APIClient that sends a fresh token for ``user``."""

    def make(user: User) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user)}")
        return client

    return make

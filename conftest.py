"""Fixtures shared by every app's tests: actors and API clients; the Hypothesis profiles."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient

from permissions.constants import OrganisationType, RoleSlug
from permissions.constants import OrganisationType as T
from permissions.constants import RoleSlug as R
from permissions.models import User
from permissions.services import api_token_issue
from permissions.tests.factories import OrganisationFactory, UserFactory

# Property tests and the API fuzzer run derandomized by default, so CI and every developer
# see the same examples and a failure reproduces; ``HYPOTHESIS_PROFILE=explore`` searches
# afresh each run (and remembers failures in .hypothesis/). No deadline: the machines are
# shared and a slow example is not a wrong one.
settings.register_profile(
    "ketenregie",
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("explore", deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ketenregie"))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """The fuzzing figures (tests/test_api_fuzz.py), when it ran; FUZZ_REPORT=path saves
    them as JSON too."""
    from tests import fuzz

    if not fuzz.TALLY.per_role:
        return
    terminalreporter.section("API fuzzing (schemathesis)")
    for line in fuzz.TALLY.summary_lines():
        terminalreporter.write_line(line)
    report = os.environ.get("FUZZ_REPORT")
    if report:
        from pathlib import Path

        fuzz.TALLY.write(Path(report))


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
def orgs(db):
    """A region of two municipalities with regional and local partners."""
    return {
        "gemeente": OrganisationFactory(name="Gemeente Testwaard", type=T.GEMEENTE),
        "buurgemeente": OrganisationFactory(name="Gemeente Buurdorp", type=T.GEMEENTE),
        "politie": OrganisationFactory(name="Politie Testwaard", type=T.POLITIE),
        "ggz": OrganisationFactory(name="GGZ Testwaard", type=T.GGZ),
        "corporatie": OrganisationFactory(name="Woonstichting Testwaard", type=T.WONINGCORPORATIE),
        "jongerenwerk": OrganisationFactory(name="Jongerenwerk Testwaard", type=T.JONGERENWERK),
        "om": OrganisationFactory(name="OM Testwaard", type=T.OM),
        "zvh": OrganisationFactory(name="ZVH Testwaard", type=T.ZVH),
    }


@pytest.fixture
def actors(orgs):
    """One user per role, mostly of Gemeente Testwaard; partners of their organisations."""
    g = orgs["gemeente"]
    return {
        "coordinator": UserFactory(username="coordinator", organisation=g, role=R.COORDINATOR),
        "colleague": UserFactory(username="colleague", organisation=g, role=R.COORDINATOR),
        "teamlead": UserFactory(username="teamlead", organisation=g, role=R.TEAM_LEAD),
        "boa": UserFactory(username="boa", organisation=g, role=R.BOA),
        "boa2": UserFactory(username="boa2", organisation=g, role=R.BOA),
        "privacy": UserFactory(username="privacy", organisation=g, role=R.PRIVACY_OFFICER),
        "beheer": UserFactory(username="beheer", organisation=g, role=R.FUNCTIONAL_ADMIN),
        "wijkagent": UserFactory(
            username="wijkagent", organisation=orgs["politie"], role=R.WIJKAGENT
        ),
        "ggz": UserFactory(username="ggz", organisation=orgs["ggz"], role=R.PARTNER),
        "corporatie": UserFactory(
            username="corporatie", organisation=orgs["corporatie"], role=R.PARTNER
        ),
        "jongerenwerk": UserFactory(
            username="jongerenwerk", organisation=orgs["jongerenwerk"], role=R.PARTNER
        ),
        "buurcoordinator": UserFactory(
            username="buurcoordinator", organisation=orgs["buurgemeente"], role=R.COORDINATOR
        ),
    }


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

"""Actors and cases for the need-to-know tests."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from casework.models import CaseType, Confidentiality
from permissions.constants import OrganisationType as T
from permissions.constants import RoleSlug as R
from permissions.tests.factories import OrganisationFactory, UserFactory

from .factories import invite, make_case


@pytest.fixture
def orgs(db):
    return {
        "gemeente": OrganisationFactory(name="Gemeente Testwaard", type=T.GEMEENTE),
        "buurgemeente": OrganisationFactory(name="Gemeente Buurdorp", type=T.GEMEENTE),
        "politie": OrganisationFactory(name="Politie Testwaard", type=T.POLITIE),
        "ggz": OrganisationFactory(name="GGZ Testwaard", type=T.GGZ),
        "corporatie": OrganisationFactory(name="Woonstichting Testwaard", type=T.WONINGCORPORATIE),
        "jongerenwerk": OrganisationFactory(name="Jongerenwerk Testwaard", type=T.JONGERENWERK),
        "om": OrganisationFactory(name="OM Testwaard", type=T.OM),
    }


@pytest.fixture
def actors(orgs):
    g = orgs["gemeente"]
    return {
        "coordinator": UserFactory(username="coordinator", organisation=g, role=R.COORDINATOR),
        "colleague": UserFactory(username="colleague", organisation=g, role=R.COORDINATOR),
        "teamlead": UserFactory(username="teamlead", organisation=g, role=R.TEAM_LEAD),
        "boa": UserFactory(username="boa", organisation=g, role=R.BOA),
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


def designate_for_police_data(user) -> None:
    user.user_permissions.add(Permission.objects.get(codename="read_police_data"))


@pytest.fixture
def situations(orgs, actors):
    """One case per situation of the access matrix, all run by Gemeente Testwaard."""
    coordinator = actors["coordinator"]
    owner = orgs["gemeente"]
    participating = make_case(owner=owner, coordinator=coordinator)
    for name in ("politie", "ggz", "corporatie"):
        invite(participating, orgs[name], coordinator)
    not_participating = make_case(owner=owner, coordinator=coordinator)
    ended = make_case(owner=owner, coordinator=coordinator)
    for name in ("politie", "ggz", "corporatie"):
        invite(ended, orgs[name], coordinator, ended=True)
    highest = make_case(
        owner=owner,
        coordinator=coordinator,
        case_type=CaseType.RIEC,
        confidentiality=Confidentiality.HIGHEST,
    )
    return {
        "participating": participating,
        "not_participating": not_participating,
        "ended": ended,
        "highest": highest,
    }

"""Actors and cases for the need-to-know tests."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from casework.models import CaseType, Confidentiality

from .factories import invite, make_case


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

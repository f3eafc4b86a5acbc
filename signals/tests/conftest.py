"""Actors and helpers for the signal tests: two municipalities in one region, regional
partners (police, corporation, ZVH) and a local one."""

from __future__ import annotations

import pytest

from signals.services import categories_ensure_defaults

from .factories import wijk_of


@pytest.fixture(autouse=True)
def categories(db):
    """The categories the data migration seeds; a transactional test elsewhere in the suite
    flushes every table, so they are put back where missing."""
    categories_ensure_defaults()


@pytest.fixture
def wijk(orgs) -> str:
    """A wijk of Gemeente Testwaard."""
    return wijk_of(orgs["gemeente"].municipality)


@pytest.fixture
def buurwijk(orgs) -> str:
    """A wijk of Gemeente Buurdorp."""
    return wijk_of(orgs["buurgemeente"].municipality)

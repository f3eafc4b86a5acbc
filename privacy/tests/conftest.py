"""Fixtures of the privacy tests."""

from __future__ import annotations

import pytest

from signals.services import categories_ensure_defaults


@pytest.fixture(autouse=True)
def categories(db):
    """The seeded signal categories (a transactional test elsewhere flushes them)."""
    categories_ensure_defaults()

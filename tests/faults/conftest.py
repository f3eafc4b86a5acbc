"""Fixtures of the fault tests: a throwaway Redis, and the reminder outbox of the worker tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.test_reminder_worker import outbox  # noqa: F401 (a fixture, shared)

from .services import PrivateRedis


@pytest.fixture
def broker() -> Iterator[PrivateRedis]:
    """A redis-server of the test's own on a free loopback port; skips when not installed."""
    reason = PrivateRedis.unavailable()
    if reason:
        pytest.skip(reason)
    redis = PrivateRedis()
    redis.start()
    yield redis
    redis.stop()

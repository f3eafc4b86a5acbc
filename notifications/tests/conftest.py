"""A reminder kind for the outbox's own tests, registered only while a test runs."""

from __future__ import annotations

import pytest

from notifications import kinds
from notifications.kinds import ObjectRef, ReminderKind, ReminderText

KIND = "test_reminder"


@pytest.fixture
def audience(actors):
    """Whom the test kind reminds: the coordinator and the team lead, with addresses."""
    people = [actors["coordinator"], actors["teamlead"]]
    for user in people:
        user.email = f"{user.username}@testwaard.example"
        user.save(update_fields=["email"])
    return people


@pytest.fixture
def test_kind(monkeypatch, audience):
    """Register ``test_reminder``: the audience, a title with the object's id, a link."""
    state = {"due": True, "recipients": audience}
    kind = ReminderKind(
        code=KIND,
        recipients=lambda ref, step: list(state["recipients"]),
        describe=lambda ref, step: ReminderText(
            title=f"Test reminder {ref.id}", link=f"/casussen/{ref.id}/"
        ),
        still_due=lambda ref, step: bool(state["due"]),
    )
    monkeypatch.setitem(kinds._REGISTRY, KIND, kind)
    return state


def ref(n: int | str = 1) -> ObjectRef:
    return ObjectRef(type="tests.thing", id=str(n))

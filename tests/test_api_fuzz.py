"""Fuzz every operation of /api/schema/ for every role (schemathesis; see tests/fuzz.py).

A short, derandomized run belongs to ``make test``; ``make fuzz`` runs the long one
(``FUZZ_EXAMPLES``). A failure lists every operation that answered 5xx or off-schema.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from casework.models import AgendaItem, Case, CasePerson, Meeting, Participation, PlanAction
from config.wsgi import application
from demo.services import demo_seed
from permissions.models import User
from permissions.services import api_token_issue
from signals.models import Signal, Street

from . import fuzz

pytestmark = pytest.mark.django_db


def _file_signals() -> None:
    """A few signals by the roles that file them, one of them triaged into a case."""
    street = Street.objects.order_by("postcode", "number_from").first()
    assert street is not None
    address = f"{street.name} {street.number_from}"
    for username in ("boa", "wijkagent", "corporatie", "coordinator"):
        client = APIClient()
        client.force_authenticate(User.objects.get(username=username))
        response = client.post(
            "/api/v1/signals/",
            {
                "category": "WO-GELUID",
                "description": "Harde muziek na middernacht.",
                "observed_at": "2026-05-01T23:30:00+02:00",
                "location": {"address": address, "postcode": street.postcode},
                "persons": [{"role": "subject", "name": "Jan van der Berg", "bsn": "111222333"}],
            },
            format="json",
        )
        assert response.status_code == 201, response.content
    coordinator = APIClient()
    coordinator.force_authenticate(User.objects.get(username="coordinator"))
    signal = Signal.objects.filter(reporter__username="boa").first()
    assert signal is not None
    response = coordinator.post(
        f"/api/v1/signals/{signal.uuid}/triage/",
        {"decision": "new_case", "case_type": "woonoverlast"},
        format="json",
    )
    assert response.status_code == 200, response.content


def known_ids() -> list[dict[str, str]]:
    """Real path parameters, each row a consistent set (an item with its meeting), in a
    fixed order so that the derandomized run picks the same rows every time."""
    rows: list[dict[str, str]] = []
    rows += [
        {"case_id": str(u)} for u in Case.objects.order_by("pk").values_list("uuid", flat=True)
    ]
    rows += [
        {"signal_id": str(u)} for u in Signal.objects.order_by("pk").values_list("uuid", flat=True)
    ]
    rows += [
        {"meeting_id": str(u)}
        for u in Meeting.objects.order_by("pk").values_list("uuid", flat=True)
    ]
    rows += [
        {"action_id": str(u)}
        for u in PlanAction.objects.order_by("pk").values_list("uuid", flat=True)
    ]
    rows += [
        {"person_id": str(u)}
        for u in CasePerson.objects.order_by("person_id")
        .values_list("person__uuid", flat=True)
        .distinct()
    ]
    rows += [
        {"meeting_id": str(m), "item_id": str(i)}
        for m, i in AgendaItem.objects.order_by("pk").values_list("meeting__uuid", "uuid")
    ]
    rows += [
        {"case_id": str(c), "participation_id": str(p)}
        for c, p in Participation.objects.order_by("pk").values_list("case__uuid", "uuid")
    ]
    return rows


@pytest.fixture(scope="module")
def seeded_once(django_db_setup: Any, django_db_blocker: Any) -> Iterator[list[dict[str, str]]]:
    """The seed, once for the module (it costs more than a role's fuzzing), in a transaction
    that is rolled back at the end; each test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_seed()
        _file_signals()
        yield known_ids()
        transaction.set_rollback(True)


@pytest.fixture
def seeded(seeded_once: list[dict[str, str]], db: Any) -> list[dict[str, str]]:
    return seeded_once


@pytest.mark.parametrize("role", list(fuzz.ROLES))
def test_every_operation_answers_within_its_schema(role: str, seeded: Any) -> None:
    username = fuzz.ROLES[role]
    headers = {}
    if username is not None:
        user = User.objects.get(username=username)
        headers["Authorization"] = f"Token {api_token_issue(user=user)}"
    started = time.monotonic()
    with fuzz.connections_kept():
        schema = fuzz.load_schema(application)
        findings = fuzz.fuzz_all(
            role=role,
            schema=schema,
            headers=headers,
            known=seeded,
            examples=fuzz.examples_per_operation(),
        )
    fuzz.TALLY.seconds[role] = fuzz.TALLY.seconds.get(role, 0) + time.monotonic() - started
    fuzz.TALLY.save()
    assert not findings, "\n\n".join(str(f) for f in findings)


@pytest.mark.parametrize("role", ["coordinator", "boa", "wijkagent", "partner"])
def test_linked_calls_answer_within_the_schema(role: str, seeded: Any) -> None:
    username = fuzz.ROLES[role]
    assert username is not None
    user = User.objects.get(username=username)
    headers = {"Authorization": f"Token {api_token_issue(user=user)}"}
    started = time.monotonic()
    with fuzz.connections_kept():
        schema = fuzz.load_schema(application)
        fuzz.fuzz_stateful(
            role=role,
            schema=schema,
            headers=headers,
            scenarios=fuzz.examples_per_operation(),
            steps=8,
        )
    fuzz.TALLY.seconds[role] = fuzz.TALLY.seconds.get(role, 0) + time.monotonic() - started
    fuzz.TALLY.save()

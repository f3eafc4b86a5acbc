""" "Bekend?": open cases and signals about the same person or address, found by blind index
only, shown to coordinators only, and never leaking a case of another municipality."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import permissions.crypto
from casework.models import Case, CaseType, Confidentiality, PersonRole
from casework.services import (
    PersonDetails,
    case_escalate_to_zvh,
    case_person_add,
    person_register,
)
from casework.tests.factories import SUBJECT, make_case
from permissions.models import AccessLog
from signals.selectors import signal_matches
from signals.services import PersonInput

from .factories import make_signal

pytestmark = pytest.mark.django_db

# The subject of casework's factory case: Johan Brinkers, Lindelaan 12, 9999 AB.
BY_BSN = PersonInput(role="subject", bsn=SUBJECT.bsn)
BY_NAME = PersonInput(role="subject", name="J. Brinkers", birth_date=SUBJECT.birth_date)
SOMEONE_ELSE = PersonInput(
    role="subject", name="Kees Hoekstra", birth_date=datetime.date(1990, 1, 1)
)


def matches(client, signal):
    response = client.get(f"/api/v1/signals/{signal.uuid}/matches/")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def open_case(orgs, actors):
    return make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"])


def test_a_case_with_the_same_bsn_is_found(actors, open_case, token_client):
    signal = make_signal(actors["boa"], persons=(BY_BSN,), address="Elders 1", postcode="9999ZZ")

    data = matches(token_client(actors["coordinator"]), signal)

    [found] = data["cases"]
    assert found["id"] == str(open_case.uuid)
    assert found["reference"] == open_case.reference
    assert found["reason"] == "bsn"
    assert set(found) == {"id", "reference", "case_type", "state", "wijk", "reason", "reasons"}
    assert data["elsewhere"] == []


def test_a_case_with_the_same_surname_and_birth_date_is_found(actors, orgs, token_client):
    # A case person without a BSN, so the match cannot come from a BSN.
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"], with_content=False)
    person, _ = person_register(
        details=PersonDetails(
            given_names="Johan", surname="Brinkers", birth_date=SUBJECT.birth_date
        )
    )
    case_person_add(case=case, person=person, role=PersonRole.SUBJECT, actor=actors["coordinator"])
    signal = make_signal(actors["boa"], persons=(BY_NAME,), address="Elders 1", postcode="9999ZZ")

    [found] = matches(token_client(actors["coordinator"]), signal)["cases"]

    assert found["id"] == str(case.uuid)
    assert found["reasons"] == ["name_birth_date"]


def test_a_case_at_the_same_address_is_found(actors, open_case, token_client):
    signal = make_signal(
        actors["boa"], persons=(SOMEONE_ELSE,), address="Lindelaan 12", postcode="9999 ab"
    )

    [found] = matches(token_client(actors["coordinator"]), signal)["cases"]

    assert found["id"] == str(open_case.uuid)
    assert found["reasons"] == ["address"]


def test_all_reasons_are_given_strongest_first(actors, open_case, token_client):
    signal = make_signal(
        actors["boa"],
        persons=(
            PersonInput(
                role="subject",
                name="Johan Brinkers",
                birth_date=SUBJECT.birth_date,
                bsn=SUBJECT.bsn,
            ),
        ),
        address="Lindelaan 12",
        postcode="9999AB",
    )
    [found] = matches(token_client(actors["coordinator"]), signal)["cases"]
    assert found["reason"] == "bsn"
    assert found["reasons"] == ["bsn", "name_birth_date", "address"]


def test_closed_cases_and_strangers_are_not_matches(actors, open_case, token_client):
    Case.objects.filter(pk=open_case.pk).update(closed_at=timezone.now())
    closed = make_signal(actors["boa"], persons=(BY_BSN,))
    stranger = make_signal(actors["boa"], persons=(SOMEONE_ELSE,), address="Elders 2")
    client = token_client(actors["coordinator"])
    assert matches(client, closed)["cases"] == []
    assert matches(client, stranger)["cases"] == []


def test_earlier_signals_of_the_municipality_are_found(actors, buurwijk, token_client):
    earlier = make_signal(actors["boa"], persons=(BY_BSN,), address="Meidoornlaan 31")
    same_address = make_signal(actors["boa2"], persons=(SOMEONE_ELSE,), address="Meidoornlaan 31")
    make_signal(actors["boa"], persons=(SOMEONE_ELSE,), address="Elders 3")
    # The same person in another municipality's signal is not this municipality's business.
    make_signal(actors["wijkagent"], persons=(BY_BSN,), wijk=buurwijk, postcode="9998AA")
    signal = make_signal(actors["boa"], persons=(BY_BSN,), address="Meidoornlaan 31")

    found = {
        row["id"]: row for row in matches(token_client(actors["coordinator"]), signal)["signals"]
    }

    assert set(found) == {str(earlier.uuid), str(same_address.uuid)}
    assert found[str(earlier.uuid)]["reasons"] == ["bsn", "address"]
    assert found[str(same_address.uuid)]["reasons"] == ["address"]
    assert found[str(earlier.uuid)]["reference"] == earlier.reference


ENCRYPTED_COLUMNS = re.compile(
    r'\."(bsn|surname|given_names|birth_date|address|description|postcode|triage_reason)"'
)


def test_matching_compares_blind_indexes_only_and_decrypts_nothing(actors, open_case, monkeypatch):
    signal = make_signal(
        actors["boa"],
        persons=(
            PersonInput(
                role="subject",
                name="Johan Brinkers",
                birth_date=SUBJECT.birth_date,
                bsn=SUBJECT.bsn,
            ),
        ),
        address="Lindelaan 12",
        postcode="9999AB",
    )
    make_signal(actors["boa2"], persons=(BY_BSN,))
    calls = []
    real = permissions.crypto.decrypt_value

    def counting(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(permissions.crypto, "decrypt_value", counting)

    with CaptureQueriesContext(connection) as ctx:
        found = signal_matches(user=actors["coordinator"], signal=signal)

    assert calls == []
    assert [m.case for m in found.cases] == [open_case]
    assert len(found.signals) == 1
    sql = [q["sql"] for q in ctx.captured_queries]
    assert not [q for q in sql if ENCRYPTED_COLUMNS.search(q)], sql
    assert any('"bsn_index" IN' in q for q in sql)
    assert any('"name_birth_date_index" IN' in q for q in sql)
    assert any('"address_index" IN' in q for q in sql)


def test_the_whole_matches_request_decrypts_nothing(actors, open_case, token_client, monkeypatch):
    signal = make_signal(
        actors["boa"], persons=(BY_BSN,), address="Lindelaan 12", postcode="9999AB"
    )
    client = token_client(actors["coordinator"])
    calls = []
    real = permissions.crypto.decrypt_value

    def counting(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(permissions.crypto, "decrypt_value", counting)
    assert len(matches(client, signal)["cases"]) == 1
    assert calls == []


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("coordinator", 200),
        ("teamlead", 200),
        ("boa", 404),  # the reporter: status only, never matches
        ("boa2", 404),
        ("wijkagent", 404),
        ("corporatie", 404),
        ("ggz", 404),
        ("privacy", 404),
        ("beheer", 404),
        ("buurcoordinator", 404),
    ],
)
def test_only_coordinators_see_matches(actors, open_case, token_client, username, status):
    signal = make_signal(actors["boa"], persons=(BY_BSN,))
    response = token_client(actors[username]).get(f"/api/v1/signals/{signal.uuid}/matches/")
    assert response.status_code == status
    if status == 404:
        assert open_case.reference not in response.content.decode()


def test_the_search_is_logged(actors, open_case, token_client):
    signal = make_signal(actors["boa"], persons=(BY_BSN,))
    matches(token_client(actors["coordinator"]), signal)
    [entry] = AccessLog.objects.filter(action="search", object_type="signal")
    assert entry.object_id == str(signal.uuid)
    assert entry.actor == actors["coordinator"]
    assert entry.person_uuid == signal.signal_persons.get().person.uuid
    assert entry.detail["cases"] == 1


def test_a_case_in_another_municipality_is_only_hinted_at(actors, orgs, token_client):
    theirs = make_case(owner=orgs["buurgemeente"], coordinator=actors["buurcoordinator"])
    signal = make_signal(
        actors["boa"],
        persons=(
            PersonInput(
                role="subject",
                name="Johan Brinkers",
                birth_date=SUBJECT.birth_date,
                bsn=SUBJECT.bsn,
            ),
        ),
        address="Lindelaan 12",
        postcode="9999AB",
    )

    response = token_client(actors["coordinator"]).get(f"/api/v1/signals/{signal.uuid}/matches/")

    data = response.json()
    assert data["cases"] == []
    assert data["elsewhere"] == [
        {"reason": "bsn", "known_elsewhere": "bekend in een andere gemeente"},
        {"reason": "name_birth_date", "known_elsewhere": "bekend in een andere gemeente"},
        {"reason": "address", "known_elsewhere": "bekend in een andere gemeente"},
    ]
    body = response.content.decode()
    assert theirs.reference not in body and str(theirs.uuid) not in body


def test_a_case_escalated_to_the_zvh_is_hinted_as_such(actors, orgs, token_client):
    theirs = make_case(owner=orgs["buurgemeente"], coordinator=actors["buurcoordinator"])
    case_escalate_to_zvh(case=theirs, approved_by=actors["buurcoordinator"])
    signal = make_signal(actors["boa"], persons=(BY_BSN,), address="Elders 1")

    data = matches(token_client(actors["coordinator"]), signal)

    # Found by BSN, the signal's person is the case's person, whose name + birth date match too.
    assert data["elsewhere"] == [
        {"reason": "bsn", "known_elsewhere": "bekend bij de ZVH"},
        {"reason": "name_birth_date", "known_elsewhere": "bekend bij de ZVH"},
    ]


def test_cases_at_the_highest_confidentiality_are_never_hinted_at(actors, orgs, token_client):
    colleague = actors["colleague"]
    make_case(
        owner=orgs["gemeente"],
        coordinator=colleague,
        case_type=CaseType.RIEC,
        confidentiality=Confidentiality.HIGHEST,
    )
    make_case(
        owner=orgs["buurgemeente"],
        coordinator=actors["buurcoordinator"],
        case_type=CaseType.RIEC,
        confidentiality=Confidentiality.HIGHEST,
    )
    signal = make_signal(
        actors["boa"], persons=(BY_BSN,), address="Lindelaan 12", postcode="9999AB"
    )

    data = matches(token_client(actors["coordinator"]), signal)

    assert data == {"cases": [], "signals": [], "elsewhere": []}
    # The colleague who is named on the RIEC case does find it.
    assert len(matches(token_client(colleague), signal)["cases"]) == 1

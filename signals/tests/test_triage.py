"""Triage: a new case, a link, forward or dismiss; once, by the municipality's coordinators."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from casework.models import Case, CaseHistory, CasePerson, CaseType, Note
from casework.services import case_signal_linked
from casework.tests.factories import make_case
from permissions.models import AccessLog
from signals.models import Signal, SignalStatus
from signals.services import PersonInput, SignalConflict, signal_triage

from .factories import DESCRIPTION, SUBJECT_BSN, make_signal

pytestmark = pytest.mark.django_db

WITH_WITNESS = (
    PersonInput(role="subject", name="Ria van der Steeg", bsn=SUBJECT_BSN),
    PersonInput(role="reporter", name="Greet Oldenhof"),
    PersonInput(role="witness", name="Kees Hoekstra"),
)


def triage(client, signal, **body):
    return client.post(f"/api/v1/signals/{signal.uuid}/triage/", body, format="json")


def test_a_new_case_takes_the_persons_the_description_and_counts_the_signal(
    actors, orgs, wijk, token_client
):
    signal = make_signal(actors["boa"], persons=WITH_WITNESS, wijk=wijk)

    response = triage(
        token_client(actors["coordinator"]), signal, decision="new_case", case_type="woonoverlast"
    )

    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["status"] == "triaged"
    case = Case.objects.get(uuid=data["case"])
    assert case.case_type == CaseType.WOONOVERLAST
    assert case.owner == orgs["gemeente"]
    assert case.municipality == signal.municipality
    assert case.wijk == wijk
    assert case.signal_count == 1
    roles = {(cp.role, cp.person.surname) for cp in CasePerson.objects.filter(case=case)}
    assert roles == {
        ("subject", "van der Steeg"),
        ("reporter", "Oldenhof"),
        ("witness", "Hoekstra"),
    }
    [note] = Note.objects.filter(case=case, field_group="nuisance")
    assert DESCRIPTION in note.body
    assert signal.reference in note.body
    assert CaseHistory.objects.filter(case=case, name="signal_linked").exists()
    stored = Signal.objects.get(pk=signal.pk)
    assert stored.case == case
    assert stored.decision == "new_case"
    assert stored.decided_by == actors["coordinator"]
    assert stored.personal_data_until is None  # the case's retention governs now
    assert AccessLog.objects.filter(
        object_type="signal", object_id=str(signal.uuid), detail__change="triaged"
    ).exists()


def test_a_new_case_defaults_to_the_categorys_case_type(actors, token_client):
    signal = make_signal(actors["boa"], category="JO-HANGEN")
    response = triage(token_client(actors["coordinator"]), signal, decision="new_case")
    assert Case.objects.get(uuid=response.json()["case"]).case_type == CaseType.JEUGDOVERLAST


def test_an_unknown_case_type_is_400(actors, token_client):
    signal = make_signal(actors["boa"])
    response = triage(
        token_client(actors["coordinator"]), signal, decision="new_case", case_type="x"
    )
    assert response.status_code == 400
    assert "case_type" in response.json()["errors"]
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.NEW


def test_a_team_lead_opens_the_case_without_writing_in_a_group_they_cannot_read(
    actors, token_client
):
    signal = make_signal(actors["boa"])
    response = triage(token_client(actors["teamlead"]), signal, decision="new_case")
    assert response.status_code == 200, response.json()
    case = Case.objects.get(uuid=response.json()["case"])
    assert case.signal_count == 1
    assert not Note.objects.filter(case=case).exists()


def test_link_adds_to_an_open_case_and_counts_the_signal(actors, orgs, token_client):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"])
    first = make_signal(actors["boa"], persons=WITH_WITNESS)
    second = make_signal(actors["boa2"])
    client = token_client(actors["coordinator"])

    assert triage(client, first, decision="link", case=str(case.uuid)).status_code == 200
    response = triage(client, second, decision="link", case=str(case.uuid))

    assert response.status_code == 200, response.json()
    assert response.json()["case"] == str(case.uuid)
    case.refresh_from_db()
    assert case.signal_count == 2
    assert CasePerson.objects.filter(case=case, role="witness").exists()
    assert Note.objects.filter(case=case, field_group="nuisance").count() == 3


@pytest.mark.parametrize("which", ["absent", "garbage", "other_municipality", "missing"])
def test_link_to_a_case_the_coordinator_cannot_see_is_unknown(actors, orgs, token_client, which):
    theirs = make_case(owner=orgs["buurgemeente"], coordinator=actors["buurcoordinator"])
    case_id = {
        "absent": "00000000-0000-0000-0000-000000000000",
        "garbage": "C-2026-000001",
        "other_municipality": str(theirs.uuid),
        "missing": None,
    }[which]
    signal = make_signal(actors["boa"])
    body = {"decision": "link", **({"case": case_id} if case_id else {})}

    response = triage(token_client(actors["coordinator"]), signal, **body)

    assert response.status_code == 400
    assert response.json()["errors"] == {"case": ["Onbekende casus."]}
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.NEW
    theirs.refresh_from_db()
    assert theirs.signal_count == 0


def test_link_to_a_closed_case_is_refused(actors, orgs, token_client):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"])
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now())
    signal = make_signal(actors["boa"])
    response = triage(
        token_client(actors["coordinator"]), signal, decision="link", case=str(case.uuid)
    )
    assert response.status_code == 400
    assert "case" in response.json()["errors"]


def test_forward_needs_a_recipient_and_a_reason(actors, token_client):
    signal = make_signal(actors["boa"])
    client = token_client(actors["coordinator"])

    missing = triage(client, signal, decision="forward")
    assert missing.status_code == 400
    assert set(missing.json()["errors"]) == {"to", "reason"}

    done = triage(client, signal, decision="forward", to="Woonstichting Testwaard", reason="Huur")
    assert done.status_code == 200, done.json()
    data = done.json()
    assert data["status"] == "forwarded"
    assert data["case"] is None
    assert data["triage"]["to"] == "Woonstichting Testwaard"
    assert data["triage"]["reason"] == "Huur"
    stored = Signal.objects.get(pk=signal.pk)
    assert stored.personal_data_until is not None  # never a case: 12 months at most


def test_dismiss_needs_a_reason(actors, token_client):
    signal = make_signal(actors["boa"])
    client = token_client(actors["coordinator"])
    assert triage(client, signal, decision="dismiss", reason="  ").status_code == 400
    response = triage(client, signal, decision="dismiss", reason="Geen overlast vastgesteld.")
    assert response.status_code == 200
    assert response.json()["status"] == "dismissed"
    assert response.json()["case"] is None


def test_an_unknown_decision_is_400(actors, token_client):
    signal = make_signal(actors["boa"])
    response = triage(token_client(actors["coordinator"]), signal, decision="archive")
    assert response.status_code == 400
    assert "decision" in response.json()["errors"]


def test_a_signal_is_triaged_once(actors, token_client):
    signal = make_signal(actors["boa"])
    client = token_client(actors["coordinator"])
    assert triage(client, signal, decision="dismiss", reason="Dubbel.").status_code == 200

    again = triage(client, signal, decision="new_case")

    assert again.status_code == 409
    assert Case.objects.count() == 0
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.DISMISSED


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_triaging_at_once_make_one_case(actors, token_client):
    signal = make_signal(actors["boa"])
    clients = [token_client(actors["coordinator"]), token_client(actors["teamlead"])]
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def send(client):
        try:
            barrier.wait(timeout=10)
            codes.append(triage(client, signal, decision="new_case").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(codes) == [200, 409]
    assert Case.objects.count() == 1
    assert Case.objects.get().signal_count == 1


def test_the_service_refuses_a_second_triage_too(actors):
    signal = make_signal(actors["boa"])
    signal_triage(signal=signal, actor=actors["coordinator"], decision="dismiss", reason="x")
    with pytest.raises(SignalConflict):
        signal_triage(signal=signal, actor=actors["coordinator"], decision="dismiss", reason="y")


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("boa", 403),  # the reporter sees the signal, but does not triage it
        ("boa2", 404),
        ("wijkagent", 404),
        ("corporatie", 404),
        ("privacy", 404),
        ("beheer", 404),
        ("buurcoordinator", 404),
    ],
)
def test_only_the_municipalitys_coordinators_triage(actors, token_client, username, status):
    signal = make_signal(actors["boa"])
    response = triage(token_client(actors[username]), signal, decision="dismiss", reason="x")
    assert response.status_code == status
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.NEW


def test_case_signal_linked_counts_in_the_database(actors, orgs):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"], with_content=False)
    stale = Case.objects.get(pk=case.pk)
    case_signal_linked(case=case, actor=actors["coordinator"])
    case_signal_linked(case=stale, actor=actors["coordinator"])  # a stale copy still counts
    case.refresh_from_db()
    assert case.signal_count == 2
    assert stale.signal_count == 2
    assert CaseHistory.objects.filter(case=case, name="signal_linked").count() == 2


def test_a_new_multiproblem_case_records_the_reporter_as_referrer(actors, wijk, token_client):
    from casework.models import Referral

    signal = make_signal(actors["wijkagent"], wijk=wijk)

    response = triage(
        token_client(actors["coordinator"]), signal, decision="new_case", case_type="multiproblem"
    )

    assert response.status_code == 200, response.content
    referral = Referral.objects.get(case__uuid=response.json()["case"])
    assert referral.referred_by == actors["wijkagent"]
    assert referral.reason is None  # the referrer completes it before the triage cut-off

"""Who sees what of a signal: a matrix over the actors, the reporter's status-only view, the
list, its filters and its query budget, and the access log."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework.models import Case
from permissions.models import AccessLog
from signals.models import Signal
from signals.services import signal_triage

from .factories import DESCRIPTION, SUBJECT_BSN, make_signal

pytestmark = pytest.mark.django_db

FULL, STATUS, HIDDEN = "full", "status", "hidden"


def view_of(response) -> str:
    if response.status_code == 404:
        return HIDDEN
    assert response.status_code == 200, response.content
    data = response.json()
    if "description" in data:
        return FULL
    assert set(data) == {"id", "reference", "status_label"}, data
    return STATUS


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("coordinator", FULL),
        ("teamlead", FULL),
        ("boa", STATUS),  # the reporter of this signal
        ("boa2", HIDDEN),  # a colleague boa who did not report it
        ("wijkagent", HIDDEN),
        ("corporatie", HIDDEN),
        ("ggz", HIDDEN),
        ("privacy", HIDDEN),
        ("beheer", HIDDEN),
        ("buurcoordinator", HIDDEN),
    ],
)
def test_each_role_sees_what_need_to_know_allows(actors, token_client, username, expected):
    signal = make_signal(actors["boa"])

    response = token_client(actors[username]).get(f"/api/v1/signals/{signal.uuid}/")

    assert view_of(response) == expected


@pytest.mark.parametrize("username", ["wijkagent", "corporatie"])
def test_a_partner_reporter_sees_the_status_of_their_own_signal(
    actors, buurwijk, token_client, username
):
    signal = make_signal(actors[username], wijk=buurwijk, postcode="9998AA")
    response = token_client(actors[username]).get(f"/api/v1/signals/{signal.uuid}/")
    assert view_of(response) == STATUS
    # Buurdorp's coordinator sees it in full; Testwaard's does not see it at all.
    buur = token_client(actors["buurcoordinator"]).get(f"/api/v1/signals/{signal.uuid}/")
    assert view_of(buur) == FULL
    ours = token_client(actors["coordinator"]).get(f"/api/v1/signals/{signal.uuid}/")
    assert view_of(ours) == HIDDEN


def test_absent_and_forbidden_look_the_same(actors, token_client):
    signal = make_signal(actors["boa"])
    client = token_client(actors["boa2"])
    forbidden = client.get(f"/api/v1/signals/{signal.uuid}/")
    absent = client.get("/api/v1/signals/00000000-0000-0000-0000-000000000000/")
    garbage = client.get("/api/v1/signals/niet-een-uuid/")
    assert forbidden.status_code == absent.status_code == garbage.status_code == 404
    assert forbidden.json() == absent.json() == garbage.json()
    assert AccessLog.objects.filter(object_type="signal", result="denied").count() == 3


def test_the_coordinator_sees_the_full_signal_and_the_read_is_logged_per_person(
    actors, orgs, wijk, token_client
):
    signal = make_signal(actors["boa"], wijk=wijk)

    data = token_client(actors["coordinator"]).get(f"/api/v1/signals/{signal.uuid}/").json()

    assert data["description"] == DESCRIPTION
    assert data["location"]["address"] == "Meidoornlaan 31"
    assert data["location"]["postcode"] == "9999XY"
    assert data["location"]["wijk"] == wijk
    assert data["category"] == "WO-GELUID"
    assert data["source"] == "boa"
    assert data["case"] is None
    assert data["reporter"]["organisation"] == orgs["gemeente"].name
    [person] = data["persons"]
    assert person["surname"] == "van der Steeg"
    assert person["bsn"] == SUBJECT_BSN
    reads = AccessLog.objects.filter(
        action="read_case", object_type="signal", object_id=str(signal.uuid), result="ok"
    )
    assert reads.count() == 2
    assert {str(r.person_uuid) for r in reads if r.person_uuid} == {person["id"]}


def test_the_reporter_never_sees_the_case_or_its_content(actors, token_client):
    signal = make_signal(actors["boa"])
    triaged = signal_triage(signal=signal, actor=actors["coordinator"], decision="new_case")
    case = triaged.case
    assert case is not None

    response = token_client(actors["boa"]).get(f"/api/v1/signals/{signal.uuid}/")

    assert response.json() == {
        "id": str(signal.uuid),
        "reference": signal.reference,
        "status_label": "in behandeling",
    }
    assert str(case.uuid) not in response.content.decode()
    assert case.reference not in response.content.decode()
    listed = token_client(actors["boa"]).get("/api/v1/signals/").json()["results"]
    assert listed == [response.json()]


def _status_label(client, signal) -> str:
    return client.get(f"/api/v1/signals/{signal.uuid}/").json()["status_label"]


def test_the_reporters_status_follows_the_signal_and_its_case(actors, token_client):
    client = token_client(actors["boa"])
    coordinator = actors["coordinator"]
    received = make_signal(actors["boa"])
    forwarded = make_signal(actors["boa"])
    dismissed = make_signal(actors["boa"])
    in_case = make_signal(actors["boa"])
    signal_triage(
        signal=forwarded,
        actor=coordinator,
        decision="forward",
        forward_to="Woonstichting",
        reason="Huurzaak, eerst de corporatie.",
    )
    signal_triage(signal=dismissed, actor=coordinator, decision="dismiss", reason="Dubbel.")
    case = signal_triage(signal=in_case, actor=coordinator, decision="new_case").case
    assert case is not None

    assert _status_label(client, received) == "ontvangen"
    assert _status_label(client, forwarded) == "in behandeling"
    assert _status_label(client, dismissed) == "afgesloten"
    assert _status_label(client, in_case) == "in behandeling"

    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now())
    assert _status_label(client, in_case) == "afgesloten"


def test_the_list_holds_the_municipalitys_signals_for_coordinators_and_own_ones_for_others(
    actors, buurwijk, token_client
):
    by_boa = make_signal(actors["boa"])
    by_boa2 = make_signal(actors["boa2"])
    elsewhere = make_signal(actors["wijkagent"], wijk=buurwijk, postcode="9998AA")

    def ids(username):
        rows = token_client(actors[username]).get("/api/v1/signals/").json()["results"]
        return {row["id"] for row in rows}

    assert ids("coordinator") == {str(by_boa.uuid), str(by_boa2.uuid)}
    assert ids("teamlead") == {str(by_boa.uuid), str(by_boa2.uuid)}
    assert ids("boa") == {str(by_boa.uuid)}
    assert ids("wijkagent") == {str(elsewhere.uuid)}
    assert ids("buurcoordinator") == {str(elsewhere.uuid)}
    assert ids("privacy") == ids("beheer") == ids("corporatie") == set()


def test_a_coordinators_list_rows_carry_no_decrypted_content(actors, token_client):
    make_signal(actors["boa"])
    [row] = token_client(actors["coordinator"]).get("/api/v1/signals/").json()["results"]
    assert row["status"] == "new"
    assert row["category"] == "WO-GELUID"
    assert "description" not in row
    assert "persons" not in row


def test_list_filters(actors, orgs, token_client):
    municipality = orgs["gemeente"].municipality
    wijk1 = f"WK{municipality.code[2:]}01"
    wijk2 = f"WK{municipality.code[2:]}02"
    noise = make_signal(actors["boa"], wijk=wijk1)
    youth = make_signal(actors["boa"], category="JO-HANGEN", wijk=wijk2)
    dismissed = make_signal(actors["boa"], wijk=wijk2)
    signal_triage(signal=dismissed, actor=actors["coordinator"], decision="dismiss", reason="x")
    Signal.objects.filter(pk=noise.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=10)
    )
    client = token_client(actors["coordinator"])

    def ids(query):
        response = client.get(f"/api/v1/signals/?{query}")
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids("status=new") == {str(noise.uuid), str(youth.uuid)}
    assert ids("status=dismissed") == {str(dismissed.uuid)}
    assert ids("category=JO-HANGEN") == {str(youth.uuid)}
    assert ids("category=jo-hangen") == {str(youth.uuid)}
    assert ids(f"wijk={wijk2}") == {str(youth.uuid), str(dismissed.uuid)}
    since = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    assert ids(f"since={since}") == {str(youth.uuid), str(dismissed.uuid)}
    assert client.get("/api/v1/signals/?since=vorige-week").status_code == 400


def test_the_list_pages_with_a_cursor(actors, token_client):
    for _ in range(5):
        make_signal(actors["boa"])
    client = token_client(actors["coordinator"])
    first = client.get("/api/v1/signals/?page_size=2").json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 2
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


@pytest.mark.parametrize("username", ["coordinator", "boa"])
def test_the_list_costs_the_same_number_of_queries_for_any_page_size(
    actors, token_client, username
):
    coordinator = actors["coordinator"]
    signals = [make_signal(actors["boa"]) for _ in range(12)]
    # Some in a case, some closed there: the status label must not cost a query per row.
    for signal in signals[:4]:
        signal_triage(signal=signal, actor=coordinator, decision="new_case")
    Case.objects.filter(pk=Signal.objects.get(pk=signals[0].pk).case_id).update(
        closed_at=timezone.now()
    )
    client = token_client(actors[username])
    client.get("/api/v1/signals/")  # the token records its first use once
    counts = []
    for page_size in (1, 5, 12):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/api/v1/signals/?page_size={page_size}")
        assert response.status_code == 200
        assert len(response.json()["results"]) == page_size
        counts.append(len(ctx.captured_queries))
    assert len(set(counts)) == 1, counts
    assert counts[0] <= 6

"""The demo region (seed_demo): the shared police team files for either municipality, and a
Lindewaard coordinator sees that Johan Brinkers is known at the ZVH from Veenhoven."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from permissions.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    call_command("seed_demo", stdout=StringIO())
    return {u.username: u for u in User.objects.select_related("organisation")}


def test_the_police_team_files_for_veenhoven_and_only_veenhoven_sees_it(users, token_client):
    data = {
        "category": "JO-HANGEN",
        "description": "Groep jongeren bij de bushalte, flessen kapotgegooid.",
        "observed_at": timezone.now().isoformat(),
        "location": {"address": "Stationsplein 1", "postcode": "9998 AB", "wijk": "WK999801"},
    }
    response = token_client(users["wijkagent"]).post("/api/v1/signals/", data, format="json")
    assert response.status_code == 201, response.json()
    url = f"/api/v1/signals/{response.json()['id']}/"

    assert token_client(users["veenhoven-coordinator"]).get(url).status_code == 200
    assert token_client(users["coordinator"]).get(url).status_code == 404
    assert token_client(users["wijkagent"]).get(url).json()["status_label"] == "ontvangen"


def test_known_here_and_at_the_zvh(users, token_client):
    data = {
        "category": "WO-GELUID",
        "description": "Weer harde muziek tot diep in de nacht.",
        "observed_at": timezone.now().isoformat(),
        "location": {"address": "Lindelaan 12", "postcode": "9999 AB", "wijk": "WK999901"},
        "persons": [{"role": "subject", "name": "Johan Brinkers", "bsn": "111222333"}],
    }
    filed = token_client(users["boa"]).post("/api/v1/signals/", data, format="json")
    assert filed.status_code == 201, filed.json()

    matches = (
        token_client(users["coordinator"])
        .get(f"/api/v1/signals/{filed.json()['id']}/matches/")
        .json()
    )

    [here] = matches["cases"]
    assert here["case_type"] == "woonoverlast"
    assert here["reasons"][0] == "bsn" and "address" in here["reasons"]
    assert {h["known_elsewhere"] for h in matches["elsewhere"]} == {"bekend bij de ZVH"}

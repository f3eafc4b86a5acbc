"""The workspace on the start page: each person's work for today, within need-to-know, in a
bounded number of queries with the demo data."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from casework.models import Case, Meeting, PlanAction
from permissions.models import User
from signals.services import LocationInput, SignalInput, signal_file

pytestmark = pytest.mark.django_db


def demo_client(username: str) -> Client:
    client = Client()
    signed = client.post("/aanmelden/", {"username": username, "password": "demo-demo-demo"})
    assert signed.status_code == 302
    return client


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())
    boa = User.objects.get(username="boa")
    for number in range(3):
        signal_file(
            reporter=boa,
            data=SignalInput(
                category="WO-GELUID",
                description="Harde muziek in de nacht.",
                observed_at=timezone.now(),
                location=LocationInput(address=f"Lindelaan {number + 20}", postcode="9999AB"),
            ),
        )


def test_the_coordinators_morning_in_under_30_queries(demo, django_assert_max_num_queries):
    client = demo_client("coordinator")
    with django_assert_max_num_queries(30):
        page = client.get("/")
    space = page.context["space"]
    assert space.signals_waiting == 3
    assert space.cases, "the demo coordinator runs cases"
    lindewaard = {c.reference for c in Case.objects.filter(municipality__code="GM9999")}
    assert {row.case.reference for row in space.cases} <= lindewaard
    html = page.content.decode()
    assert "3 signalen wachten op triage" in html
    assert "Naar de triage-inbox" in html


def test_a_partner_sees_its_own_actions_and_meetings_and_no_triage(demo):
    # Bring the demo actions within the week: GGZ's shows, the others' do not.
    PlanAction.objects.update(due_date=timezone.localdate() + datetime.timedelta(days=2))
    page = demo_client("ggz").get("/")
    space = page.context["space"]
    assert space.signals == [] and space.signals_waiting == 0
    assert space.actions, "the demo meeting gave GGZ an action"
    assert PlanAction.objects.exclude(owner_organisation__name="GGZ Lindewaard").exists()
    assert all(a.owner_organisation.name == "GGZ Lindewaard" for a in space.actions)
    visible = set(
        Meeting.objects.filter(
            items__case__participations__organisation__name="GGZ Lindewaard"
        ).values_list("pk", flat=True)
    )
    assert {m.pk for m in space.meetings} <= visible


def test_the_other_municipalitys_coordinator_sees_nothing_of_lindewaard(demo):
    page = demo_client("veenhoven-coordinator").get("/")
    space = page.context["space"]
    assert space.signals == []
    assert all(
        row.case.municipality_id
        != Case.objects.filter(municipality__code="GM9999").first().municipality_id
        for row in space.cases
    )
    assert space.meetings == []


def test_a_boa_gets_the_signal_links(demo):
    html = demo_client("boa").get("/").content.decode()
    assert "/signalen/nieuw/" in html and "/signalen/mijn/" in html
    assert "/signalen/triage/" not in html

"""The meeting pages enforce the same rules as the API: same selectors, same answers."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from casework.models import CaseType, Meeting, MeetingType, PlanAction
from casework.services import meeting_plan, minutes_record, plan_action_add

from .factories import invite, make_case
from .test_case_pages import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(orgs, actors):
    coordinator = actors["coordinator"]
    woon = make_case(owner=orgs["gemeente"], coordinator=coordinator, with_content=False)
    jeugd = make_case(
        owner=orgs["gemeente"],
        coordinator=coordinator,
        case_type=CaseType.JEUGDOVERLAST,
        with_content=False,
    )
    invite(woon, orgs["ggz"], coordinator)
    invite(jeugd, orgs["politie"], coordinator)
    meeting = meeting_plan(
        actor=coordinator,
        meeting_type=MeetingType.objects.get(
            municipality=orgs["gemeente"].municipality, code="zvt"
        ),
        starts_at=timezone.now() + datetime.timedelta(days=3),
        location="Stadhuis",
        cases=[woon, jeugd],
    )
    woon_item, jeugd_item = meeting.items.order_by("order")
    minutes_record(item=woon_item, actor=coordinator, decision="Huisbezoek GGZ")
    minutes_record(item=jeugd_item, actor=coordinator, decision="Extra surveillance")
    due = timezone.localdate() + datetime.timedelta(days=10)
    plan_action_add(
        case=woon,
        actor=coordinator,
        title="Huisbezoek",
        owner_organisation=orgs["ggz"],
        due_date=due,
        agenda_item=woon_item,
    )
    plan_action_add(
        case=jeugd,
        actor=coordinator,
        title="Surveillance",
        owner_organisation=orgs["politie"],
        due_date=due,
        agenda_item=jeugd_item,
    )
    return {"meeting": meeting, "woon": woon, "jeugd": jeugd}


@pytest.mark.parametrize(
    ("actor", "shown", "hidden"),
    [
        ("coordinator", {"Huisbezoek GGZ", "Extra surveillance"}, set()),
        ("teamlead", {"Huisbezoek GGZ", "Extra surveillance"}, set()),
        ("ggz", {"Huisbezoek GGZ", "Huisbezoek"}, {"Extra surveillance", "Surveillance"}),
        ("wijkagent", {"Extra surveillance", "Surveillance"}, {"Huisbezoek"}),
    ],
)
@pytest.mark.parametrize("page", ["", "afdruk/"])
def test_meeting_and_print_pages_show_only_the_viewers_items(
    actors, planned, actor, shown, hidden, page
):
    response = signed_in(actors[actor]).get(f"/overleggen/{planned['meeting'].uuid}/{page}")
    assert response.status_code == 200
    html = response.content.decode()
    for text in shown:
        assert text in html
    for text in hidden:
        assert text not in html


@pytest.mark.parametrize("actor", ["boa", "privacy", "beheer", "jongerenwerk", "buurcoordinator"])
@pytest.mark.parametrize("page", ["", "afdruk/"])
def test_meeting_pages_answer_404_to_outsiders(actors, planned, actor, page):
    response = signed_in(actors[actor]).get(f"/overleggen/{planned['meeting'].uuid}/{page}")
    assert response.status_code == 404


def test_coordinator_prints_the_agenda_for_one_organisation(orgs, actors, planned):
    client = signed_in(actors["coordinator"])
    url = f"/overleggen/{planned['meeting'].uuid}/afdruk/?organisatie={orgs['politie'].uuid}"
    html = client.get(url).content.decode()
    assert "Agenda voor Politie Testwaard" in html
    assert planned["jeugd"].reference in html
    assert planned["woon"].reference not in html


def test_meeting_list_is_in_dutch_and_lets_coordinators_plan(actors, planned):
    html = signed_in(actors["coordinator"]).get("/overleggen/").content.decode()
    assert "Overleggen" in html
    assert "Overleg plannen" in html
    html = signed_in(actors["ggz"]).get("/overleggen/").content.decode()
    assert "Zorg- en Veiligheidstafel" in html
    assert "Overleg plannen" not in html


def test_coordinator_plans_a_meeting_from_the_page(orgs, actors):
    client = signed_in(actors["coordinator"])
    starts = (timezone.localtime() + datetime.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        "/overleggen/", {"meeting_type": "triage", "starts_at": starts, "location": "Kamer 1"}
    )
    meeting = Meeting.objects.get(meeting_type__code="triage")
    assert response.status_code == 302
    assert response["Location"] == f"/overleggen/{meeting.uuid}/"


def test_partner_closes_its_action_on_my_actions(actors, planned):
    client = signed_in(actors["ggz"])
    html = client.get("/acties/").content.decode()
    assert "Mijn acties" in html and "Huisbezoek" in html and "Surveillance" not in html
    action = PlanAction.objects.get(title="Huisbezoek")
    response = client.post(
        f"/acties/{action.uuid}/afsluiten/",
        {"status": "done", "done_note": "Geweest", "next": "https://elders.example/"},
    )
    assert response["Location"] == "/acties/"
    action.refresh_from_db()
    assert action.status == "done" and action.done_note == "Geweest"
    other = PlanAction.objects.get(title="Surveillance")
    response = client.post(f"/acties/{other.uuid}/afsluiten/", {"status": "done", "done_note": "x"})
    assert response.status_code == 404


def test_partner_cannot_record_minutes_from_the_page(actors, planned):
    item = planned["meeting"].items.get(case=planned["woon"])
    response = signed_in(actors["ggz"]).post(
        f"/overleggen/{planned['meeting'].uuid}/punten/{item.uuid}/verslag/",
        {f"{item.uuid}-decision": "Anders"},
    )
    assert response.status_code == 403

"""Meetings: who sees which meeting, which items and which actions; the flow from planning
to minutes to actions; query budgets."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from casework.models import CaseHistory, CaseType, MeetingType, PlanAction
from casework.services import DEFAULT_MEETING_TYPES, participation_end
from permissions.constants import RoleSlug
from permissions.models import AccessLog
from permissions.tests.factories import UserFactory

from .factories import invite, make_case

pytestmark = pytest.mark.django_db

ABSENT = "00000000-0000-0000-0000-000000000000"
MANAGERS = {"coordinator", "colleague", "teamlead"}
# actor -> which of the two items (woonoverlast, jeugdoverlast) they see; empty: 404
ITEMS: dict[str, set[str]] = {
    "coordinator": {"woon", "jeugd"},
    "colleague": {"woon", "jeugd"},
    "teamlead": {"woon", "jeugd"},
    "ggz": {"woon"},
    "corporatie": {"woon"},
    "wijkagent": {"jeugd"},
    "jongerenwerk": {"jeugd"},
    "boa": set(),
    "privacy": set(),
    "beheer": set(),
    "buurcoordinator": set(),
    "zvh": set(),
}
# the organisation each partner's actions belong to
OWN_ORG = {"ggz": "ggz", "corporatie": "corporatie", "wijkagent": "politie"}


def next_week() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=7)


@pytest.fixture
def table(orgs, actors):
    """Two cases with different partners, and a ZVH user who takes part in neither."""
    actors["zvh"] = UserFactory(
        username="zvh", organisation=orgs["zvh"], role=RoleSlug.ZVH_PROCESREGISSEUR
    )
    coordinator = actors["coordinator"]
    woon = make_case(owner=orgs["gemeente"], coordinator=coordinator)
    jeugd = make_case(
        owner=orgs["gemeente"], coordinator=coordinator, case_type=CaseType.JEUGDOVERLAST
    )
    for name in ("ggz", "corporatie"):
        invite(woon, orgs[name], coordinator)
    for name in ("politie", "jongerenwerk"):
        invite(jeugd, orgs[name], coordinator)
    return {"woon": woon, "jeugd": jeugd}


def plan(client, table, **extra):
    body = {
        "meeting_type": "zvt",
        "starts_at": next_week().isoformat(),
        "location": "Stadhuis, kamer 2",
        "items": [{"case": str(table["woon"].uuid)}, {"case": str(table["jeugd"].uuid)}],
        **extra,
    }
    return client.post("/api/v1/meetings/", body, format="json")


@pytest.fixture
def meeting(table, actors, token_client):
    response = plan(token_client(actors["coordinator"]), table)
    assert response.status_code == 201, response.content
    return response.json()


def item_kinds(body, table) -> set[str]:
    by_case = {str(c.uuid): name for name, c in table.items()}
    return {by_case[i["case"]["id"]] for i in body["items"]}


def test_every_municipality_starts_with_the_default_meeting_types(orgs):
    municipality = orgs["gemeente"].municipality
    types = MeetingType.objects.filter(municipality=municipality)
    codes = set(types.values_list("code", flat=True))
    assert codes == {"zvt", "zvt-jeugd", "triage", "woonoverlast"}
    from importlib import import_module

    seeded = import_module("casework.migrations.0007_meeting_types").DEFAULTS
    assert [(d.code, d.name, d.review_weeks) for d in DEFAULT_MEETING_TYPES] == seeded


@pytest.mark.parametrize("actor", sorted(ITEMS))
def test_meeting_detail_shows_each_actor_only_their_items(
    actors, table, meeting, token_client, actor
):
    response = token_client(actors[actor]).get(f"/api/v1/meetings/{meeting['id']}/")
    if not ITEMS[actor]:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    body = response.json()
    assert item_kinds(body, table) == ITEMS[actor]
    assert body["manages"] == (actor in MANAGERS)


@pytest.mark.parametrize("actor", sorted(ITEMS))
def test_meeting_list_shows_each_actor_only_their_items(
    actors, table, meeting, token_client, actor
):
    rows = token_client(actors[actor]).get("/api/v1/meetings/").json()["results"]
    if not ITEMS[actor]:
        assert rows == []
        return
    assert [r["id"] for r in rows] == [meeting["id"]]
    assert item_kinds(rows[0], table) == ITEMS[actor]


def test_absent_and_forbidden_meetings_answer_alike(actors, meeting, token_client):
    client = token_client(actors["buurcoordinator"])
    forbidden = client.get(f"/api/v1/meetings/{meeting['id']}/")
    absent = client.get(f"/api/v1/meetings/{ABSENT}/")
    assert forbidden.status_code == absent.status_code == 404
    assert forbidden.json() == absent.json()
    assert client.get("/api/v1/meetings/not-a-uuid/").status_code == 404


def test_only_the_municipalitys_coordinators_plan_meetings(actors, table, token_client):
    for actor in ("ggz", "boa", "wijkagent"):
        response = plan(token_client(actors[actor]), table)
        assert response.status_code == 403
    # The neighbouring coordinator cannot see these cases: they are unknown to them.
    response = plan(token_client(actors["buurcoordinator"]), table)
    assert response.status_code == 400
    assert "Onbekende casus" in response.json()["errors"]["items"][0]


def test_planning_validates_in_dutch(actors, table, token_client):
    client = token_client(actors["coordinator"])
    response = client.post("/api/v1/meetings/", {}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["meeting_type"] == ["Kies een soort overleg."]
    assert errors["starts_at"] == ["Geef datum en tijd van het overleg."]
    response = plan(client, table, meeting_type="koffie")
    assert response.json()["errors"]["meeting_type"] == ["Onbekende soort overleg: koffie."]
    past = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    response = plan(client, table, starts_at=past)
    assert response.status_code == 400
    assert response.json()["errors"]["starts_at"] == ["Een overleg plan je niet in het verleden."]


def test_partners_cannot_minute_and_outsiders_do_not_find_the_item(actors, meeting, token_client):
    item = meeting["items"][0]
    url = f"/api/v1/meetings/{meeting['id']}/items/{item['id']}/minutes/"
    body = {"decision": "Huisbezoek"}
    assert token_client(actors["ggz"]).put(url, body, format="json").status_code == 403
    assert token_client(actors["buurcoordinator"]).put(url, body, format="json").status_code == 404
    # An item of this meeting the partner is not invited to is not found either.
    jeugd_item = meeting["items"][1]
    other = f"/api/v1/meetings/{meeting['id']}/items/{jeugd_item['id']}/minutes/"
    assert token_client(actors["ggz"]).put(other, body, format="json").status_code == 404


def test_plan_a_meeting_minute_it_and_turn_decisions_into_actions(
    orgs, actors, table, meeting, token_client
):
    coordinator = token_client(actors["coordinator"])
    woon_item, jeugd_item = meeting["items"]
    assert {o["name"] for o in woon_item["invited"]} == {"GGZ Testwaard", "Woonstichting Testwaard"}
    # when the table records the minutes of both items
    for item, text in ((woon_item, "Huisbezoek door GGZ"), (jeugd_item, "Extra surveillance")):
        response = coordinator.put(
            f"/api/v1/meetings/{meeting['id']}/items/{item['id']}/minutes/",
            {"picture": "Beeld", "judgement": "Oordeel", "decision": text},
            format="json",
        )
        assert response.status_code == 200, response.content
    review = response.json()["next_review_on"]
    assert review == (timezone.localdate(next_week()) + datetime.timedelta(weeks=6)).isoformat()
    # and turns the decisions into actions for the partners
    due = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    for case, item, org, title in (
        (table["woon"], woon_item, orgs["ggz"], "Huisbezoek"),
        (table["woon"], woon_item, orgs["corporatie"], "Gesprek over huurachterstand"),
        (table["jeugd"], jeugd_item, orgs["politie"], "Surveillance vrijdagavond"),
    ):
        response = coordinator.post(
            f"/api/v1/cases/{case.uuid}/actions/",
            {
                "title": title,
                "owner_organisation": str(org.uuid),
                "due_date": due,
                "agenda_item": item["id"],
            },
            format="json",
        )
        assert response.status_code == 201, response.content
    # then each partner sees only its own item, minutes and actions
    ggz = token_client(actors["ggz"]).get(f"/api/v1/meetings/{meeting['id']}/").json()
    assert [i["id"] for i in ggz["items"]] == [woon_item["id"]]
    assert ggz["items"][0]["minutes"]["decision"] == "Huisbezoek door GGZ"
    assert [a["title"] for a in ggz["items"][0]["actions"]] == ["Huisbezoek"]
    police = token_client(actors["wijkagent"]).get(f"/api/v1/meetings/{meeting['id']}/").json()
    assert [a["title"] for a in police["items"][0]["actions"]] == ["Surveillance vrijdagavond"]
    full = coordinator.get(f"/api/v1/meetings/{meeting['id']}/").json()
    assert sum(len(i["actions"]) for i in full["items"]) == 3
    # and the GGZ closes its action with a note
    mine = token_client(actors["ggz"]).get("/api/v1/my-actions/").json()["results"]
    assert [a["title"] for a in mine] == ["Huisbezoek"]
    response = token_client(actors["ggz"]).patch(
        f"/api/v1/actions/{mine[0]['id']}/",
        {"status": "done", "done_note": "Huisbezoek afgelegd op dinsdag"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done"
    assert token_client(actors["ggz"]).get("/api/v1/my-actions/").json()["results"] == []
    # the case's history tells the story
    names = list(CaseHistory.objects.filter(case=table["woon"]).values_list("name", flat=True))
    for name in ("planned_on_meeting", "minutes_recorded", "plan_action_added", "plan_action_done"):
        assert name in names
    # and every read of the minutes is in the access log
    reads = AccessLog.objects.filter(
        object_id=str(table["woon"].uuid), detail__read="minutes", actor=actors["ggz"]
    )
    assert reads.count() == 1


def test_a_partner_cannot_close_another_organisations_action(orgs, actors, table, token_client):
    action = PlanAction.objects.create(
        case=table["woon"], title="Gesprek", owner_organisation=orgs["corporatie"]
    )
    client = token_client(actors["ggz"])
    url = f"/api/v1/actions/{action.uuid}/"
    assert client.patch(url, {"status": "done", "done_note": "x"}, format="json").status_code == 404
    corporatie = token_client(actors["corporatie"])
    response = corporatie.patch(url, {"status": "done"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["done_note"] == ["Beschrijf wat er gedaan is."]
    response = corporatie.patch(url, {"due_date": "2030-01-01"}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("actor", sorted(ITEMS))
def test_case_actions_show_each_actor_their_own_organisations(
    orgs, actors, table, token_client, actor
):
    for name in ("ggz", "corporatie"):
        PlanAction.objects.create(case=table["woon"], title=name, owner_organisation=orgs[name])
    response = token_client(actors[actor]).get(f"/api/v1/cases/{table['woon'].uuid}/actions/")
    if "woon" not in ITEMS[actor]:
        assert response.status_code == 404
        return
    titles = {a["title"] for a in response.json()["results"]}
    expected = {"ggz", "corporatie"} if actor in MANAGERS else {OWN_ORG.get(actor, actor)}
    assert titles == expected


def test_partner_that_leaves_the_case_no_longer_sees_its_item(actors, table, meeting, token_client):
    participation = table["woon"].participations.get(organisation__name="GGZ Testwaard")
    participation_end(participation=participation, ended_by=actors["coordinator"])
    response = token_client(actors["ggz"]).get(f"/api/v1/meetings/{meeting['id']}/")
    assert response.status_code == 404


def test_meeting_list_and_detail_stay_within_a_query_budget(
    orgs, actors, table, token_client, django_assert_max_num_queries
):
    coordinator = actors["coordinator"]
    cases = [make_case(owner=orgs["gemeente"], coordinator=coordinator, with_content=False)]
    cases += [make_case(owner=orgs["gemeente"], coordinator=coordinator, with_content=False)]
    for case in cases:
        invite(case, orgs["ggz"], coordinator)
    client = token_client(coordinator)
    for _ in range(3):
        plan(client, {"woon": cases[0], "jeugd": cases[1]})
    ggz = token_client(actors["ggz"])
    for who in (client, ggz):
        with django_assert_max_num_queries(14):
            rows = who.get("/api/v1/meetings/").json()["results"]
        assert len(rows) == 3
        with django_assert_max_num_queries(24):
            assert who.get(f"/api/v1/meetings/{rows[0]['id']}/").status_code == 200
        with django_assert_max_num_queries(12):
            who.get("/api/v1/my-actions/")


# Found by the API fuzzer (tests/test_api_fuzz.py): dates the working-day calendar cannot
# count from (year 44, year 9999) were a 500 when reminders were scheduled from them.


@pytest.mark.parametrize("due", ["0044-11-12", "9999-12-31"])
def test_a_deadline_the_calendar_cannot_count_from_is_a_400(orgs, actors, table, token_client, due):
    coordinator = token_client(actors["coordinator"])
    url = f"/api/v1/cases/{table['woon'].uuid}/actions/"
    body = {"title": "Huisbezoek", "owner_organisation": str(orgs["ggz"].uuid), "due_date": due}
    response = coordinator.post(url, body, format="json")
    assert response.status_code == 400, response.content
    assert "due_date" in response.json()["errors"]
    in_two_weeks = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    added = coordinator.post(url, {**body, "due_date": in_two_weeks}, format="json")
    assert added.status_code == 201, added.content
    response = coordinator.patch(
        f"/api/v1/actions/{added.json()['id']}/", {"due_date": due}, format="json"
    )
    assert response.status_code == 400, response.content
    assert "due_date" in response.json()["errors"]
    kept = PlanAction.objects.get(uuid=added.json()["id"]).due_date
    assert kept is not None and kept.isoformat() == in_two_weeks


def test_a_meeting_or_review_the_calendar_cannot_count_from_is_a_400(
    actors, table, meeting, token_client
):
    coordinator = token_client(actors["coordinator"])
    response = plan(coordinator, table, starts_at="9999-12-30T10:00:00+01:00")
    assert response.status_code == 400, response.content
    assert "starts_at" in response.json()["errors"]
    item = meeting["items"][0]
    response = coordinator.put(
        f"/api/v1/meetings/{meeting['id']}/items/{item['id']}/minutes/",
        {"decision": "Huisbezoek", "next_review_on": "9999-12-31"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "next_review_on" in response.json()["errors"]


def test_the_meeting_list_documents_its_rows_not_a_page_per_row(actors, meeting, token_client):
    # Found by the API fuzzer: each row of GET /meetings/ was documented as a page of its own.
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    page = schema["paths"]["/api/v1/meetings/"]["get"]["responses"]["200"]["content"]
    ref = page["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    row = schema["components"]["schemas"][ref]["properties"]["results"]["items"]["$ref"]
    required = set(schema["components"]["schemas"][row.rsplit("/", 1)[1]]["required"])
    body = token_client(actors["coordinator"]).get("/api/v1/meetings/").json()
    assert body["results"]
    for meeting_row in body["results"]:
        assert required <= set(meeting_row)

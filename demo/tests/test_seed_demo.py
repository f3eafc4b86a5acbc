"""seed_demo creates the roster of the API contract and is idempotent."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from casework.models import Case, Meeting, Participation, PlanAction
from notifications.models import Reminder, ReminderStatus
from permissions.models import Organisation, User
from signals.models import Buurt, Wijk
from signals.selectors import address_lookup

pytestmark = pytest.mark.django_db

ROSTER = {
    "coordinator": ("coordinator", "Gemeente Lindewaard"),
    "teamlead": ("teamlead", "Gemeente Lindewaard"),
    "boa": ("boa", "Gemeente Lindewaard"),
    "wijkagent": ("wijkagent", "Politie basisteam Lindewaard"),
    "corporatie": ("partner", "Woonstichting Lindewaard"),
    "ggz": ("partner", "GGZ Lindewaard"),
    "jongerenwerk": ("partner", "Jongerenwerk Lindewaard"),
    "privacy": ("privacy_officer", "Gemeente Lindewaard"),
    "beheer": ("functional_admin", "Gemeente Lindewaard"),
}


def snapshot() -> list[Any]:
    users = list(
        User.objects.order_by("username").values_list(
            "username", "password", "organisation__name", "role__slug", "is_demo", "date_joined"
        )
    )
    orgs = list(Organisation.objects.order_by("name").values_list("name", "type", "group_id"))
    groups = list(Group.objects.order_by("name").values_list("name", flat=True))
    cases = list(Case.objects.order_by("reference").values_list("reference", "state"))
    participations = Participation.objects.count()
    meetings = list(Meeting.objects.values_list("uuid", "starts_at"))
    actions = list(PlanAction.objects.order_by("id").values_list("uuid", "status"))
    return [users, orgs, groups, cases, participations, meetings, actions]


def test_seed_demo_creates_the_roster():
    call_command("seed_demo", stdout=StringIO())
    for username, (role, organisation) in ROSTER.items():
        user = User.objects.get(username=username)
        assert user.role is not None and user.organisation is not None
        assert user.role.slug == role
        assert user.organisation.name == organisation
        assert user.is_demo
        assert set(user.groups.all()) == {user.role.group, user.organisation.group}


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", stdout=StringIO())
    before = snapshot()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert snapshot() == before
    assert "0 organisations, 0 users, 0 streets, 0 cases and 0 meetings created" in out.getvalue()


def test_seed_demo_fills_the_postcode_table_the_demo_cases_agree_with():
    call_command("seed_demo", stdout=StringIO())
    assert Wijk.objects.filter(municipality__code="GM9999").count() == 10
    assert Buurt.objects.filter(wijk__municipality__code="GM9999").count() == 44
    lindelaan = address_lookup(postcode="9999AB", house_number=12)
    assert lindelaan is not None and lindelaan.street == "Lindelaan"
    for case in Case.objects.filter(municipality__code__in=["GM9999", "GM9998"]):
        assert Buurt.objects.filter(code=case.buurt, wijk__code=case.wijk).exists(), case


def test_demo_users_sign_in_with_the_demo_password(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-pass")
    call_command("seed_demo", stdout=StringIO())
    client = Client()
    response = client.post(
        "/aanmelden/", {"username": "coordinator", "password": "another-demo-pass"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_demo_cases_show_need_to_know(token_client):
    call_command("seed_demo", stdout=StringIO())
    woonoverlast = Case.objects.get(case_type="woonoverlast")
    path = f"/api/v1/cases/{woonoverlast.uuid}/"
    coordinator = token_client(User.objects.get(username="coordinator")).get(path).json()
    ggz = token_client(User.objects.get(username="ggz")).get(path).json()
    corporatie = token_client(User.objects.get(username="corporatie")).get(path).json()
    assert len(coordinator["field_groups"]) == 7
    assert coordinator["persons"][0]["bsn"] == "111222333"
    assert coordinator["notes"]["justice"]  # the coordinator is designated for police data
    assert set(ggz["field_groups"]) == {"core", "identity", "care"}
    assert "bsn" not in ggz["persons"][0]
    assert set(corporatie["notes"]) == {"core", "identity", "nuisance"}
    riec = Case.objects.get(case_type="riec")
    boa = token_client(User.objects.get(username="boa"))
    assert boa.get(f"/api/v1/cases/{riec.uuid}/").status_code == 404
    assert boa.get(path).status_code == 404


def test_seed_demo_plans_a_table_whose_items_each_partner_sees_apart():
    call_command("seed_demo", stdout=StringIO())
    meeting = Meeting.objects.get(municipality__code="GM9999", meeting_type__code="zvt")
    triage = Meeting.objects.get(municipality__code="GM9999", meeting_type__code="triage")
    assert timezone.localdate(triage.starts_at).weekday() == 1  # the weekly triage, a Tuesday
    assert meeting.meeting_type.code == "zvt"
    assert {i.case.case_type for i in meeting.items.all()} == {"woonoverlast", "jeugdoverlast"}
    client = Client()
    client.force_login(User.objects.get(username="jongerenwerk"))
    html = client.get(f"/overleggen/{meeting.uuid}/").content.decode()
    assert "Groep benaderen bij het winkelcentrum" in html
    assert "Huisbezoek en inschatting zorgbehoefte" not in html


def test_the_demo_produces_reminders_in_its_first_two_weeks():
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()

    call_command("simulate_reminders", "--days", "14", stdout=out)

    text = out.getvalue()
    for kind in ("agenda/invitation", "agenda/freeze", "minutes_missing", "action_due/soon"):
        assert kind in text, kind
    invitations = [line for line in text.splitlines() if "agenda/invitation" in line]
    assert len(invitations) == 2  # one per item, each to its own partners
    assert any("corporatie" in line and "jongerenwerk" not in line for line in invitations)
    assert any("jongerenwerk" in line and "corporatie" not in line for line in invitations)
    assert not Reminder.objects.exclude(status=ReminderStatus.PENDING).exists()

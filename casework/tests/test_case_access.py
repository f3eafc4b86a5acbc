"""Access details beyond the matrix: logging, police data, break-the-glass, guardian, budgets."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import get_perms

from casework.models import CaseType, Confidentiality, PersonRole
from casework.services import PersonDetails, case_person_add, note_add, person_register
from permissions.constants import FieldGroup
from permissions.crypto import data_key_cache_clear
from permissions.models import AccessLog

from .conftest import designate_for_police_data
from .factories import NOTE_TEXT, invite, make_case

pytestmark = pytest.mark.django_db


def test_reading_a_case_logs_the_read_and_each_disclosed_person(orgs, actors, token_client):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"])
    invite(case, orgs["ggz"], actors["coordinator"])
    before = AccessLog.objects.count()
    token_client(actors["ggz"]).get(f"/api/v1/cases/{case.uuid}/", REMOTE_ADDR="10.1.2.3")
    rows = list(AccessLog.objects.order_by("id")[before:])
    read, *disclosed = rows
    assert (read.action, read.result, read.object_id) == ("read_case", "ok", str(case.uuid))
    assert read.field_groups == ["care", "core", "identity"]
    assert (read.actor_username, read.actor_role, read.actor_organisation) == (
        "ggz",
        "partner",
        "GGZ Testwaard",
    )
    assert read.origin == "10.1.2.3"
    # GGZ sees the subject (identity, care), not the reporter: one person disclosed.
    assert [(r.action, r.field_groups) for r in disclosed] == [("disclose", ["care", "identity"])]
    assert disclosed[0].person_uuid == case.case_persons.get(role="subject").person.uuid


def test_denied_attempts_are_logged(orgs, actors, token_client):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"])
    token_client(actors["jongerenwerk"]).get(f"/api/v1/cases/{case.uuid}/")
    entry = AccessLog.objects.filter(actor=actors["jongerenwerk"]).get()
    assert (entry.action, entry.result, entry.object_id) == ("read_case", "denied", str(case.uuid))


def test_access_log_refuses_updates_at_the_database(orgs, actors, token_client):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"])
    token_client(actors["coordinator"]).get(f"/api/v1/cases/{case.uuid}/")
    entry = AccessLog.objects.first()
    assert entry is not None
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).update(reason="tampered")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM permissions_accesslog")


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("privacy", 200),
        ("coordinator", 403),
        ("teamlead", 403),
        ("ggz", 403),
        ("beheer", 403),
        ("boa", 403),
    ],
)
def test_person_access_log_is_for_the_privacy_officer(orgs, actors, token_client, actor, status):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"])
    invite(case, orgs["ggz"], actors["coordinator"])
    token_client(actors["ggz"]).get(f"/api/v1/cases/{case.uuid}/")
    person = case.case_persons.get(role="subject").person
    response = token_client(actors[actor]).get(f"/api/v1/persons/{person.uuid}/access-log/")
    assert response.status_code == status
    if status == 200:
        rows = response.json()["results"]
        assert {(r["actor"]["username"], r["action"]) for r in rows} >= {("ggz", "disclose")}
        assert all(r["person_uuid"] == str(person.uuid) for r in rows)
        # Reading the log is itself logged.
        assert AccessLog.objects.filter(actor=actors["privacy"], action="read_access_log").exists()


def test_access_log_per_user(orgs, actors, token_client):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"])
    token_client(actors["coordinator"]).get(f"/api/v1/cases/{case.uuid}/")
    client = token_client(actors["privacy"])
    rows = client.get("/api/v1/access-log/?username=coordinator").json()["results"]
    assert any(r["action"] == "read_case" and r["object_id"] == str(case.uuid) for r in rows)
    assert client.get("/api/v1/access-log/").status_code == 400


def test_police_data_goes_only_to_designated_staff(orgs, actors, token_client):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"], with_content=False)
    invite(case, orgs["politie"], actors["coordinator"])
    note_add(
        case=case,
        author=actors["wijkagent"],
        field_group=FieldGroup.JUSTICE,
        body=NOTE_TEXT["justice"],
    )
    path = f"/api/v1/cases/{case.uuid}/"
    assert token_client(actors["wijkagent"]).get(path).json()["notes"]["justice"] == []
    assert token_client(actors["coordinator"]).get(path).json()["notes"]["justice"] == []
    designate_for_police_data(actors["wijkagent"])
    designate_for_police_data(actors["coordinator"])
    for actor in ("wijkagent", "coordinator"):
        notes = token_client(actors[actor]).get(path).json()["notes"]["justice"]
        assert [n["text"] for n in notes] == [NOTE_TEXT["justice"]]


def test_partner_loses_access_the_moment_participation_ends(orgs, actors, token_client):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"])
    participation = invite(case, orgs["ggz"], actors["coordinator"])
    ggz = token_client(actors["ggz"])
    assert ggz.get(f"/api/v1/cases/{case.uuid}/").status_code == 200
    assert "view_case" in get_perms(orgs["ggz"].group, case)
    response = token_client(actors["coordinator"]).delete(
        f"/api/v1/cases/{case.uuid}/participants/{participation.uuid}/",
        {"reason": "Zorgtraject afgerond"},
        format="json",
    )
    assert response.status_code == 204
    assert ggz.get(f"/api/v1/cases/{case.uuid}/").status_code == 404
    assert "view_case" not in get_perms(orgs["ggz"].group, case)
    assert str(case.uuid) not in {r["id"] for r in ggz.get("/api/v1/cases/").json()["results"]}


def test_break_the_glass(orgs, actors, token_client, django_capture_on_commit_callbacks):
    actors["teamlead"].email = "teamlead@testwaard.example"
    actors["teamlead"].save(update_fields=["email"])
    case = make_case(
        owner=orgs["gemeente"],
        coordinator=actors["coordinator"],
        case_type=CaseType.RIEC,
        confidentiality=Confidentiality.HIGHEST,
    )
    colleague = token_client(actors["colleague"])
    assert colleague.get(f"/api/v1/cases/{case.uuid}/").status_code == 404
    path = f"/api/v1/cases/{case.uuid}/break-glass/"
    short = colleague.post(path, {"reason": "nodig"}, format="json")
    assert short.status_code == 400
    assert "reason" in short.json()["errors"]
    with django_capture_on_commit_callbacks(execute=True):
        ok = colleague.post(
            path, {"reason": "Collega ziek, zitting morgen om 9 uur"}, format="json"
        )
    assert ok.status_code == 201
    body = colleague.get(f"/api/v1/cases/{case.uuid}/").json()
    assert set(body["field_groups"]) == {g.value for g in FieldGroup}
    entry = AccessLog.objects.get(actor=actors["colleague"], action="break_glass", result="ok")
    assert entry.reason == "Collega ziek, zitting morgen om 9 uur"
    assert [m.to for m in mail.outbox] == [["teamlead@testwaard.example"]]
    assert "Collega ziek" not in mail.outbox[0].body  # the reason stays in the log


@pytest.mark.parametrize("actor", ["ggz", "boa", "teamlead", "buurcoordinator"])
def test_others_cannot_break_the_glass_and_cannot_tell_the_case_exists(
    orgs, actors, token_client, actor
):
    case = make_case(
        owner=orgs["gemeente"],
        coordinator=actors["coordinator"],
        case_type=CaseType.RIEC,
        confidentiality=Confidentiality.HIGHEST,
    )
    client = token_client(actors[actor])
    real = client.post(
        f"/api/v1/cases/{case.uuid}/break-glass/",
        {"reason": "Ik wil het gewoon weten"},
        format="json",
    )
    absent = client.post(
        "/api/v1/cases/00000000-0000-0000-0000-000000000001/break-glass/",
        {"reason": "Ik wil het gewoon weten"},
        format="json",
    )
    assert real.status_code == absent.status_code == 404
    assert real.json() == absent.json()
    assert (
        AccessLog.objects.filter(actor=actors[actor], action="break_glass", result="denied").count()
        == 2
    )


def test_partner_case_list_runs_a_fixed_number_of_queries(
    orgs, actors, token_client, django_assert_max_num_queries
):
    for _ in range(12):
        case = make_case(
            owner=orgs["gemeente"], coordinator=actors["coordinator"], with_content=False
        )
        invite(case, orgs["ggz"], actors["coordinator"])
    client = token_client(actors["ggz"])
    client.get("/api/v1/cases/")  # a token's first use records it; measure the steady state
    counts = []
    for page_size in (1, 5, 12):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/api/v1/cases/?page_size={page_size}")
        assert response.status_code == 200
        assert len(response.json()["results"]) == page_size
        counts.append(len(ctx.captured_queries))
    assert len(set(counts)) == 1, counts
    assert counts[0] <= 5  # token, the user's permissions (2), the page; nothing per row
    with django_assert_max_num_queries(counts[0]):
        client.get("/api/v1/cases/?page_size=100")


def test_case_detail_queries_do_not_grow_with_its_content(orgs, actors, token_client):
    small = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"])
    invite(small, orgs["ggz"], actors["coordinator"])
    large = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"])
    for name in ("ggz", "politie", "corporatie", "jongerenwerk"):
        invite(large, orgs[name], actors["coordinator"])
    for i in range(5):
        person, _ = person_register(details=PersonDetails(surname=f"Extra{i}", given_names="X"))
        case_person_add(
            case=large, person=person, role=PersonRole.HOUSEHOLD_MEMBER, actor=actors["coordinator"]
        )
        note_add(
            case=large,
            author=actors["coordinator"],
            field_group=FieldGroup.CARE,
            body=f"Notitie {i}",
        )
    client = token_client(actors["coordinator"])
    client.get("/api/v1/me/")  # a token's first use records it; measure the steady state
    counts = []
    for case in (small, large):
        data_key_cache_clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/api/v1/cases/{case.uuid}/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 13


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "organisation"),
        ({"organisation": "not-a-uuid", "legal_basis": "x"}, "organisation"),
        (
            {"organisation": "00000000-0000-0000-0000-000000000000", "legal_basis": "x"},
            "organisation",
        ),
        ({"organisation": "ORG", "legal_basis": ""}, "legal_basis"),
        ({"organisation": "ORG", "legal_basis": "   "}, "legal_basis"),
        ({"organisation": "ORG", "legal_basis": "x" * 3000}, "legal_basis"),
        (
            {"organisation": "ORG", "legal_basis": "x", "disclosure_profile": "nope"},
            "disclosure_profile",
        ),
        ({"organisation": "OWNER", "legal_basis": "x"}, "organisation"),
        ({"organisation": ["ORG"], "legal_basis": "x"}, "organisation"),
        ({"organisation": "ORG", "legal_basis": 12}, None),
    ],
)
def test_invalid_invitations_answer_400_with_the_field(orgs, actors, token_client, body, field):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"], with_content=False)
    replace = {"ORG": str(orgs["ggz"].uuid), "OWNER": str(orgs["gemeente"].uuid)}
    body = {
        k: ([replace.get(x, x) for x in v] if isinstance(v, list) else replace.get(v, v))
        if isinstance(v, (str, list))
        else v
        for k, v in body.items()
    }
    response = token_client(actors["coordinator"]).post(
        f"/api/v1/cases/{case.uuid}/participants/", body, format="json"
    )
    if field is None:  # a number is accepted as text by DRF; the invitation goes through
        assert response.status_code == 201
        return
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert case.participations.count() == 0


def test_inviting_twice_answers_400_and_keeps_one_participation(orgs, actors, token_client):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"], with_content=False)
    client = token_client(actors["coordinator"])
    body = {"organisation": str(orgs["ggz"].uuid), "legal_basis": "Art. 5"}
    assert (
        client.post(f"/api/v1/cases/{case.uuid}/participants/", body, format="json").status_code
        == 201
    )
    again = client.post(f"/api/v1/cases/{case.uuid}/participants/", body, format="json")
    assert again.status_code == 400
    assert "neemt al deel" in again.json()["errors"]["organisation"][0]
    assert case.participations.count() == 1

"""Rules inside the services: matching people, writing notes, naming, partner profiles."""

from __future__ import annotations

import datetime

import pytest
from django.test import RequestFactory, override_settings

from casework.models import CaseType, Confidentiality, Person
from casework.services import (
    CaseworkError,
    PersonDetails,
    case_name_user,
    note_add,
    participation_add,
    person_register,
)
from permissions.constants import FieldGroup
from permissions.models import DisclosureProfile
from permissions.origin import request_origin

from .factories import invite, make_case

pytestmark = pytest.mark.django_db
BIRTH = datetime.date(1990, 1, 2)


def test_same_name_and_birth_date_with_different_bsns_are_two_people():
    first, _ = person_register(
        details=PersonDetails(surname="Jansen", birth_date=BIRTH, bsn="111222333")
    )
    second, created = person_register(
        details=PersonDetails(surname="Jansen", birth_date=BIRTH, bsn="123456782")
    )
    assert created
    assert first.pk != second.pk


def test_a_found_person_gets_missing_details_filled_in_but_nothing_overwritten():
    person, _ = person_register(details=PersonDetails(surname="de Wit", birth_date=BIRTH))
    again, created = person_register(
        details=PersonDetails(
            surname="De Wit",
            birth_date=BIRTH,
            bsn="111222333",
            given_names="Sara",
            address="Kerkstraat 1",
            postcode="9999AA",
            house_number="1",
        )
    )
    assert not created and again.pk == person.pk
    stored = Person.objects.get(pk=person.pk)
    assert (stored.bsn, stored.given_names, stored.address) == ("111222333", "Sara", "Kerkstraat 1")
    # Now found by BSN as well; a different given name does not overwrite the known one.
    by_bsn, _ = person_register(details=PersonDetails(bsn="111 222 333", given_names="Sarah"))
    assert by_bsn.pk == person.pk
    assert Person.objects.get(pk=person.pk).given_names == "Sara"


@pytest.mark.parametrize(
    ("actor", "group", "allowed"),
    [
        ("coordinator", FieldGroup.CARE, True),
        ("ggz", FieldGroup.CARE, True),
        ("ggz", FieldGroup.JUSTICE, False),  # GGZ may not read justice, so may not write it
        ("corporatie", FieldGroup.NUISANCE, False),  # not taking part in this case
        ("boa", FieldGroup.NUISANCE, False),
        ("coordinator", FieldGroup.BSN, False),  # no notes in the BSN group
    ],
)
def test_notes_are_written_only_into_groups_the_author_may_read(
    orgs, actors, actor, group, allowed
):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"], with_content=False)
    invite(case, orgs["ggz"], actors["coordinator"])
    if allowed:
        assert note_add(case=case, author=actors[actor], field_group=group, body="Tekst").pk
    else:
        with pytest.raises(CaseworkError):
            note_add(case=case, author=actors[actor], field_group=group, body="Tekst")
        assert not case.notes.exists()


def test_only_coordinators_of_the_case_municipality_can_be_named(orgs, actors):
    case = make_case(
        owner=orgs["gemeente"],
        coordinator=actors["coordinator"],
        case_type=CaseType.RIEC,
        confidentiality=Confidentiality.HIGHEST,
        with_content=False,
    )
    case_name_user(case=case, user=actors["colleague"], named_by=actors["teamlead"])
    for outsider in ("ggz", "boa", "buurcoordinator"):
        with pytest.raises(CaseworkError):
            case_name_user(case=case, user=actors[outsider], named_by=actors["teamlead"])


@pytest.mark.parametrize("slug", ["regie", "teamleider"])
def test_staff_profiles_are_never_given_to_partners(orgs, actors, slug, token_client):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"], with_content=False)
    with pytest.raises(CaseworkError):
        participation_add(
            case=case,
            organisation=orgs["ggz"],
            disclosure_profile=DisclosureProfile.objects.get(slug=slug),
            legal_basis="x",
            granted_by=actors["coordinator"],
        )
    response = token_client(actors["coordinator"]).post(
        f"/api/v1/cases/{case.uuid}/participants/",
        {"organisation": str(orgs["ggz"].uuid), "legal_basis": "x", "disclosure_profile": slug},
        format="json",
    )
    assert response.status_code == 400
    assert "disclosure_profile" in response.json()["errors"]


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy configured: the header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # a forged left entry is not used
        (2, "203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (1, "not-an-address", "10.0.0.1"),
        (2, "203.0.113.9", "10.0.0.1"),  # fewer entries than proxies: fall back
    ],
)
def test_origin_address_behind_trusted_proxies(trusted, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(KETENREGIE_TRUSTED_PROXIES=trusted):
        assert request_origin(request) == expected


def test_a_local_partner_never_takes_the_owner_route(orgs, actors, token_client):
    from permissions.constants import OrganisationType, RoleSlug
    from permissions.tests.factories import make_organisation, make_user

    local = make_organisation(
        name="Jongerenwerk lokaal",
        type=OrganisationType.JONGERENWERK,
        municipality=orgs["gemeente"].municipality,
    )
    odd = make_user(username="lokaal", organisation=local, role=RoleSlug.COORDINATOR)
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"], with_content=False)
    assert token_client(odd).get(f"/api/v1/cases/{case.uuid}/").status_code == 404


def test_a_named_coordinator_who_moves_on_loses_the_confidential_case(orgs, actors, token_client):
    from permissions.services import user_sync_groups

    case = make_case(
        owner=orgs["gemeente"],
        coordinator=actors["coordinator"],
        case_type=CaseType.RIEC,
        with_content=False,
    )
    coordinator = actors["coordinator"]
    client = token_client(coordinator)
    assert client.get(f"/api/v1/cases/{case.uuid}/").status_code == 200
    coordinator.organisation = orgs["buurgemeente"]
    coordinator.save(update_fields=["organisation"])
    user_sync_groups(user=coordinator)
    assert client.get(f"/api/v1/cases/{case.uuid}/").status_code == 404


def test_staff_profiles_never_become_a_sharing_default(actors):
    from permissions.constants import OrganisationType
    from permissions.services import sharing_rule_set

    with pytest.raises(ValueError, match="not a profile for partners"):
        sharing_rule_set(
            organisation_type=OrganisationType.GGZ,
            disclosure_profile=DisclosureProfile.objects.get(slug="regie"),
            actor=actors["beheer"],
        )


def test_escalation_needs_a_region_with_a_zvh(actors):
    from casework.services import case_escalate_to_zvh
    from permissions.constants import OrganisationType
    from permissions.models import Municipality
    from permissions.tests.factories import make_organisation, make_user

    island = Municipality.objects.create(code="GM8001", name="Eiland", region=None)
    gemeente = make_organisation(
        name="Gemeente Eiland", type=OrganisationType.GEMEENTE, municipality=island
    )
    coordinator = make_user(username="eiland", organisation=gemeente)
    case = make_case(owner=gemeente, coordinator=coordinator, with_content=False)
    with pytest.raises(CaseworkError, match="geen regio"):
        case_escalate_to_zvh(case=case, approved_by=coordinator)

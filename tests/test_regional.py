"""One installation, a region of two municipalities: each sees only its own work.

Shared regional organisations (police team, corporation) see what they take part in, in both;
the ZVH's procesregisseur sees the cases escalated to the ZVH from both, and nothing else.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from casework.models import Case
from casework.services import case_escalate_to_zvh, participation_add
from permissions.constants import OrganisationType
from permissions.models import AccessLog, DisclosureProfile, Organisation, SharingRule, User
from permissions.selectors import disclosure_profile_default_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    call_command("seed_demo", stdout=StringIO())
    users = {u.username: u for u in User.objects.select_related("organisation")}
    cases = {
        (c.municipality.code, c.case_type): c for c in Case.objects.select_related("municipality")
    }
    return users, cases


def profile_slug(organisation: Organisation, municipality_id: int | None) -> str | None:
    profile = disclosure_profile_default_for(
        organisation=organisation, municipality_id=municipality_id
    )
    return profile.slug if profile else None


def visible_ids(client) -> set[str]:
    return {row["id"] for row in client.get("/api/v1/cases/?page_size=100").json()["results"]}


def test_coordinators_see_only_their_own_municipality(region, token_client):
    users, cases = region
    lindewaard = token_client(users["coordinator"])
    veenhoven = token_client(users["veenhoven-coordinator"])
    theirs = cases[("GM9998", "multiproblem")]
    ours = cases[("GM9999", "woonoverlast")]
    assert lindewaard.get(f"/api/v1/cases/{theirs.uuid}/").status_code == 404
    assert veenhoven.get(f"/api/v1/cases/{ours.uuid}/").status_code == 404
    assert str(theirs.uuid) not in visible_ids(lindewaard)
    assert str(ours.uuid) not in visible_ids(veenhoven)
    assert visible_ids(veenhoven) == {str(theirs.uuid)}
    # Absent and forbidden look the same across municipalities too.
    absent = lindewaard.get("/api/v1/cases/00000000-0000-0000-0000-000000000000/")
    assert absent.json() == lindewaard.get(f"/api/v1/cases/{theirs.uuid}/").json()


@pytest.mark.parametrize("username", ["teamlead", "boa", "beheer", "privacy"])
def test_other_municipal_staff_never_see_the_other_municipality(region, token_client, username):
    users, cases = region
    theirs = cases[("GM9998", "multiproblem")]
    client = token_client(users[username])
    assert client.get(f"/api/v1/cases/{theirs.uuid}/").status_code == 404
    assert str(theirs.uuid) not in visible_ids(client)


def test_coordinator_of_one_municipality_cannot_break_the_glass_in_the_other(region, token_client):
    users, cases = region
    riec = cases[("GM9999", "riec")]
    response = token_client(users["veenhoven-coordinator"]).post(
        f"/api/v1/cases/{riec.uuid}/break-glass/",
        {"reason": "Wil meekijken bij de buren"},
        format="json",
    )
    assert response.status_code == 404


def test_shared_regional_partners_see_their_cases_in_both(region, token_client):
    users, cases = region
    coordinator_v = users["veenhoven-coordinator"]
    theirs = cases[("GM9998", "multiproblem")]
    for name in ("Politie basisteam Lindewaard", "Woonstichting Lindewaard"):
        organisation = Organisation.objects.get(name=name)
        participation_add(
            case=theirs,
            organisation=organisation,
            disclosure_profile=DisclosureProfile.objects.get(slug=organisation.type),
            legal_basis="Convenant",
            granted_by=coordinator_v,
        )
    for username in ("wijkagent", "corporatie"):
        client = token_client(users[username])
        ids = visible_ids(client)
        assert str(theirs.uuid) in ids
        assert str(cases[("GM9999", "woonoverlast")].uuid) in ids
        assert client.get(f"/api/v1/cases/{theirs.uuid}/").status_code == 200


def test_zvh_sees_escalated_cases_from_both_and_nothing_else(region, token_client):
    users, cases = region
    lindewaard_mp = cases[("GM9999", "multiproblem")]
    veenhoven_mp = cases[("GM9998", "multiproblem")]
    zvh = token_client(users["zvh"])
    # The seeded Veenhoven case was escalated; Lindewaard's multiproblem case was not, but the
    # ZVH organisation takes part in it (participation), so it is visible that way.
    assert visible_ids(zvh) == {str(veenhoven_mp.uuid), str(lindewaard_mp.uuid)}
    case_escalate_to_zvh(case=lindewaard_mp, approved_by=users["coordinator"])
    assert visible_ids(zvh) == {str(veenhoven_mp.uuid), str(lindewaard_mp.uuid)}
    body = zvh.get(f"/api/v1/cases/{veenhoven_mp.uuid}/").json()
    assert set(body["field_groups"]) == {"core", "identity", "bsn", "care"}
    for key in (("GM9999", "woonoverlast"), ("GM9999", "riec"), ("GM9999", "jeugdoverlast")):
        assert zvh.get(f"/api/v1/cases/{cases[key].uuid}/").status_code == 404


def test_zvh_route_needs_escalation_not_participation(region, token_client):
    users, cases = region
    woonoverlast = cases[("GM9999", "woonoverlast")]
    zvh = token_client(users["zvh"])
    assert zvh.get(f"/api/v1/cases/{woonoverlast.uuid}/").status_code == 404
    case_escalate_to_zvh(case=woonoverlast, approved_by=users["coordinator"])
    assert zvh.get(f"/api/v1/cases/{woonoverlast.uuid}/").status_code == 200


def test_escalations_outside_the_region_stay_invisible(region, token_client):
    from casework.tests.factories import make_case
    from permissions.tests.factories import make_organisation, make_user

    users, _ = region
    other_gemeente = make_organisation(name="Gemeente Elders", type=OrganisationType.GEMEENTE)
    outsider = make_user(username="elders", organisation=other_gemeente)
    case = make_case(owner=other_gemeente, coordinator=outsider, with_content=False)
    case_escalate_to_zvh(case=case, approved_by=outsider)
    assert token_client(users["zvh"]).get(f"/api/v1/cases/{case.uuid}/").status_code == 404


def test_configuration_in_one_municipality_leaves_the_other_untouched(region):
    users, _ = region
    beheer_v = users["veenhoven-beheer"]
    client = Client()  # demo users sign in without a second factor
    client.post("/aanmelden/", {"username": "veenhoven-beheer", "password": "demo-demo-demo"})
    ggz = Organisation.objects.get(name="GGZ Lindewaard")
    l_id = users["coordinator"].organisation.municipality_id
    v_id = beheer_v.organisation.municipality_id
    before_l = disclosure_profile_default_for(organisation=ggz, municipality_id=l_id)
    response = client.post("/configuratie/deelmatrix/", {"rule-ggz": "zvh"})
    assert response.status_code == 302
    assert profile_slug(ggz, v_id) == "zvh"
    assert disclosure_profile_default_for(organisation=ggz, municipality_id=l_id) == before_l
    assert (
        SharingRule.objects.get(
            organisation_type="ggz", municipality__isnull=True
        ).disclosure_profile.slug
        == "ggz"
    )
    # Shared profiles cannot be changed from one municipality.
    forbidden = client.post(
        "/configuratie/deelmatrix/", {"profile-rows": ["ggz"], "profile-ggz": ["care"]}
    )
    assert forbidden.status_code == 403
    assert DisclosureProfile.objects.get(slug="ggz").field_groups == ["core", "identity", "care"]
    # Clearing the override brings back the installation default; both changes are logged.
    client.post("/configuratie/deelmatrix/", {"rule-ggz": ""})
    assert profile_slug(ggz, v_id) == "ggz"
    logged = AccessLog.objects.filter(action="configure", object_id="GM9998:ggz")
    assert [(e.detail["before"], e.detail["after"]) for e in logged.order_by("id")] == [
        (None, "zvh"),
        ("zvh", None),
    ]


def test_single_municipality_installation_keeps_working_as_before(db, token_client):
    from casework.tests.factories import make_case
    from permissions.tests.factories import make_organisation, make_user

    gemeente = make_organisation(name="Gemeente Enkel", type=OrganisationType.GEMEENTE)
    coordinator = make_user(username="solo", organisation=gemeente)
    case = make_case(owner=gemeente, coordinator=coordinator)
    assert case.municipality == gemeente.municipality
    assert token_client(coordinator).get(f"/api/v1/cases/{case.uuid}/").status_code == 200


def test_case_list_query_budget_is_unchanged_by_the_municipality_dimension(region, token_client):
    users, _ = region
    for username in ("coordinator", "ggz", "zvh"):
        client = token_client(users[username])
        client.get("/api/v1/cases/")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/cases/").status_code == 200
        assert len(ctx.captured_queries) <= 5, (username, len(ctx.captured_queries))


def test_the_same_person_is_one_record_across_municipalities(region):
    _, cases = region
    here = cases[("GM9999", "woonoverlast")].case_persons.get(role="subject").person
    there = cases[("GM9998", "multiproblem")].case_persons.get(role="subject").person
    assert here.pk == there.pk

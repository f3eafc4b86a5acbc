"""The HTML pages enforce the same need-to-know as the API: same selectors, same answers."""

from __future__ import annotations

import re

import pytest

from permissions.constants import OrganisationType, RoleSlug
from permissions.models import AccessLog
from permissions.tests.factories import OrganisationFactory, UserFactory, signed_in

from .factories import NOTE_TEXT, SUBJECT, invite, make_case

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


def groups_on_page(html: str) -> set[str]:
    return set(re.findall(r'data-group="([a-z]+)"', html))


@pytest.mark.parametrize(
    ("actor", "groups"),
    [
        ("coordinator", {"identity", "reporter", "nuisance", "care", "justice", "bsn"}),
        ("ggz", {"identity", "care"}),
        ("corporatie", {"identity", "nuisance"}),
        ("teamlead", {"identity", "bsn"}),
    ],
)
def test_case_page_shows_only_the_viewers_groups(orgs, actors, actor, groups):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"])
    for name in ("ggz", "corporatie"):
        invite(case, orgs[name], actors["coordinator"])
    html = signed_in(actors[actor]).get(f"/casussen/{case.uuid}/").content.decode()
    assert groups_on_page(html) == groups
    assert (NOTE_TEXT["care"] in html) == ("care" in groups)
    assert (SUBJECT.bsn in html) == ("bsn" in groups)
    assert (NOTE_TEXT["reporter"] in html) == ("reporter" in groups)
    assert ('data-testid="participants"' in html) == (actor in {"coordinator", "teamlead"})


@pytest.mark.parametrize("actor", ["boa", "privacy", "beheer", "jongerenwerk", "buurcoordinator"])
def test_case_page_answers_404_to_outsiders(orgs, actors, actor):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"])
    response = signed_in(actors[actor]).get(f"/casussen/{case.uuid}/")
    assert response.status_code == 404
    assert "Niet gevonden" in response.content.decode()


def test_case_list_page_lists_only_visible_cases(orgs, actors):
    mine = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"], with_content=False)
    invite(mine, orgs["ggz"], actors["coordinator"])
    other = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"], with_content=False)
    html = signed_in(actors["ggz"]).get("/casussen/").content.decode()
    assert mine.reference in html
    assert other.reference not in html


def test_coordinator_invites_and_removes_a_partner_on_the_page(orgs, actors):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"], with_content=False)
    client = signed_in(actors["coordinator"])
    response = client.post(
        f"/casussen/{case.uuid}/deelnemers/",
        {
            "organisation": str(orgs["ggz"].uuid),
            "disclosure_profile": "",
            "legal_basis": "Art. 5 convenant",
        },
        follow=True,
    )
    assert "neemt nu deel" in response.content.decode()
    participation = case.participations.get()
    assert participation.disclosure_profile.slug == "ggz"
    missing_basis = client.post(
        f"/casussen/{case.uuid}/deelnemers/",
        {"organisation": str(orgs["corporatie"].uuid), "legal_basis": ""},
        follow=True,
    )
    assert case.participations.count() == 1
    assert missing_basis.status_code == 200
    client.post(f"/casussen/{case.uuid}/deelnemers/{participation.uuid}/beeindigen/")
    participation.refresh_from_db()
    assert participation.ended_at is not None


def test_partner_cannot_manage_participants_on_the_page(orgs, actors):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"], with_content=False)
    invite(case, orgs["ggz"], actors["coordinator"])
    response = signed_in(actors["ggz"]).post(
        f"/casussen/{case.uuid}/deelnemers/",
        {"organisation": str(orgs["corporatie"].uuid), "legal_basis": "x"},
    )
    assert response.status_code == 403
    assert case.participations.count() == 1


def test_sharing_matrix_is_changed_by_the_installation_admin_and_logged(orgs, actors):
    # A werkorganisatie serving the region's municipalities configures the installation.
    werkorganisatie = OrganisationFactory(
        name="Werkorganisatie Testwaard",
        type=OrganisationType.GEMEENTE,
        region=orgs["gemeente"].region,
    )
    admin = UserFactory(
        username="installatiebeheer",
        organisation=werkorganisatie,
        role=RoleSlug.FUNCTIONAL_ADMIN,
    )
    client = signed_in(admin)
    page = client.get("/configuratie/deelmatrix/")
    assert page.status_code == 200
    response = client.post(
        "/configuratie/deelmatrix/",
        {
            "rule-ggz": "veilig_thuis",
            "profile-rows": ["ggz", "politie"],
            "profile-ggz": ["identity", "care", "bsn"],
            "profile-politie": ["identity", "nuisance", "justice"],
        },
    )
    assert response.status_code == 302
    entries = AccessLog.objects.filter(action="configure").order_by("id")
    assert {(e.object_type, e.object_id) for e in entries} == {
        ("sharing_rule", "ggz"),
        ("disclosure_profile", "ggz"),
    }
    profile = entries.get(object_type="disclosure_profile")
    assert profile.detail == {
        "before": ["care", "core", "identity"],
        "after": ["bsn", "care", "core", "identity"],
    }


@pytest.mark.parametrize(
    ("actor", "get", "post"), [("privacy", 200, 403), ("coordinator", 403, 403), ("ggz", 403, 403)]
)
def test_sharing_matrix_access(orgs, actors, actor, get, post):
    client = signed_in(actors[actor])
    assert client.get("/configuratie/deelmatrix/").status_code == get
    assert client.post("/configuratie/deelmatrix/", {"rule-ggz": "politie"}).status_code == post
    assert not AccessLog.objects.filter(action="configure").exists()


def test_privacy_officer_page_lists_who_saw_a_person(orgs, actors):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"])
    invite(case, orgs["ggz"], actors["coordinator"])
    signed_in(actors["ggz"]).get(f"/casussen/{case.uuid}/")
    person = case.case_persons.get(role="subject").person
    html = (
        signed_in(actors["privacy"])
        .get(f"/privacy/toegangslog/?persoon={person.uuid}")
        .content.decode()
    )
    assert "ggz (partner, GGZ Testwaard)" in html
    assert signed_in(actors["coordinator"]).get("/privacy/toegangslog/").status_code == 403


def test_municipal_admin_sets_only_an_override_for_the_own_municipality(orgs, actors):
    client = signed_in(actors["beheer"])
    assert client.post("/configuratie/deelmatrix/", {"rule-ggz": "zvh"}).status_code == 302
    entry = AccessLog.objects.get(action="configure")
    assert entry.object_id == f"{orgs['gemeente'].municipality.code}:ggz"
    assert entry.detail == {"before": None, "after": "zvh"}


def test_coordinator_moves_a_case_on_from_its_page(orgs, actors):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"], with_content=False)
    invite(case, orgs["ggz"], actors["coordinator"])
    client = signed_in(actors["coordinator"])
    html = client.get(f"/casussen/{case.uuid}/").content.decode()
    assert 'data-testid="transitions"' in html and "Quickscan starten" in html
    response = client.post(
        f"/casussen/{case.uuid}/stap/",
        {"transition": "quickscan_starten", "expected_state": "melding", "reason": "Gestart"},
        follow=True,
    )
    page = response.content.decode()
    assert "De casus staat nu op: Quickscan" in page
    assert "Quickscan starten (Melding ontvangen → Quickscan)" in page
    # A blocked step says why: a casusoverleg needs two partners with a grondslag.
    assert "ten minste 2 ketenpartners" in page
    # The same form posted again is stale now: the page says so and nothing changes.
    again = client.post(
        f"/casussen/{case.uuid}/stap/",
        {"transition": "quickscan_starten", "expected_state": "melding"},
        follow=True,
    )
    assert "staat inmiddels op Quickscan" in again.content.decode()


def test_partners_see_the_timeline_without_reasons_and_no_steps(orgs, actors):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"], with_content=False)
    invite(case, orgs["ggz"], actors["coordinator"])
    signed_in(actors["coordinator"]).post(
        f"/casussen/{case.uuid}/stap/",
        {"transition": "quickscan_starten", "reason": "Geheime overweging"},
    )
    html = signed_in(actors["ggz"]).get(f"/casussen/{case.uuid}/").content.decode()
    assert 'data-testid="transitions"' not in html
    assert "Quickscan starten" in html
    assert "Geheime overweging" not in html
    forbidden = signed_in(actors["ggz"]).post(
        f"/casussen/{case.uuid}/stap/", {"transition": "onderzoeken"}
    )
    assert forbidden.status_code == 403


def test_the_page_title_holds_the_reference_and_nothing_else(orgs, actors):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"])
    client = signed_in(actors["coordinator"])
    client.post(
        f"/casussen/{case.uuid}/stap/",
        {"transition": "quickscan_starten", "reason": "Geheime overweging"},
    )
    html = client.get(f"/casussen/{case.uuid}/").content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)  # type: ignore[union-attr]
    assert title.strip() == f"{case.reference} · Ketenregie"
    assert html.count('data-testid="transitions"') == 1
    assert html.count('data-testid="timeline"') == 1

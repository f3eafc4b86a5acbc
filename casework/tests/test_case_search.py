"""Searching cases: by reference, state, wijk and own cases for everyone within their own
view; by BSN, surname + date of birth and address for those who run cases, by blind index
only and logged."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.tests.factories import SUBJECT, invite, make_case
from permissions.models import AccessLog
from permissions.tests.factories import signed_in

pytestmark = pytest.mark.django_db
URL = "/casussen/"


@pytest.fixture
def cases(orgs, actors):
    known = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"])
    other = make_case(owner=orgs["gemeente"], coordinator=actors["colleague"], with_content=False)
    invite(known, orgs["ggz"], actors["coordinator"])
    return known, other


def found(response) -> set[str]:
    return {case.reference for case in response.context["cases"]}


def test_search_by_reference_state_wijk_and_own_cases(actors, cases):
    known, other = cases
    client = signed_in(actors["coordinator"])
    assert found(client.get(URL, {"kenmerk": known.reference.lower()})) == {known.reference}
    assert found(client.get(URL, {"coordinator": "mij"})) == {known.reference}
    assert found(client.get(URL, {"status": known.state})) == {known.reference, other.reference}
    assert found(client.get(URL, {"wijk": "wk999901"})) == {known.reference, other.reference}
    assert found(client.get(URL, {"wijk": "WK999902"})) == set()


def test_search_by_bsn_name_and_address_uses_blind_indexes_and_is_logged(actors, cases):
    known, _other = cases
    client = signed_in(actors["coordinator"])
    searches = [
        {"bsn": SUBJECT.bsn},
        {"achternaam": "brinkers", "geboortedatum": "1971-03-14"},  # SUBJECT.birth_date
        {"postcode": "9999 ab", "huisnummer": "12"},
    ]
    for terms in searches:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, terms)
        assert found(response) == {known.reference}, terms
        sql = " ".join(q["sql"] for q in queries.captured_queries)
        assert SUBJECT.bsn not in sql and "Brinkers" not in sql  # only HMACs are compared
    logged = AccessLog.objects.filter(action="search", object_type="case").order_by("id")
    assert [e.detail["by"] for e in logged] == [["bsn"], ["name_birth_date"], ["address"]]
    assert all(SUBJECT.bsn not in str(e.detail) for e in logged)


def test_a_malformed_search_answers_400_with_a_dutch_message(actors, cases):
    client = signed_in(actors["coordinator"])
    for terms, words in (
        ({"bsn": "123456789"}, "BSN"),
        ({"achternaam": "Brinkers"}, "geboortedatum"),
        ({"achternaam": "Brinkers", "geboortedatum": "14-03-1971"}, "geboortedatum"),
        ({"postcode": "9999AB"}, "huisnummer"),
    ):
        response = client.get(URL, terms)
        assert response.status_code == 400, terms
        assert words in response.content.decode(), terms
        assert response.context["cases"] == []


def test_partners_search_within_their_own_view_and_not_by_person(actors, cases):
    known, other = cases
    client = signed_in(actors["ggz"])
    assert found(client.get(URL)) == {known.reference}
    assert found(client.get(URL, {"kenmerk": other.reference})) == set()
    response = client.get(URL, {"bsn": SUBJECT.bsn})
    assert response.status_code == 400
    assert not AccessLog.objects.filter(action="search", object_type="case").exists()
    assert 'name="bsn"' not in client.get(URL).content.decode()


def test_the_case_page_shows_the_plan_each_viewer_may_see(actors, orgs, cases):
    from casework.services import plan_action_add

    known, _other = cases
    invite(known, orgs["corporatie"], actors["coordinator"])
    plan_action_add(
        case=known,
        actor=actors["coordinator"],
        title="Huisbezoek GGZ",
        owner_organisation=orgs["ggz"],
    )
    plan_action_add(
        case=known,
        actor=actors["coordinator"],
        title="Gesprek verhuurder",
        owner_organisation=orgs["corporatie"],
    )
    page = f"/casussen/{known.uuid}/"
    coordinator = signed_in(actors["coordinator"]).get(page).content.decode()
    assert "Plan en acties" in coordinator
    assert "Huisbezoek GGZ" in coordinator and "Gesprek verhuurder" in coordinator
    ggz = signed_in(actors["ggz"]).get(page).content.decode()
    assert "Huisbezoek GGZ" in ggz and "Gesprek verhuurder" not in ggz


def test_the_case_pages_take_a_bounded_number_of_queries(
    actors, orgs, django_assert_max_num_queries
):
    for _ in range(6):
        case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"])
        invite(case, orgs["ggz"], actors["coordinator"])
    client = signed_in(actors["coordinator"])
    with django_assert_max_num_queries(10):
        assert len(client.get(URL).context["cases"]) == 6
    with django_assert_max_num_queries(14):
        assert len(client.get(URL, {"bsn": SUBJECT.bsn}).context["cases"]) == 6
    # The case page: the file, its persons and notes, the steps, the plan, the timeline.
    with django_assert_max_num_queries(30):
        assert client.get(f"/casussen/{case.uuid}/").status_code == 200


def test_the_timeline_speaks_dutch(actors, cases):
    known, _other = cases
    timeline = signed_in(actors["coordinator"]).get(f"/casussen/{known.uuid}/").context["history"]
    labels = [str(entry.label) for entry in timeline]
    assert "Casus geopend" in labels and "Organisatie uitgenodigd" in labels
    assert not any(label.replace("_", " ") != label for label in labels)  # no internal names

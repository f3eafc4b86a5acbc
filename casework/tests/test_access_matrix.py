"""Need-to-know as a matrix: every role x every case endpoint x every situation.

For each cell the test asserts the status and exactly which field groups come back.
"""

from __future__ import annotations

import pytest

from permissions.constants import FieldGroup as G

pytestmark = pytest.mark.django_db

ALL = {g.value for g in G}
TEAMLEAD = {"core", "identity", "bsn"}
POLITIE = {"core", "identity", "nuisance", "justice"}
GGZ = {"core", "identity", "care"}
CORPORATIE = {"core", "identity", "nuisance"}
SITUATIONS = ("participating", "not_participating", "ended", "highest")

# actor -> situation -> field groups of the case detail (None: 404)
DETAIL: dict[str, dict[str, set[str] | None]] = {
    "coordinator": dict.fromkeys(SITUATIONS, ALL),  # runs them all, named on the RIEC case
    "colleague": {"participating": ALL, "not_participating": ALL, "ended": ALL, "highest": None},
    "teamlead": dict.fromkeys(SITUATIONS, TEAMLEAD),
    "wijkagent": {
        "participating": POLITIE,
        "not_participating": None,
        "ended": None,
        "highest": None,
    },
    "ggz": {"participating": GGZ, "not_participating": None, "ended": None, "highest": None},
    "corporatie": {
        "participating": CORPORATIE,
        "not_participating": None,
        "ended": None,
        "highest": None,
    },
    "jongerenwerk": dict.fromkeys(SITUATIONS, None),
    "boa": dict.fromkeys(SITUATIONS, None),
    "privacy": dict.fromkeys(SITUATIONS, None),
    "beheer": dict.fromkeys(SITUATIONS, None),
    "buurcoordinator": dict.fromkeys(SITUATIONS, None),
}
CELLS = [(actor, situation) for actor in DETAIL for situation in SITUATIONS]


def expected_keys(groups: set[str]) -> set[str]:
    keys = {
        "id",
        "reference",
        "case_type",
        "state",
        "wijk",
        "buurt",
        "confidentiality",
        "opened_at",
        "closed_at",
        "next_deadline",
        "overdue",
        "field_groups",
        "coordinator",
        "organisation",
        "notes",
    }
    if groups & {"identity", "bsn"}:
        keys.add("persons")
    if "reporter" in groups:
        keys.add("reporters")
    return keys


def runs_case(groups: set[str] | None, actor: str) -> bool:
    return groups is not None and actor in {"coordinator", "colleague", "teamlead"}


@pytest.mark.parametrize(("actor", "situation"), CELLS)
def test_case_detail(token_client, actors, situations, actor, situation):
    groups = DETAIL[actor][situation]
    case = situations[situation]
    response = token_client(actors[actor]).get(f"/api/v1/cases/{case.uuid}/")
    if groups is None:
        assert response.status_code == 404
        assert response.json() == {"detail": "Niet gevonden.", "code": "not_found"}
        return
    assert response.status_code == 200
    body = response.json()
    assert set(body["field_groups"]) == groups
    expected = expected_keys(groups) | ({"participants"} if runs_case(groups, actor) else set())
    if case.case_type == "woonoverlast":  # its parallel care track is core
        expected.add("care_track")
    assert set(body) == expected
    assert set(body["notes"]) == groups - {"bsn"}
    for person in body.get("persons", []):
        assert ("bsn" in person) == ("bsn" in groups)
        assert ("surname" in person) == ("identity" in groups)


@pytest.mark.parametrize(("actor", "situation"), CELLS)
def test_case_list(token_client, actors, situations, actor, situation):
    visible = DETAIL[actor][situation] is not None
    response = token_client(actors[actor]).get("/api/v1/cases/?page_size=100")
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert (str(situations[situation].uuid) in ids) == visible
    for row in response.json()["results"]:  # the list is core only, for everyone
        assert set(row) == {
            "id",
            "reference",
            "case_type",
            "state",
            "wijk",
            "buurt",
            "confidentiality",
            "opened_at",
            "closed_at",
            "next_deadline",
            "overdue",
        }


@pytest.mark.parametrize(("actor", "situation"), CELLS)
def test_participants_list(token_client, actors, situations, actor, situation):
    groups = DETAIL[actor][situation]
    response = token_client(actors[actor]).get(
        f"/api/v1/cases/{situations[situation].uuid}/participants/"
    )
    expected = 404 if groups is None else (200 if runs_case(groups, actor) else 403)
    assert response.status_code == expected


@pytest.mark.parametrize(("actor", "situation"), CELLS)
def test_participants_invite(token_client, actors, situations, orgs, actor, situation):
    groups = DETAIL[actor][situation]
    response = token_client(actors[actor]).post(
        f"/api/v1/cases/{situations[situation].uuid}/participants/",
        {"organisation": str(orgs["jongerenwerk"].uuid), "legal_basis": "Art. 5 convenant"},
        format="json",
    )
    if groups is None:
        assert response.status_code == 404
    elif not runs_case(groups, actor):
        assert response.status_code == 403
    elif situation == "highest":
        assert response.status_code == 400
        assert "hoogste" in str(response.json()["errors"])
    else:
        assert response.status_code == 201
        assert response.json()["disclosure_profile"] == "jongerenwerk"


@pytest.mark.parametrize(("actor", "situation"), CELLS)
def test_participant_end(token_client, actors, situations, actor, situation):
    groups = DETAIL[actor][situation]
    case = situations[situation]
    participation = case.participations.order_by("valid_from").first()
    target = participation.uuid if participation else "00000000-0000-0000-0000-000000000000"
    response = token_client(actors[actor]).delete(
        f"/api/v1/cases/{case.uuid}/participants/{target}/"
    )
    if groups is None:
        assert response.status_code == 404
    elif not runs_case(groups, actor):
        assert response.status_code == 403
    elif participation is None or participation.ended_at is not None:
        assert response.status_code == 404
    else:
        assert response.status_code == 204


@pytest.mark.parametrize("actor", list(DETAIL))
def test_unknown_and_malformed_case_ids_look_like_forbidden_ones(token_client, actors, actor):
    client = token_client(actors[actor])
    for case_id in ("00000000-0000-0000-0000-000000000000", "C-2026-000001", "x" * 300):
        response = client.get(f"/api/v1/cases/{case_id}/")
        assert response.status_code == 404
        assert response.json() == {"detail": "Niet gevonden.", "code": "not_found"}


def test_signed_out_visitor_gets_401_everywhere(api_client, situations):
    case = situations["participating"]
    for path in (
        "/api/v1/cases/",
        f"/api/v1/cases/{case.uuid}/",
        f"/api/v1/cases/{case.uuid}/participants/",
    ):
        assert api_client.get(path).status_code == 401


# What on the HTML page betrays each field group: its note text, the subject's BSN, the
# subject's surname (identity) and the reporter's surname.
def page_markers() -> dict[str, str]:
    from casework.tests.factories import NOTE_TEXT, REPORTER, SUBJECT

    markers = {
        group: text.split(",")[0].replace("'", "&#x27;") for group, text in NOTE_TEXT.items()
    }
    markers["bsn"] = str(SUBJECT.bsn)
    markers["identity_name"] = str(SUBJECT.surname)
    markers["reporter_name"] = str(REPORTER.surname)
    return markers


@pytest.mark.parametrize(("actor", "situation"), CELLS)
def test_case_page(actors, situations, actor, situation):
    """The HTML case page shows exactly the field groups the API gives the same viewer."""
    from permissions.tests.factories import signed_in

    groups = DETAIL[actor][situation]
    case = situations[situation]
    response = signed_in(actors[actor]).get(f"/casussen/{case.uuid}/")
    if groups is None:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    html = response.content.decode()
    markers = page_markers()
    for group in ("nuisance", "care", "justice", "reporter"):
        assert (markers[group] in html) == (group in groups), group
    assert (markers["bsn"] in html) == ("bsn" in groups)
    assert (markers["identity_name"] in html) == ("identity" in groups)
    assert (markers["reporter_name"] in html) == ("reporter" in groups)

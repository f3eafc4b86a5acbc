"""Category sets per municipality: the installation's categories everywhere, a
municipality's own only there, configured by that municipality's functional admin."""

from __future__ import annotations

import pytest

from permissions.models import AccessLog
from permissions.tests.factories import signed_in
from signals.models import Category
from signals.selectors import categories_offered_to
from signals.services import SignalInvalid, category_add

from .factories import body, make_signal

pytestmark = pytest.mark.django_db
PAGE = "/configuratie/categorieen/"


@pytest.fixture
def own(actors, orgs):
    return category_add(
        actor=actors["beheer"],
        municipality=orgs["gemeente"].municipality,
        code="WO-STANK",
        label="Stankoverlast uit woning",
        case_type="woonoverlast",
    )


def test_a_municipalitys_own_category_is_offered_there_and_to_regional_partners_only(actors, own):
    assert own in categories_offered_to(user=actors["boa"])
    assert own in categories_offered_to(user=actors["wijkagent"])  # regional police
    assert own not in categories_offered_to(user=actors["buurcoordinator"])
    assert categories_offered_to(user=actors["buurcoordinator"]).count() == 20


def test_filing_under_another_municipalitys_category_is_an_unknown_category(
    actors, own, token_client
):
    answer = token_client(actors["buurcoordinator"]).post(
        "/api/v1/signals/", body(category="WO-STANK"), format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["errors"]["category"] == ["Onbekende categorie: WO-STANK."]
    assert make_signal(actors["boa"], category="WO-STANK").category == own


def test_codes_are_checked_and_unique_across_the_installation(actors, orgs, own):
    for code, label, case_type, field in (
        ("stank", "Stank", "woonoverlast", "code"),
        ("WO-STANK", "Nog eens", "woonoverlast", "code"),
        ("WO-GELUID", "Dubbel", "woonoverlast", "code"),
        ("WO-NIEUW", "", "woonoverlast", "label"),
        ("WO-NIEUW", "Nieuw", "overlast", "case_type"),
    ):
        with pytest.raises(SignalInvalid) as raised:
            category_add(
                actor=actors["beheer"],
                municipality=orgs["buurgemeente"].municipality,
                code=code,
                label=label,
                case_type=case_type,
            )
        assert field in raised.value.errors, code


def test_the_functional_admin_adds_and_retires_their_own_categories_only(actors, orgs):
    client = signed_in(actors["beheer"])
    page = client.get(PAGE)
    assert page.status_code == 200 and "WO-GELUID" in page.content.decode()
    added = client.post(
        PAGE,
        {
            "action": "add",
            "code": "jo-brommers",
            "label": "Brommeroverlast",
            "case_type": "jeugdoverlast",
        },
    )
    assert added.status_code == 302
    category = Category.objects.get(code="JO-BROMMERS")
    assert category.municipality == orgs["gemeente"].municipality
    client.post(PAGE, {"code": "JO-BROMMERS", "active": "0"})
    category.refresh_from_db()
    assert not category.active
    # The installation's categories are not one municipality's to retire.
    assert client.post(PAGE, {"code": "WO-GELUID", "active": "0"}).status_code == 404
    assert Category.objects.get(code="WO-GELUID").active
    logged = AccessLog.objects.filter(action="configure", object_type="signal_category")
    assert [e.detail["change"] for e in logged.order_by("id")] == ["added", "retired"]
    # The neighbour's admin does not see it, and cannot touch it.
    neighbour = signed_in(actors["buurcoordinator"])
    assert neighbour.get(PAGE).status_code == 403


def test_a_bad_category_form_answers_400_and_adds_nothing(actors):
    answer = signed_in(actors["beheer"]).post(
        PAGE, {"action": "add", "code": "x", "label": "", "case_type": "riec"}
    )
    assert answer.status_code == 400
    assert "twee letters" in answer.content.decode()
    assert Category.objects.count() == 20


def test_only_functional_admins_configure_categories(actors):
    for name in ("coordinator", "boa", "ggz", "privacy"):
        assert signed_in(actors[name]).get(PAGE).status_code == 403, name

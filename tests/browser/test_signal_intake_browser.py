"""A boa files a signal on a phone while the network drops the first answer; the coordinator
finds exactly one signal in the triage inbox, already recognised as "bekend"."""

from __future__ import annotations

from typing import Any, cast

import pytest
from playwright.sync_api import expect

from casework.tests.factories import SUBJECT, make_case
from permissions.constants import RoleSlug
from permissions.models import User
from permissions.tests.factories import TEST_PASSWORD, UserFactory
from signals.models import Signal
from signals.services import StreetRow, categories_ensure_defaults, streets_load

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/aanmelden/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{base}/")


@pytest.fixture
def town(gemeente):
    """The municipality with a street, its boa and coordinator, and an open case about the
    person the boa will meet."""
    categories_ensure_defaults()
    municipality = gemeente.municipality
    digits = municipality.code[2:]
    streets_load(
        municipality=municipality,
        rows=[
            StreetRow(
                wijk_code=f"WK{digits}01",
                wijk_name="Centrum",
                buurt_code=f"BU{digits}0101",
                buurt_name="Lindehof",
                postcode=f"{digits}AB",
                name="Lindelaan",
                place="Testwaard",
            )
        ],
    )
    boa = UserFactory(username="boa", organisation=gemeente, role=RoleSlug.BOA, is_demo=True)
    coordinator = UserFactory(
        username="coordinator", organisation=gemeente, role=RoleSlug.COORDINATOR, is_demo=True
    )
    case = make_case(owner=gemeente, coordinator=cast(User, coordinator))
    return {"digits": digits, "boa": boa, "coordinator": coordinator, "case": case}


def test_boa_files_once_through_a_dropped_connection_and_the_coordinator_sees_it_known(
    live_server, browser, town
):
    context = browser.new_context(viewport=PHONE, locale="nl-NL", is_mobile=True, has_touch=True)
    page = context.new_page()
    errors: list[str] = []

    def console(message: Any) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", console)
    sign_in(page, live_server.url, "boa")

    page.goto(f"{live_server.url}/signalen/nieuw/")
    assert page.locator("h1").inner_text() == "Nieuw signaal"
    page.get_by_label("Wat is er aan de hand?").select_option("WO-INTIMIDATIE")
    page.get_by_label("Postcode").fill(f"{town['digits']}ab")
    page.get_by_label("Huisnummer").fill("12")
    page.get_by_label("Huisnummer").press("Tab")
    # The street and the areas come from the postcode table.
    expect(page.locator("#street")).to_have_value("Lindelaan")
    expect(page.locator("#area")).to_have_text("Buurt Lindehof, wijk Centrum")
    page.get_by_label("Wat hebt u gezien of gehoord?").fill(
        "Bewoner bedreigt buren in het trappenhuis, buren zijn bang."
    )
    page.get_by_text("Betrokken personen (optioneel)").click()
    page.locator("#persons_0_name").fill("Johan Brinkers")
    page.locator("#persons_0_bsn").fill(SUBJECT.bsn)
    # Large targets and no sideways scrolling on a 360 px wide phone.
    send = page.get_by_role("button", name="Signaal versturen")
    assert send.bounding_box()["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The first attempt reaches the server, but its answer is lost on the way back.
    attempts: list[str] = []

    def drop_first_answer(route):
        attempts.append(route.request.headers.get("idempotency-key", ""))
        if len(attempts) == 1:
            route.fetch()  # the server files the signal...
            route.abort("internetdisconnected")  # ...and the phone never hears so
        else:
            route.continue_()

    page.route("**/api/v1/signals/", drop_first_answer)
    send.click()
    status = page.locator("#draft-status")
    status.wait_for(state="visible")
    expect(page.locator("#draft-text")).to_contain_text("Geen verbinding")
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.includes('signal-draft')).length")
        == 1
    )
    assert Signal.objects.count() == 1  # filed, though the phone does not know it yet

    # The connection is back: the draft goes again, with the same key, and is not filed twice.
    page.get_by_role("button", name="Nu opnieuw versturen").click()
    page.wait_for_url("**/ontvangen/")
    assert len(attempts) == 2 and attempts[0] == attempts[1] != ""
    reference = page.locator("#reference").inner_text()
    signal = Signal.objects.get()
    assert reference == signal.reference
    assert signal.buurt == f"BU{town['digits']}0101"
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.includes('signal-draft')).length")
        == 0
    )
    page.goto(f"{live_server.url}/signalen/mijn/")
    assert "ontvangen" in page.locator("table").inner_text()
    # The only console error is the dropped request itself (a CSP violation would show here).
    assert [e for e in errors if "ERR_INTERNET_DISCONNECTED" not in e] == []
    context.close()

    # The coordinator's inbox: exactly one signal, recognised by its BSN.
    context = browser.new_context(viewport=PHONE, locale="nl-NL", is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, live_server.url, "coordinator")
    page.goto(f"{live_server.url}/signalen/triage/")
    rows = page.locator("table.inbox tbody tr")
    assert rows.count() == 1
    assert reference in rows.first.inner_text()
    assert "bekend" in rows.first.locator(".known").inner_text()
    assert "zelfde BSN" in rows.first.locator(".known").inner_text()
    rows.first.get_by_role("link", name=reference).click()
    known = page.locator("#known")
    assert town["case"].reference in known.inner_text()
    assert "zelfde BSN" in known.inner_text()

    # Link it to the known case.
    page.get_by_role("button", name="Koppelen").click()
    page.wait_for_url(f"**/casussen/{town['case'].uuid}/")
    signal.refresh_from_db()
    assert signal.case == town["case"]
    context.close()


def test_a_draft_written_offline_is_sent_by_itself_when_the_phone_is_online_again(
    live_server, browser, town
):
    context = browser.new_context(viewport=PHONE, locale="nl-NL", is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, live_server.url, "boa")
    page.goto(f"{live_server.url}/signalen/nieuw/")
    page.get_by_label("Wat is er aan de hand?").select_option("JO-HANGEN")
    page.get_by_label("Postcode").fill(f"{town['digits']}AB")
    page.get_by_label("Straat").fill("Lindelaan 3")
    page.get_by_label("Wat hebt u gezien of gehoord?").fill("Groep jongeren bij de ingang.")

    context.set_offline(True)
    page.get_by_role("button", name="Signaal versturen").click()
    expect(page.locator("#draft-text")).to_contain_text("Geen verbinding")
    assert Signal.objects.count() == 0

    # Back online, the page sends the draft by itself, with the same key.
    context.set_offline(False)
    page.wait_for_url("**/ontvangen/")
    assert Signal.objects.get().description == "Groep jongeren bij de ingang."
    context.close()

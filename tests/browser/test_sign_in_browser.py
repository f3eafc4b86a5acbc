"""Signing in, in a real browser, at phone and desktop sizes."""

from __future__ import annotations

import pytest

from permissions.constants import RoleSlug
from permissions.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-staple"


def test_demo_coordinator_signs_in_on_a_phone(live_server, phone_page, gemeente):
    UserFactory(username="coordinator", organisation=gemeente, is_demo=True)
    page = phone_page
    page.goto(f"{live_server.url}/")
    assert "/aanmelden/" in page.url
    assert page.locator("h1").inner_text() == "Inloggen"
    page.get_by_label("Gebruikersnaam").fill("coordinator")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    # Large targets for a thumb: at least 44 px high, fields and button.
    for target in (page.get_by_label("Wachtwoord"), page.get_by_role("button", name="Inloggen")):
        box = target.bounding_box()
        assert box is not None and box["height"] >= 44
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{live_server.url}/")
    assert "Welkom" in page.locator("h1").inner_text()
    # No sideways scrolling on a 360 px wide screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.console_errors == []  # among them: any Content-Security-Policy violation


def test_staff_member_is_asked_to_enrol_an_authenticator(live_server, desktop_page, gemeente):
    UserFactory(username="staff", organisation=gemeente, role=RoleSlug.COORDINATOR)
    page = desktop_page
    page.goto(f"{live_server.url}/aanmelden/")
    page.get_by_label("Gebruikersnaam").fill("staff")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.goto(f"{live_server.url}/")
    page.wait_for_url("**/aanmelden/tweede-factor/instellen/**")
    assert page.locator("h1").inner_text() == "Inloggen met twee factoren instellen"
    qr = page.get_by_role("img", name="QR-code voor uw authenticator-app")
    assert qr.evaluate("img => img.naturalWidth") > 0
    assert page.console_errors == []


def test_wrong_password_shows_a_dutch_message(live_server, phone_page, gemeente):
    UserFactory(username="coordinator", organisation=gemeente, is_demo=True)
    page = phone_page
    page.goto(f"{live_server.url}/aanmelden/")
    page.get_by_label("Gebruikersnaam").fill("coordinator")
    page.get_by_label("Wachtwoord").fill("wrong")
    page.get_by_role("button", name="Inloggen").click()
    assert "juiste gebruikersnaam en wachtwoord" in page.locator("[role=alert]").inner_text()

"""The dashboard with a year of demo data, in a real browser at desktop and phone sizes:
charts drawn on the server, nothing the Content-Security-Policy refuses."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/aanmelden/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill("demo-demo-demo")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{live_server.url}/")


def test_the_dashboard_draws_the_demo_year_on_desktop_and_phone(
    live_server, desktop_page, phone_page
):
    call_command("seed_demo", "--history", stdout=StringIO())

    page = desktop_page
    sign_in(page, live_server, "coordinator")
    page.get_by_role("link", name="Dashboard").click()
    assert "Dashboard · Lindewaard" in page.locator("h1").inner_text()
    hotspots = page.locator("#wijken")
    assert hotspots.locator("svg rect").count() == 10
    assert "Centrum" in (hotspots.locator("svg").text_content() or "")
    heat = page.locator("#tijden svg")
    assert heat.locator("rect").count() == 7 * 24
    box = heat.bounding_box()
    assert box is not None and box["width"] > 400
    assert page.locator("#caseload svg rect").count() >= 3
    page.get_by_role("link", name="Naar de raadsweergave").click()
    assert "Raadsweergave" in page.locator("h1").inner_text()
    assert page.locator("#caseload").count() == 0
    assert page.console_errors == []  # among them: any Content-Security-Policy violation

    phone = phone_page
    sign_in(phone, live_server, "teamlead")
    phone.goto(f"{live_server.url}/dashboard/")
    assert phone.locator("[data-testid=figure]").count() >= 15
    chart = phone.locator("#wijken svg").bounding_box()
    assert chart is not None and chart["width"] <= 360
    # No sideways scrolling on a 360 px wide screen: wide tables scroll inside their box.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone.console_errors == []

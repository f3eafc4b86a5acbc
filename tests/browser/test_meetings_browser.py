"""The Zorg- en Veiligheidstafel in a real browser: minutes in three parts, a decision that
becomes an action, and the partner closing it on Mijn acties."""

from __future__ import annotations

import datetime
from typing import cast

import pytest
from django.utils import timezone

from casework.models import MeetingType, PlanAction
from casework.services import meeting_plan
from casework.tests.factories import invite, make_case
from permissions.constants import OrganisationType, RoleSlug
from permissions.models import Organisation, User
from permissions.tests.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-staple"


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/aanmelden/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{live_server.url}/")


def test_table_records_minutes_and_the_partner_closes_its_action(
    live_server, desktop_page, phone_page, gemeente
):
    ggz = cast(Organisation, OrganisationFactory(name="GGZ Testwaard", type=OrganisationType.GGZ))
    coordinator = cast(
        User,
        UserFactory(
            username="coordinator", organisation=gemeente, role=RoleSlug.COORDINATOR, is_demo=True
        ),
    )
    UserFactory(username="ggz", organisation=ggz, role=RoleSlug.PARTNER, is_demo=True)
    case = make_case(owner=gemeente, coordinator=coordinator, with_content=False)
    invite(case, ggz, coordinator)
    meeting = meeting_plan(
        actor=coordinator,
        meeting_type=MeetingType.objects.get(municipality=gemeente.municipality, code="zvt"),
        starts_at=timezone.now() + datetime.timedelta(days=2),
        cases=[case],
    )
    page = desktop_page
    sign_in(page, live_server, "coordinator")
    page.get_by_role("link", name="Overleggen").click()
    page.locator(f"a[href='/overleggen/{meeting.uuid}/']").click()
    item = page.get_by_test_id("agenda-item")
    item.get_by_label("Beeldvorming").fill("Buren melden geluidsoverlast; huurder is onrustig.")
    item.get_by_label("Oordeelsvorming").fill("Zorg gaat voor handhaving.")
    item.get_by_label("Besluitvorming").fill("GGZ legt een huisbezoek af.")
    item.get_by_role("button", name="Verslag opslaan").click()
    assert "Verslag van" in page.locator(".messages").inner_text()
    item = page.get_by_test_id("agenda-item")
    assert "GGZ legt een huisbezoek af." in item.get_by_test_id("minutes").inner_text()
    item.locator("summary", has_text="Actie toevoegen").click()
    item.get_by_label("Te ondernemen actie").fill("Huisbezoek")
    item.get_by_label("Uitvoerende organisatie").select_option(label="GGZ Testwaard")
    due = timezone.localdate() + datetime.timedelta(days=14)
    item.get_by_label("Deadline").fill(due.isoformat())
    item.get_by_role("button", name="Actie toevoegen").click()
    assert "Actie toegevoegd." in page.locator(".messages").inner_text()
    assert page.console_errors == []

    partner = phone_page
    sign_in(partner, live_server, "ggz")
    partner.get_by_role("link", name="Mijn acties").click()
    action = partner.get_by_test_id("action")
    assert "Huisbezoek" in action.inner_text()
    action.locator("summary").click()
    action.get_by_label("Wat is er gedaan").fill("Huisbezoek afgelegd, vervolg via de huisarts.")
    action.get_by_role("button", name="Opslaan").click()
    assert "Actie afgesloten." in partner.locator(".messages").inner_text()
    assert "Geen openstaande acties." in partner.content()
    assert partner.evaluate("document.documentElement.scrollWidth") <= 360
    assert partner.console_errors == []
    closed = PlanAction.objects.get(title="Huisbezoek")
    assert closed.status == "done"
    assert closed.done_note == "Huisbezoek afgelegd, vervolg via de huisarts."

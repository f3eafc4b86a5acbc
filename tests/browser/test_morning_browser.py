"""The coordinator's morning in a real browser, and the partner's restricted view of the
same case: workspace → triage a signal into a case → invite a partner → plan it on a
meeting → record minutes with an action → the partner closes the action on a phone."""

from __future__ import annotations

import datetime
from typing import cast

import pytest
from django.utils import timezone

from casework.models import Case, PlanAction
from permissions.constants import OrganisationType, RoleSlug
from permissions.models import Organisation, User
from permissions.tests.factories import TEST_PASSWORD, OrganisationFactory, UserFactory
from signals.services import (
    LocationInput,
    PersonInput,
    SignalInput,
    categories_ensure_defaults,
    signal_file,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BSN = "111222333"


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/aanmelden/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{base}/")


def test_the_coordinators_morning_and_the_partners_view(
    live_server, desktop_page, phone_page, gemeente
):
    categories_ensure_defaults()
    ggz = cast(Organisation, OrganisationFactory(name="GGZ Testwaard", type=OrganisationType.GGZ))
    UserFactory(
        username="coordinator", organisation=gemeente, role=RoleSlug.COORDINATOR, is_demo=True
    )
    UserFactory(username="ggz", organisation=ggz, role=RoleSlug.PARTNER, is_demo=True)
    boa = cast(
        User, UserFactory(username="boa", organisation=gemeente, role=RoleSlug.BOA, is_demo=True)
    )
    filed = signal_file(
        reporter=boa,
        data=SignalInput(
            category="WO-GELUID",
            description="Harde muziek tot diep in de nacht, buren slapen niet.",
            observed_at=timezone.now() - datetime.timedelta(hours=3),
            location=LocationInput(address="Lindelaan 12", postcode="9999AB"),
            persons=(PersonInput(role="subject", name="Johan Brinkers", bsn=BSN),),
        ),
    ).signal

    page = desktop_page
    base = live_server.url
    sign_in(page, base, "coordinator")
    # The workspace: the signal waits for triage.
    work = page.locator("#werk-signalen")
    assert "1 signaal wacht op triage" in work.inner_text()
    work.get_by_role("link", name=filed.reference).click()
    # Triage into a new case.
    page.get_by_role("button", name="Casus openen").click()
    page.wait_for_url(f"{base}/casussen/**")
    case = Case.objects.get()
    # Invite the GGZ on a legal basis.
    participants = page.get_by_test_id("participants")
    participants.get_by_label("Organisatie").select_option(label="GGZ Testwaard")
    participants.get_by_label("Grondslag").fill("Convenant Zorg- en Veiligheidshuis, art. 5")
    participants.get_by_role("button", name="Uitnodigen").click()
    assert "GGZ Testwaard" in page.get_by_test_id("participants").inner_text()
    # Plan a meeting and put the case on its agenda.
    page.get_by_role("link", name="Overleggen").first.click()
    plan = page.get_by_test_id("plan-meeting")
    plan.get_by_label("Soort overleg").select_option(index=1)
    starts = timezone.localtime() + datetime.timedelta(days=3)
    plan.get_by_label("Datum en tijd").fill(starts.strftime("%Y-%m-%dT10:00"))
    plan.get_by_role("button", name="Plannen").click()
    page.wait_for_url(f"{base}/overleggen/*/")
    page.get_by_label("Casus").select_option(value=str(case.uuid))
    page.get_by_role("button", name="Op de agenda zetten").click()
    # Minutes in three parts, and the decision becomes an action for the GGZ.
    item = page.get_by_test_id("agenda-item")
    item.get_by_label("Beeldvorming").fill("Buren melden geluidsoverlast; bewoner is onrustig.")
    item.get_by_label("Oordeelsvorming").fill("Zorg gaat voor handhaving.")
    item.get_by_label("Besluitvorming").fill("GGZ legt een huisbezoek af.")
    item.get_by_role("button", name="Verslag opslaan").click()
    item = page.get_by_test_id("agenda-item")
    item.locator("summary", has_text="Actie toevoegen").click()
    item.get_by_label("Te ondernemen actie").fill("Huisbezoek")
    item.get_by_label("Uitvoerende organisatie").select_option(label="GGZ Testwaard")
    item.get_by_label("Deadline").fill(
        (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    )
    item.get_by_role("button", name="Actie toevoegen").click()
    assert "Actie toegevoegd." in page.locator(".messages").inner_text()
    assert page.console_errors == []

    # The partner, on a phone: the case without what GGZ may not see, and its own action.
    partner = phone_page
    sign_in(partner, base, "ggz")
    partner.goto(f"{base}/casussen/{case.uuid}/")
    html = partner.content()
    assert case.reference in html
    assert BSN not in html  # the BSN group is not the GGZ's
    assert "Huisbezoek" in partner.locator("#plan").inner_text()
    assert (
        partner.get_by_test_id("participants").count() == 0
    )  # who else takes part: not its business
    partner.get_by_role("link", name="Mijn acties").click()
    action = partner.get_by_test_id("action")
    action.locator("summary").click()
    action.get_by_label("Wat is er gedaan").fill("Huisbezoek afgelegd.")
    action.get_by_role("button", name="Opslaan").click()
    assert "Actie afgesloten." in partner.locator(".messages").inner_text()
    assert partner.evaluate("document.documentElement.scrollWidth") <= 360
    assert partner.console_errors == []
    assert PlanAction.objects.get(title="Huisbezoek").status == "done"

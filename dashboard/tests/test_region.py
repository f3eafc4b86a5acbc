"""The region's figures: per municipality and for the region, aggregates only, for those who
see a municipality's dashboard in the region and for the ZVH's procesregisseur."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework.models import CaseType
from casework.services import case_escalate_to_zvh
from casework.tests.factories import make_case
from dashboard.region import region_table
from dashboard.selectors import Period
from dashboard.tables import SUPPRESSED, WITHHELD
from permissions.constants import OrganisationType, RoleSlug
from permissions.models import Municipality
from permissions.services import region_get_or_create
from permissions.tests.factories import make_organisation, make_user, signed_in
from signals.tests.factories import make_signal, wijk_of

pytestmark = pytest.mark.django_db


def column(table, label: str) -> int:
    return [str(c.label) for c in table.columns].index(label)


def rows_by_name(table) -> dict[str, tuple]:
    return {str(row[0]): row for row in table.rows}


@pytest.fixture
def region(orgs, actors):
    """Testwaard: 6 signals, no escalation. Buurdorp: 7 signals, one escalation to the ZVH."""
    testwaard, buurdorp = orgs["gemeente"], orgs["buurgemeente"]
    for _ in range(6):
        make_signal(actors["boa"], wijk=wijk_of(testwaard.municipality, 1))
    buurboa = make_user(username="buurboa", organisation=buurdorp, role=RoleSlug.BOA)
    for _ in range(7):
        make_signal(buurboa, wijk=wijk_of(buurdorp.municipality, 1))
    theirs = make_case(
        owner=buurdorp, coordinator=actors["buurcoordinator"], case_type=CaseType.MULTIPROBLEM
    )
    case_escalate_to_zvh(case=theirs, approved_by=actors["buurcoordinator"])
    return testwaard.municipality.region


def table_now(region_id: int):
    today = timezone.localdate()
    start, end = Period.last_twelve_months(today).bounds()
    return region_table(region_id=region_id, start=start, end=end, today=today)


def test_a_row_per_municipality_and_one_for_the_region(region):
    municipalities, table = table_now(region.pk)
    rows = rows_by_name(table)

    assert [m.name for m in municipalities] == ["Gemeente Buurdorp", "Gemeente Testwaard"]
    assert list(rows) == ["Gemeente Buurdorp", "Gemeente Testwaard", "Regio"]
    signals = column(table, "Ontvangen signalen")
    assert rows["Gemeente Testwaard"][signals] == 6
    assert rows["Gemeente Buurdorp"][signals] == 7
    assert rows["Regio"][signals] == 13


def test_small_counts_are_suppressed_and_the_region_does_not_give_one_away(region, orgs, actors):
    zvh = column(table_now(region.pk)[1], "Opgeschaald naar het Zorg- en Veiligheidshuis")
    rows = rows_by_name(table_now(region.pk)[1])
    assert rows["Gemeente Buurdorp"][zvh] == SUPPRESSED
    assert rows["Gemeente Testwaard"][zvh] == SUPPRESSED
    assert rows["Regio"][zvh] == SUPPRESSED

    # Five more Testwaard multiproblem cases: Testwaard shows 5 open, Buurdorp "<5", and
    # the region's total (which would give Buurdorp's count away) is suppressed too.
    for _ in range(5):
        make_case(
            owner=orgs["gemeente"],
            coordinator=actors["coordinator"],
            case_type=CaseType.MULTIPROBLEM,
            with_content=False,
        )
    _, table = table_now(region.pk)
    rows = rows_by_name(table)
    multi = column(table, "Open multiproblemcasussen")
    assert rows["Gemeente Testwaard"][multi] == 5
    assert rows["Gemeente Buurdorp"][multi] == SUPPRESSED
    assert rows["Regio"][multi] == SUPPRESSED
    # A share resting on a suppressed cohort is withheld.
    share = len(table.columns) - 1
    assert all(row[share] == WITHHELD for row in table.rows)


@pytest.mark.parametrize("name", ["coordinator", "teamlead", "buurcoordinator", "zvh"])
def test_the_region_page_for_dashboard_users_and_the_zvh(region, orgs, actors, name):
    if name == "zvh":
        actors["zvh"] = make_user(
            username="zvh", organisation=orgs["zvh"], role=RoleSlug.ZVH_PROCESREGISSEUR
        )
    response = signed_in(actors[name]).get("/dashboard/regio/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Regio Testwaard" in html
    assert "Gemeente Buurdorp" in html and "Gemeente Testwaard" in html


@pytest.mark.parametrize("name", ["boa", "ggz", "wijkagent", "privacy", "beheer"])
def test_no_region_page_for_others(region, actors, name):
    assert signed_in(actors[name]).get("/dashboard/regio/").status_code == 403


def test_another_regions_municipalities_never_show(region, actors):
    elsewhere = region_get_or_create(code="regio-elders", name="Regio Elders")
    other = make_organisation(
        name="Gemeente Verweg",
        type=OrganisationType.GEMEENTE,
        municipality=Municipality.objects.create(
            code="GM8888", name="Gemeente Verweg", region=elsewhere
        ),
    )
    far = make_user(username="verweg", organisation=other, role=RoleSlug.COORDINATOR)

    mine = signed_in(actors["coordinator"]).get("/dashboard/regio/").content.decode()
    theirs = signed_in(far).get("/dashboard/regio/").content.decode()

    assert "Gemeente Verweg" not in mine
    assert "Gemeente Verweg" in theirs
    assert "Gemeente Testwaard" not in theirs and "Gemeente Buurdorp" not in theirs


def test_the_csv_holds_the_suppressed_table(region, actors):
    response = signed_in(actors["coordinator"]).get("/dashboard/regio/?csv=region")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Gemeente"
    assert [r[0] for r in rows[1:]] == ["Gemeente Buurdorp", "Gemeente Testwaard", "Regio"]
    assert SUPPRESSED in rows[1]
    assert signed_in(actors["coordinator"]).get("/dashboard/regio/?csv=nope").status_code == 404


def test_queries_grow_by_a_constant_per_municipality(region):
    with CaptureQueriesContext(connection) as two:
        table_now(region.pk)
    make_organisation(name="Gemeente Derdewaard", type=OrganisationType.GEMEENTE)
    with CaptureQueriesContext(connection) as three:
        municipalities, _ = table_now(region.pk)
    assert len(municipalities) == 3
    per_municipality = len(three) - len(two)
    assert len(two) == 1 + 2 * per_municipality
    assert per_municipality <= 25

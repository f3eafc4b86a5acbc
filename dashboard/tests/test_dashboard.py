"""The dashboard's figures on a small hand-made municipality, the council view, CSV export,
who may see it, and its query budget."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from casework.models import Case, CaseHistory, CaseType, HistoryKind, PlanAction
from casework.services import case_escalate_to_zvh, plan_action_add
from casework.tests.factories import make_case
from dashboard.selectors import Period, dashboard_tables
from dashboard.tables import SUPPRESSED, WITHHELD, Table
from dashboard.views import _csv_cell
from permissions.constants import OrganisationType, RoleSlug
from permissions.tests.factories import make_organisation, make_user, region_for_tests, signed_in
from signals.models import Buurt, Signal, Wijk
from signals.services import signal_triage
from signals.tests.factories import buurt_of, make_signal, wijk_of

pytestmark = pytest.mark.django_db

AMSTERDAM = timezone.get_default_timezone()


def at(days_ago: int, hour: int = 12, weekday: int | None = None) -> datetime.datetime:
    """A moment ``days_ago`` days back at ``hour`` local time, moved back to ``weekday``."""
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    if weekday is not None:
        day -= datetime.timedelta(days=(day.isoweekday() - weekday) % 7)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=AMSTERDAM)


def place(signal: Signal, *, received: datetime.datetime, decided_after: Any = None) -> None:
    fields: dict[str, Any] = {"created_at": received, "observed_at": received}
    if decided_after is not None:
        fields["decided_at"] = received + decided_after
    Signal.objects.filter(pk=signal.pk).update(**fields)


def enter(case: Case, state: str, moment: datetime.datetime) -> None:
    """A transition into ``state`` at ``moment``: history is stamped on insert, never edited."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        CaseHistory.objects.create(
            case=case, kind=HistoryKind.TRANSITION, name="test", from_state="x", to_state=state
        )


@pytest.fixture
def town(orgs, actors):
    """Gemeente Testwaard with two wijken; its neighbour's figures must never show."""
    gemeente, coordinator, boa = orgs["gemeente"], actors["coordinator"], actors["boa"]
    m = gemeente.municipality
    centrum = Wijk.objects.create(municipality=m, code=wijk_of(m, 1), name="Centrum")
    noord = Wijk.objects.create(municipality=m, code=wijk_of(m, 2), name="Noord")
    Buurt.objects.create(wijk=centrum, code=buurt_of(m, 1, 1), name="Markt")
    Buurt.objects.create(wijk=noord, code=buurt_of(m, 2, 1), name="Park")
    friday_night = at(10, hour=22, weekday=5)
    centre = [
        make_signal(boa, wijk=wijk_of(m, 1), buurt=buurt_of(m, 1, 1), category="JO-HANGEN")
        for _ in range(6)
    ]
    for signal in centre:
        place(signal, received=friday_night)
    north = [
        make_signal(boa, wijk=wijk_of(m, 2), buurt=buurt_of(m, 2, 1), category="WO-GELUID")
        for _ in range(2)
    ]
    police = make_signal(
        actors["wijkagent"], wijk=wijk_of(m, 2), buurt=buurt_of(m, 2, 1), category="WO-GELUID"
    )
    old = make_signal(boa, wijk=wijk_of(m, 1), category="WO-GELUID")
    for signal, reason in ((north[0], "Geen overlast"), (north[1], "Dubbel")):
        signal_triage(signal=signal, actor=coordinator, decision="dismiss", reason=reason)
    signal_triage(
        signal=police,
        actor=coordinator,
        decision="forward",
        forward_to="Politie",
        reason="Strafbaar",
    )
    place(north[0], received=at(5, hour=9, weekday=1), decided_after=datetime.timedelta(hours=2))
    place(north[1], received=at(5, hour=9, weekday=1), decided_after=datetime.timedelta(days=3))
    place(police, received=at(30, hour=15, weekday=3), decided_after=datetime.timedelta(days=10))
    place(old, received=at(800))

    # Neighbouring municipality: a signal and an escalated case that must not count.
    buur = orgs["buurgemeente"]
    buurboa = make_user(username="buurboa", organisation=buur, role=RoleSlug.BOA)
    for _ in range(4):
        make_signal(buurboa, wijk=wijk_of(buur.municipality, 1), category="JO-HANGEN")
    theirs = make_case(
        owner=buur, coordinator=actors["buurcoordinator"], case_type=CaseType.MULTIPROBLEM
    )
    case_escalate_to_zvh(case=theirs, approved_by=actors["buurcoordinator"])

    def case(case_type: CaseType, days_ago: int, by: Any = coordinator) -> Case:
        made = make_case(owner=gemeente, coordinator=by, case_type=case_type, with_content=False)
        Case.objects.filter(pk=made.pk).update(opened_at=at(days_ago))
        made.refresh_from_db()
        return made

    case(CaseType.WOONOVERLAST, 1)
    case(CaseType.WOONOVERLAST, 2, by=actors["colleague"])
    youth = case(CaseType.JEUGDOVERLAST, 40)
    enter(youth, "plan_van_aanpak", at(30))
    multi = case(CaseType.MULTIPROBLEM, 100)
    enter(multi, "plan_van_aanpak", at(80))
    enter(multi, "afschaling", at(20))
    case_escalate_to_zvh(case=multi, approved_by=actors["teamlead"])
    riec = case(CaseType.RIEC, 50)
    enter(riec, "ingebracht", at(45))
    enter(riec, "interventie", at(10))
    nuisance = case(CaseType.WOONOVERLAST, 60)
    enter(nuisance, "waarschuwing", at(50))
    enter(nuisance, "gedragsaanwijzing", at(40))
    enter(nuisance, "gedragsaanwijzing", at(30))  # the same case twice counts once
    for reason in ("verminderd", "niet_verminderd"):
        closed = case(CaseType.WOONOVERLAST, 200)
        Case.objects.filter(pk=closed.pk).update(
            state="gesloten", closing_reason=reason, closed_at=at(140)
        )
    action = plan_action_add(
        case=youth, actor=coordinator, title="Groep benaderen", owner_organisation=gemeente
    )
    PlanAction.objects.filter(pk=action.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    return m


def tables_of(municipality: Any, council: bool = False) -> dict[str, Table]:
    today = timezone.localdate()
    tables = dashboard_tables(
        municipality_id=municipality.pk,
        period=Period.last_twelve_months(today),
        today=today,
        council=council,
    )
    return {t.key: t for t in tables}


def test_signal_figures_count_the_own_municipality_in_the_period(town):
    tables = tables_of(town)
    centrum, noord = wijk_of(town, 1), wijk_of(town, 2)
    assert tables["wijken"].rows == [("Centrum", centrum, 6), ("Noord", noord, 3)]
    assert tables["buurten"].rows == [
        ("Markt", "Centrum", buurt_of(town, 1, 1), 6),
        ("Park", "Noord", buurt_of(town, 2, 1), 3),
    ]
    categories = [(r[1], r[2]) for r in tables["categorieen"].rows]
    assert categories == [("JO-HANGEN", 6), ("WO-GELUID", 3)]
    friday = tables["tijden"].rows[4]
    assert friday[0] == "vr" and friday[1 + 22] == 6
    assert sum(v for row in tables["tijden"].rows for v in row[1:]) == 9
    assert [n for _, n in tables["bronnen"].rows] == [8, 1]
    assert dict(tables["triage"].rows)["Nog niet besloten"] == 6
    assert [n for _, n in tables["beslistijd"].rows] == [1, 1, 1, 6]


def test_case_figures(town):
    tables = tables_of(town)
    assert [n for _, n in tables["open-per-type"].rows] == [1, 1, 1, 3]
    assert sorted(n for _, n in tables["caseload"].rows) == [1, 5]
    assert [(r[1], r[2]) for r in tables["intake-plan"].rows] == [(1, 10.0), (1, 20.0), (2, 15.0)]
    assert [(r[1], r[2]) for r in tables["plan-afschaling"].rows] == [(1, 60.0)]
    assert tables["woonoverlast-3-maanden"].rows[0][1:] == (2, 1, 50)
    assert [n for _, n in tables["escalaties"].rows] == [1, 1, 1]
    assert [(r[1], r[2]) for r in tables["sluitredenen"].rows] == [
        ("niet verminderd", 1),
        ("verminderd", 1),
    ]
    assert [n for _, n in tables["acties-over-tijd"].rows] == [1]
    assert [(r[0], r[2]) for r in tables["maatregelen"].rows] == [
        ("Waarschuwing burgemeester", 1),
        ("Gedragsaanwijzing opgelegd", 1),
        ("Handhaving (dwangsom / bestuursdwang / huisverbod ≤ 10 dagen)", 0),
        ("Gemeentelijke interventie", 1),
    ]


def test_the_period_filter_leaves_out_what_happened_before(town, actors):
    client = signed_in(actors["coordinator"])
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    page = client.get(f"/dashboard/?from={since}")
    tables = {t.key: t for t, _chart in page.context["tables"]}
    assert [r[-1] for r in tables["wijken"].rows] == [2]
    assert [n for _, n in tables["escalaties"].rows] == [1, 0, 0]


def test_the_council_sees_no_count_under_five_and_no_caseload(town, actors):
    tables = tables_of(town, council=True)
    assert "caseload" not in tables
    centrum, noord = wijk_of(town, 1), wijk_of(town, 2)
    assert SUPPRESSED == "<5"
    assert tables["wijken"].rows == [("Centrum", centrum, 6), ("Noord", noord, "<5")]
    assert tables["woonoverlast-3-maanden"].rows[0][1:] == ("<5", "<5", WITHHELD)
    assert all(r[1:] == ("<5", WITHHELD) for r in tables["intake-plan"].rows)
    html = signed_in(actors["teamlead"]).get("/dashboard/raad/").content.decode()
    assert "Raadsweergave" in html and "&lt;5" in html
    assert "Caseload per coördinator" not in html


def test_a_suppressed_count_draws_no_bar(town, actors):
    page = signed_in(actors["teamlead"]).get("/dashboard/raad/")
    charts = {t.key: chart for t, chart in page.context["tables"]}
    bars = {bar.label: bar for bar in charts["wijken"].bars}
    assert bars["Noord"].width == 0 and bars["Noord"].value == "<5"
    assert bars["Centrum"].width > 0


def test_every_table_exports_as_csv(town, actors):
    client = signed_in(actors["coordinator"])
    response = client.get("/dashboard/?csv=wijken")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["Wijk", "Code", "Aantal"],
        ["Centrum", wijk_of(town, 1), "6"],
        ["Noord", wijk_of(town, 2), "3"],
    ]
    council = client.get("/dashboard/raad/?csv=wijken").content.decode()
    assert "Noord," + wijk_of(town, 2) + ",<5" in council
    for table in tables_of(town):
        assert client.get(f"/dashboard/?csv={table}").status_code == 200
    assert client.get("/dashboard/raad/?csv=caseload").status_code == 404


def test_the_neighbours_coordinator_sees_only_its_own_figures(town, actors):
    page = signed_in(actors["buurcoordinator"]).get("/dashboard/")
    assert page.status_code == 200
    tables = {t.key: t for t, _chart in page.context["tables"]}
    assert [r[-1] for r in tables["wijken"].rows] == [4]
    assert [n for _, n in tables["escalaties"].rows] == [1, 0, 0]
    html = page.content.decode()
    assert "Centrum" not in html and "Gemeente Testwaard" not in html


@pytest.mark.parametrize("actor", ["boa", "privacy", "beheer", "wijkagent", "ggz", "corporatie"])
def test_others_are_refused(town, actors, actor):
    client = signed_in(actors[actor])
    for path in ("/dashboard/", "/dashboard/raad/", "/dashboard/?csv=wijken"):
        assert client.get(path).status_code == 403


def test_a_werkorganisatie_without_a_municipality_sees_no_dashboard(town, orgs):
    werkorganisatie = make_organisation(
        name="Werkorganisatie Testregio", type=OrganisationType.GEMEENTE, region=region_for_tests()
    )
    coordinator = make_user(
        username="werk", organisation=werkorganisatie, role=RoleSlug.COORDINATOR
    )
    assert signed_in(coordinator).get("/dashboard/").status_code == 403


def test_a_period_that_is_no_date_falls_back_to_the_last_twelve_months(town, actors):
    page = signed_in(actors["coordinator"]).get("/dashboard/?from=gisteren")
    assert page.context["period"] == Period.last_twelve_months(timezone.localdate())
    assert "Dat is geen datum" in page.content.decode()
    backwards = signed_in(actors["teamlead"]).get("/dashboard/?from=2026-05-01&to=2026-01-01")
    assert "Die periode kan niet worden getoond" in backwards.content.decode()


def test_csv_cells_never_start_a_formula():
    assert _csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert _csv_cell("Centrum") == "Centrum"
    assert _csv_cell(12) == "12"


def test_signed_out_goes_to_sign_in(client):
    assert client.get("/dashboard/").status_code == 302


def test_the_dashboard_in_a_bounded_number_of_queries(town, actors, django_assert_max_num_queries):
    client = signed_in(actors["coordinator"])
    with django_assert_max_num_queries(28):
        page = client.get("/dashboard/")
    assert page.status_code == 200
    assert "Hotspots: signalen per wijk" in page.content.decode()

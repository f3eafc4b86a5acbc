"""Counts over one municipality's cases for the dashboard: plain columns only, never content.

These selectors answer for a municipality, not for a person: the caller decides who may see
a municipality's figures (``dashboard.policies``). Every figure is a bounded number of
aggregate queries; lead times read the first time a case entered a state from its history.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Count, Min, Q

from casework.models import ActionStatus, Case, CaseHistory, CaseType, HistoryKind, PlanAction
from workflows.machines import MACHINES

FINAL_STATES = frozenset(s.name for m in MACHINES.values() for s in m.states if s.final)
# The plan van aanpak is agreed when a case enters this state (youth and multiproblem cases);
# it is stepped down (afschaling) when it first enters one of the next.
PLAN_STATE = "plan_van_aanpak"
STEP_DOWN_STATES = ("afschaling", "nazorg")
# The states that are a legal measure taken by the municipality: the mayor's warning, the
# behaviour order (gedragsaanwijzing, art. 151d Gemeentewet), enforcement (dwangsom,
# bestuursdwang, huisverbod) and the municipality's own intervention after a RIEC weighing.
LEGAL_MEASURE_STATES: tuple[tuple[str, str], ...] = (
    (CaseType.WOONOVERLAST, "waarschuwing"),
    (CaseType.WOONOVERLAST, "gedragsaanwijzing"),
    (CaseType.WOONOVERLAST, "handhaving"),
    (CaseType.RIEC, "interventie"),
)
# A woonoverlast case is solved when it closes because the nuisance stopped.
SOLVED_REASON = "verminderd"
SOLVED_WITHIN_MONTHS = 3


@dataclass(frozen=True)
class LeadTime:
    """How many days from one moment to another: the median over ``count`` cases."""

    case_type: str
    count: int
    median_days: float | None


@dataclass(frozen=True)
class CaseFigures:
    open_by_type_state: list[tuple[str, str, int]]  # case type, state, count (now)
    caseload: list[tuple[str, int]]  # coordinator's name, open cases (now)
    intake_to_plan: list[LeadTime]  # plan agreed in the period
    plan_to_step_down: list[LeadTime]  # stepped down in the period
    woonoverlast_cohort: int  # opened in the period and at least three months ago
    woonoverlast_solved: int  # of those, closed as solved within three months
    escalations: dict[str, int]  # zvh, riec_opened, riec_submitted (in the period)
    closing_reasons: list[tuple[str, str, int]]  # case type, reason, count (in the period)
    overdue_actions: list[tuple[str, int]]  # owner organisation, open actions past due
    legal_measures: list[tuple[str, str, int]]  # case type, state, cases (in the period)


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day where it has fewer days."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _lead_times(durations: dict[str, list[float]]) -> list[LeadTime]:
    rows = [
        LeadTime(case_type=t, count=len(d), median_days=statistics.median(d) if d else None)
        for t, d in sorted(durations.items())
    ]
    everything = [days for d in durations.values() for days in d]
    if len(durations) > 1:
        rows.append(
            LeadTime(
                case_type="",
                count=len(everything),
                median_days=statistics.median(everything) if everything else None,
            )
        )
    return rows


def case_figures(
    *,
    municipality_id: int,
    start: datetime.datetime,
    end: datetime.datetime,
    today: datetime.date,
) -> CaseFigures:
    """The dashboard's case figures for ``municipality_id``; events in [start, end).

    Open cases, caseload and overdue actions are counted as they stand now; the others
    count what happened in the period. Seven queries; nothing is decrypted. Confidential
    cases are counted too: a count names nobody.
    """
    cases = Case.objects.filter(municipality_id=municipality_id)
    open_cases = cases.exclude(state__in=FINAL_STATES)
    open_by_type_state = [
        (row["case_type"], row["state"], row["n"])
        for row in open_cases.values("case_type", "state")
        .annotate(n=Count("id"))
        .order_by("case_type", "-n", "state")
    ]
    caseload = [
        (
            " ".join(filter(None, (row["coordinator__first_name"], row["coordinator__last_name"])))
            or row["coordinator__username"]
            or "",
            row["n"],
        )
        for row in open_cases.values(
            "coordinator_id",
            "coordinator__first_name",
            "coordinator__last_name",
            "coordinator__username",
        )
        .annotate(n=Count("id"))
        .order_by("-n", "coordinator__last_name", "coordinator_id")
    ]

    # The first time each case entered the plan and a step-down state.
    firsts: dict[int, dict[str, datetime.datetime]] = {}
    types: dict[int, str] = {}
    opened: dict[int, datetime.datetime] = {}
    for row in (
        CaseHistory.objects.filter(
            case__municipality_id=municipality_id,
            kind=HistoryKind.TRANSITION,
            to_state__in=(PLAN_STATE, *STEP_DOWN_STATES),
            at__lt=end,
        )
        .values("case_id", "case__case_type", "case__opened_at", "to_state")
        .annotate(first=Min("at"))
        .order_by()
    ):
        moments = firsts.setdefault(row["case_id"], {})
        state = PLAN_STATE if row["to_state"] == PLAN_STATE else "step_down"
        if state not in moments or row["first"] < moments[state]:
            moments[state] = row["first"]
        types[row["case_id"]] = row["case__case_type"]
        opened[row["case_id"]] = row["case__opened_at"]
    to_plan: dict[str, list[float]] = {}
    to_step_down: dict[str, list[float]] = {}
    day = datetime.timedelta(days=1)
    for case_id, moments in firsts.items():
        plan, step_down = moments.get(PLAN_STATE), moments.get("step_down")
        if plan is not None and start <= plan < end:
            to_plan.setdefault(types[case_id], []).append((plan - opened[case_id]) / day)
        if plan is not None and step_down is not None and start <= step_down < end:
            to_step_down.setdefault(types[case_id], []).append((step_down - plan) / day)

    # Woonoverlast cases old enough to have had their three months.
    cohort_end = min(
        end,
        datetime.datetime.combine(
            months_after(today, -SOLVED_WITHIN_MONTHS), datetime.time.min, tzinfo=start.tzinfo
        ),
    )
    cohort = list(
        cases.filter(
            case_type=CaseType.WOONOVERLAST, opened_at__gte=start, opened_at__lt=cohort_end
        ).values_list("opened_at", "closed_at", "closing_reason")
    )
    solved = sum(
        1
        for opened_at, closed_at, reason in cohort
        if reason == SOLVED_REASON
        and closed_at is not None
        and closed_at.date() <= months_after(opened_at.date(), SOLVED_WITHIN_MONTHS)
    )

    escalations: dict[str, int] = cases.aggregate(
        zvh=Count("id", filter=Q(escalated_to_zvh_at__gte=start, escalated_to_zvh_at__lt=end)),
        riec_opened=Count(
            "id", filter=Q(case_type=CaseType.RIEC, opened_at__gte=start, opened_at__lt=end)
        ),
    )
    escalations["riec_submitted"] = (
        CaseHistory.objects.filter(
            case__municipality_id=municipality_id,
            case__case_type=CaseType.RIEC,
            kind=HistoryKind.TRANSITION,
            to_state="ingebracht",
            at__gte=start,
            at__lt=end,
        )
        .values("case_id")
        .distinct()
        .count()
    )
    closing_reasons = [
        (row["case_type"], row["closing_reason"], row["n"])
        for row in cases.filter(closed_at__gte=start, closed_at__lt=end)
        .values("case_type", "closing_reason")
        .annotate(n=Count("id"))
        .order_by("case_type", "-n", "closing_reason")
    ]
    overdue_actions = [
        (row["owner_organisation__name"] or "", row["n"])
        for row in PlanAction.objects.filter(
            case__municipality_id=municipality_id,
            status=ActionStatus.OPEN,
            due_date__lt=today,
        )
        .values("owner_organisation__name")
        .annotate(n=Count("id"))
        .order_by("-n", "owner_organisation__name")
    ]
    measure_condition = Q(pk__in=[])
    for case_type, state in LEGAL_MEASURE_STATES:
        measure_condition |= Q(case__case_type=case_type, to_state=state)
    measures = {
        (row["case__case_type"], row["to_state"]): row["n"]
        for row in CaseHistory.objects.filter(
            measure_condition,
            case__municipality_id=municipality_id,
            kind=HistoryKind.TRANSITION,
            at__gte=start,
            at__lt=end,
        )
        .values("case__case_type", "to_state")
        .annotate(n=Count("case_id", distinct=True))
    }
    legal_measures = [
        (case_type, state, measures.get((case_type, state), 0))
        for case_type, state in LEGAL_MEASURE_STATES
    ]
    return CaseFigures(
        open_by_type_state=open_by_type_state,
        caseload=caseload,
        intake_to_plan=_lead_times(to_plan),
        plan_to_step_down=_lead_times(to_step_down),
        woonoverlast_cohort=len(cohort),
        woonoverlast_solved=solved,
        escalations=escalations,
        closing_reasons=closing_reasons,
        overdue_actions=overdue_actions,
        legal_measures=legal_measures,
    )

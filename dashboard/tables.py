"""The dashboard's tables: the figures of one municipality, labelled, in the order shown.

A table is what the page shows, what the CSV export writes and what a chart draws, so the
three can never disagree. The council view is the same tables with small counts suppressed
and the staff-only tables left out.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casework.models import CaseType
from casework.selectors import CaseFigures, LeadTime
from signals.models import SignalSource, TriageDecision
from signals.selectors import SignalFigures
from workflows.machines import MACHINES

# Counts under this are shown as "<5" outside the coordinating team (domain brief, 7).
SUPPRESS_UNDER = 5
SUPPRESSED = "<5"
# A measure (a median, a share) that rests on a suppressed count is not shown either.
WITHHELD = "\u2013"  # an en dash
WEEKDAYS = (
    pgettext_lazy("weekday", "Mon"),
    pgettext_lazy("weekday", "Tue"),
    pgettext_lazy("weekday", "Wed"),
    pgettext_lazy("weekday", "Thu"),
    pgettext_lazy("weekday", "Fri"),
    pgettext_lazy("weekday", "Sat"),
    pgettext_lazy("weekday", "Sun"),
)
CASE_TYPE_LABELS = dict(CaseType.choices)
SOURCE_LABELS = dict(SignalSource.choices)
DECISION_LABELS = {**dict(TriageDecision.choices), "": _("Not decided yet")}
DECISION_TIME_LABELS = {
    "day": _("Within 24 hours"),
    "week": _("Within a week"),
    "later": _("After more than a week"),
    "open": _("Not decided yet"),
}
ESCALATION_LABELS = {
    "zvh": _("Escalated to the Zorg- en Veiligheidshuis"),
    "riec_opened": _("RIEC cases opened (ondermijning)"),
    "riec_submitted": _("Submitted to the RIEC"),
}
UNKNOWN = _("(unknown)")


class Kind(StrEnum):
    TEXT = "text"
    COUNT = "count"  # suppressed under five in the council view
    MEASURE = "measure"  # withheld when a count in its row is suppressed


class Chart(StrEnum):
    NONE = ""
    BAR = "bar"
    HEAT = "heat"


@dataclass(frozen=True)
class Column:
    label: Any
    kind: Kind = Kind.TEXT


@dataclass(frozen=True)
class Table:
    """One figure: ``rows`` of cells under ``columns``; ``chart`` says how it is drawn.

    A bar chart draws the first column as labels and the last count column as bars.
    """

    key: str
    title: Any
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]]
    chart: Chart = Chart.NONE
    staff_only: bool = False
    note: Any = ""

    @property
    def value_column(self) -> int:
        return max(i for i, c in enumerate(self.columns) if c.kind == Kind.COUNT)


def state_label(case_type: str, state: str) -> str:
    machine = MACHINES.get(case_type)
    try:
        return machine.state(state).label if machine else state
    except StopIteration:
        return state


def _days(value: float | None) -> Any:
    return WITHHELD if value is None else round(value, 1)


def _lead_rows(lead_times: list[LeadTime]) -> list[tuple[Any, ...]]:
    return [
        (
            CASE_TYPE_LABELS.get(row.case_type, _("All")) if row.case_type else _("All"),
            row.count,
            _days(row.median_days),
        )
        for row in lead_times
    ]


def tables_build(
    *, signals: SignalFigures, cases: CaseFigures, today: datetime.date
) -> list[Table]:
    """Every table of the dashboard, in the order the page shows them."""
    count = Column(_("Number"), Kind.COUNT)
    open_by_type: dict[str, int] = {}
    for case_type, _state, n in cases.open_by_type_state:
        open_by_type[case_type] = open_by_type.get(case_type, 0) + n
    share = (
        round(100 * cases.woonoverlast_solved / cases.woonoverlast_cohort)
        if cases.woonoverlast_cohort
        else None
    )
    return [
        Table(
            "wijken",
            _("Hotspots: signals per wijk"),
            (Column(_("Wijk")), Column(_("Code")), count),
            [(name or code or UNKNOWN, code, n) for code, name, n in signals.by_wijk],
            Chart.BAR,
        ),
        Table(
            "buurten",
            _("Hotspots: signals per buurt"),
            (Column(_("Buurt")), Column(_("Wijk")), Column(_("Code")), count),
            [(name or code or UNKNOWN, wijk, code, n) for code, name, wijk, n in signals.by_buurt],
            Chart.BAR,
        ),
        Table(
            "categorieen",
            _("Hot crimes: signals per category"),
            (Column(_("Category")), Column(_("Code")), count),
            [(label, code, n) for code, label, n in signals.by_category],
            Chart.BAR,
        ),
        Table(
            "tijden",
            _("Hot times: signals per weekday and hour (observed)"),
            (Column(_("Day")), *(Column(f"{h:02d}", Kind.COUNT) for h in range(24))),
            [
                (WEEKDAYS[d - 1], *(signals.heat.get((d, h), 0) for h in range(24)))
                for d in range(1, 8)
            ],
            Chart.HEAT,
        ),
        Table(
            "bronnen",
            _("Intake per source"),
            (Column(_("Source")), count),
            [(SOURCE_LABELS.get(s, s), n) for s, n in signals.by_source],
            Chart.BAR,
        ),
        Table(
            "triage",
            _("Triage outcomes"),
            (Column(_("Decision")), count),
            [(DECISION_LABELS.get(d, d), n) for d, n in signals.by_decision],
            Chart.BAR,
        ),
        Table(
            "beslistijd",
            _("Time to a triage decision"),
            (Column(_("Decided")), count),
            [(DECISION_TIME_LABELS[k], n) for k, n in signals.decision_time.items()],
            Chart.BAR,
        ),
        Table(
            "open-per-type",
            _("Open cases per type"),
            (Column(_("Case type")), count),
            [(CASE_TYPE_LABELS.get(t, t), n) for t, n in open_by_type.items()],
            Chart.BAR,
            note=_("As they stand today."),
        ),
        Table(
            "open-per-fase",
            _("Open cases per type and state"),
            (Column(_("Case type")), Column(_("State")), count),
            [
                (CASE_TYPE_LABELS.get(t, t), state_label(t, s), n)
                for t, s, n in cases.open_by_type_state
            ],
            note=_("As they stand today."),
        ),
        Table(
            "caseload",
            _("Caseload per coordinator"),
            (Column(_("Coordinator")), Column(_("Open cases"), Kind.COUNT)),
            [(name or UNKNOWN, n) for name, n in cases.caseload],
            Chart.BAR,
            staff_only=True,
            note=_("As it stands today."),
        ),
        Table(
            "intake-plan",
            _("Lead time from intake to plan van aanpak"),
            (
                Column(_("Case type")),
                Column(_("Cases"), Kind.COUNT),
                Column(_("Median days"), Kind.MEASURE),
            ),
            _lead_rows(cases.intake_to_plan),
            note=_("Cases whose plan was agreed in the period, from the day they were opened."),
        ),
        Table(
            "plan-afschaling",
            _("Lead time from plan van aanpak to step-down"),
            (
                Column(_("Case type")),
                Column(_("Cases"), Kind.COUNT),
                Column(_("Median days"), Kind.MEASURE),
            ),
            _lead_rows(cases.plan_to_step_down),
            note=_("Cases stepped down (afschaling or nazorg) in the period."),
        ),
        Table(
            "woonoverlast-3-maanden",
            _("Woonoverlast solved within three months"),
            (
                Column(_("Cases opened")),
                Column(_("Cases"), Kind.COUNT),
                Column(_("Solved within three months"), Kind.COUNT),
                Column(_("Share (%)"), Kind.MEASURE),
            ),
            [
                (
                    _("Opened in the period, at least three months ago"),
                    cases.woonoverlast_cohort,
                    cases.woonoverlast_solved,
                    WITHHELD if share is None else share,
                )
            ],
            note=_("Solved: closed because the nuisance stopped (verminderd)."),
        ),
        Table(
            "escalaties",
            _("Escalations"),
            (Column(_("Escalation")), count),
            [(ESCALATION_LABELS[k], n) for k, n in cases.escalations.items()],
            Chart.BAR,
        ),
        Table(
            "maatregelen",
            _("Legal measures taken"),
            (Column(_("Measure")), Column(_("Case type")), count),
            [
                (MACHINES[t].state(state).label, CASE_TYPE_LABELS.get(t, t), n)
                for t, state, n in cases.legal_measures
            ],
            Chart.BAR,
            note=_("Cases that entered the state in the period (each case once)."),
        ),
        Table(
            "sluitredenen",
            _("Closing reasons"),
            (Column(_("Case type")), Column(_("Reason")), count),
            [
                (CASE_TYPE_LABELS.get(t, t), reason.replace("_", " ") or UNKNOWN, n)
                for t, reason, n in cases.closing_reasons
            ],
        ),
        Table(
            "acties-over-tijd",
            _("Overdue actions per organisation"),
            (Column(_("Organisation")), count),
            [(name or UNKNOWN, n) for name, n in cases.overdue_actions],
            Chart.BAR,
            note=_("Open actions of the plan van aanpak past their deadline on %(day)s.")
            % {"day": today.strftime("%d-%m-%Y")},
        ),
    ]


def suppress(table: Table) -> Table:
    """The table as the council sees it: counts under five as "<5", and the measures that
    rest on them withheld. Zero is under five too: an empty cell says as much as a small one.
    """
    counts = [i for i, c in enumerate(table.columns) if c.kind == Kind.COUNT]
    measures = [i for i, c in enumerate(table.columns) if c.kind == Kind.MEASURE]
    rows = []
    for row in table.rows:
        cells = list(row)
        hidden = False
        for i in counts:
            if isinstance(cells[i], int) and cells[i] < SUPPRESS_UNDER:
                cells[i] = SUPPRESSED
                hidden = True
        if hidden:
            for i in measures:
                cells[i] = WITHHELD
        rows.append(tuple(cells))
    return replace(table, rows=rows)


def council_tables(tables: list[Table]) -> list[Table]:
    """The tables for the council: aggregates only, small counts suppressed."""
    return [suppress(t) for t in tables if not t.staff_only]

"""The region's figures: one row per municipality and one for the region, aggregates only.

Every count under five is shown as "<5", and a measure (a share, a median) that rests on
such a count is withheld, as in the council view. Because the region's row is the sum of
the municipalities' rows, a column with exactly one suppressed municipality would give that
count away (total minus the others); there the region's cell is suppressed too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from casework.models import CaseType
from casework.selectors import CaseFigures, case_figures
from permissions.models import Municipality
from signals.models import TriageDecision
from signals.selectors import SignalFigures, signal_figures

from .tables import SUPPRESS_UNDER, SUPPRESSED, WITHHELD, Column, Kind, Table

REGION_TABLE = "region"


@dataclass(frozen=True)
class _Figure:
    label: object
    kind: Kind
    base: int | None = None  # for a measure: the column of the count it rests on


FIGURES = (
    _Figure(_("Municipality"), Kind.TEXT),
    _Figure(_("Signals received"), Kind.COUNT),
    _Figure(_("New cases from triage"), Kind.COUNT),
    _Figure(_("Open woonoverlast cases"), Kind.COUNT),
    _Figure(_("Open youth nuisance cases"), Kind.COUNT),
    _Figure(_("Open multiproblem cases"), Kind.COUNT),
    _Figure(_("Open RIEC cases"), Kind.COUNT),
    _Figure(_("Escalated to the Zorg- en Veiligheidshuis"), Kind.COUNT),
    _Figure(_("Submitted to the RIEC"), Kind.COUNT),
    _Figure(_("Woonoverlast cases (3-month cohort)"), Kind.COUNT),
    _Figure(_("of which solved within 3 months (%)"), Kind.MEASURE, base=9),
)
OPEN_TYPES = (CaseType.WOONOVERLAST, CaseType.JEUGDOVERLAST, CaseType.MULTIPROBLEM, CaseType.RIEC)


def _counts(signals: SignalFigures, cases: CaseFigures) -> list[int]:
    decisions = dict(signals.by_decision)
    open_by_type: dict[str, int] = {t.value: 0 for t in OPEN_TYPES}
    for case_type, _state, n in cases.open_by_type_state:
        open_by_type[case_type] = open_by_type.get(case_type, 0) + n
    return [
        signals.total,
        decisions.get(TriageDecision.NEW_CASE, 0),
        *(open_by_type[t] for t in OPEN_TYPES),
        cases.escalations.get("zvh", 0),
        cases.escalations.get("riec_submitted", 0),
        cases.woonoverlast_cohort,
        cases.woonoverlast_solved,  # turned into the share below
    ]


def _row(name: str, counts: list[int]) -> list[object]:
    *plain, solved = counts
    cohort = plain[-1]
    share = round(100 * solved / cohort) if cohort else None
    return [name, *plain, share]


def _small(cell: object) -> bool:
    return isinstance(cell, int) and cell < SUPPRESS_UNDER


def _suppressed(rows: list[list[object]]) -> list[tuple[object, ...]]:
    """Suppress small counts and the measures resting on them; see the module's docstring.
    The last row is the region's."""
    *municipal, region = [list(r) for r in rows]
    for column, figure in enumerate(FIGURES):
        if figure.kind != Kind.COUNT:
            continue
        small = [r for r in municipal if _small(r[column])]
        for row in small:
            row[column] = SUPPRESSED
        if len(small) == 1 or _small(region[column]):
            region[column] = SUPPRESSED
    for column, figure in enumerate(FIGURES):
        if figure.kind == Kind.MEASURE:
            for row in [*municipal, region]:
                if row[column] is None or (
                    figure.base is not None and row[figure.base] == SUPPRESSED
                ):
                    row[column] = WITHHELD
    return [tuple(r) for r in [*municipal, region]]


def region_table(
    *,
    region_id: int,
    start: datetime.datetime,
    end: datetime.datetime,
    today: datetime.date,
) -> tuple[list[Municipality], Table]:
    """The region's municipalities and their figures over [start, end).

    Reads each municipality's figures through the same selectors as its own dashboard
    (plain columns, nothing decrypted): a constant number of queries per municipality.
    """
    municipalities = list(Municipality.objects.filter(region_id=region_id).order_by("name"))
    per_municipality = [
        _counts(
            signal_figures(municipality_id=m.pk, start=start, end=end),
            case_figures(municipality_id=m.pk, start=start, end=end, today=today),
        )
        for m in municipalities
    ]
    rows = [_row(m.name, c) for m, c in zip(municipalities, per_municipality, strict=True)]
    region_counts = [sum(column) for column in zip(*per_municipality, strict=True)]
    if municipalities:
        rows.append(_row(str(_("Region")), region_counts))
    table = Table(
        key=REGION_TABLE,
        title=_("Figures per municipality"),
        columns=tuple(Column(f.label, f.kind) for f in FIGURES),
        rows=_suppressed(rows) if municipalities else [],
        note=_(
            "Signals, new cases, escalations and the woonoverlast cohort in the period; open "
            "cases today. Counts under 5 are shown as <5; the region's figure too "
            "where it would give a suppressed count away."
        ),
    )
    return municipalities, table

"""Reads of the dashboard: one municipality's figures over a period, as tables."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from casework.selectors import case_figures
from signals.selectors import signal_figures

from .tables import Table, council_tables, tables_build


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included (Europe/Amsterdam)."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def last_twelve_months(cls, today: datetime.date) -> Period:
        try:
            a_year_ago = today.replace(year=today.year - 1)
        except ValueError:  # 29 February
            a_year_ago = today.replace(year=today.year - 1, day=28)
        return cls(start=a_year_ago + datetime.timedelta(days=1), end=today)

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[start, end) as aware moments: midnight at the start, midnight after the end."""
        zone = timezone.get_default_timezone()
        start = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone)
        end = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        return start, end


def dashboard_tables(
    *, municipality_id: int, period: Period, today: datetime.date, council: bool = False
) -> list[Table]:
    """The dashboard of ``municipality_id`` over ``period``; the council's when ``council``.

    Reads only that municipality's rows, through plain columns; the caller has checked that
    the viewer may see it (``policies.dashboard_municipality_id``).
    """
    start, end = period.bounds()
    tables = tables_build(
        signals=signal_figures(municipality_id=municipality_id, start=start, end=end),
        cases=case_figures(municipality_id=municipality_id, start=start, end=end, today=today),
        today=today,
    )
    return council_tables(tables) if council else tables

"""Server-drawn SVG charts: the geometry here, the markup in templates/dashboard/.

No script and no style attribute (the Content-Security-Policy allows neither inline): only
SVG presentation attributes (x, y, width, height, fill). A suppressed count draws no bar and
the lightest shade, so a picture never tells more than the table beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .tables import Chart, Table

# Bar charts: a viewBox of WIDTH, labels left, bars, values right.
WIDTH = 640
LABEL_WIDTH = 220
VALUE_WIDTH = 60
ROW_HEIGHT = 26
BAR_HEIGHT = 18
MAX_BARS = 15
LABEL_CHARS = 30
# The heat map: 24 hours across, 7 days down.
CELL = 22
HEAT_LEFT = 36
HEAT_TOP = 22
SHADES = ("#eef2f7", "#c6d5e8", "#8fb0d6", "#5585bd", "#2a5f99", "#154273")
BAR_FILL = "#154273"


@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    y: int
    width: int
    text_y: int


@dataclass(frozen=True)
class BarChart:
    kind: str
    title: str
    height: int
    bars: list[Bar]
    label_x: int = LABEL_WIDTH - 8
    bar_x: int = LABEL_WIDTH
    value_x: int = WIDTH - VALUE_WIDTH + 6
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT
    fill: str = BAR_FILL
    more: int = 0


@dataclass(frozen=True)
class HeatCell:
    x: int
    y: int
    fill: str
    title: str


@dataclass(frozen=True)
class HeatMap:
    kind: str
    title: str
    width: int
    height: int
    cells: list[HeatCell]
    days: list[tuple[int, str]]  # y, label
    hours: list[tuple[int, str]]  # x, label
    cell: int = CELL - 2


def _short(text: Any) -> str:
    text = str(text)
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def bar_chart(table: Table) -> BarChart:
    """Bars for the table's first column against its last count column, largest first."""
    column = table.value_column
    rows = table.rows[:MAX_BARS]
    numbers = [r[column] for r in rows if isinstance(r[column], int)]
    largest = max(numbers, default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for i, row in enumerate(rows):
        value = row[column]
        length = round(span * value / largest) if isinstance(value, int) else 0
        y = i * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2
        bars.append(
            Bar(
                label=_short(row[0]),
                value=str(value),
                y=y,
                width=max(length, 1 if isinstance(value, int) and value else 0),
                text_y=y + BAR_HEIGHT - 4,
            )
        )
    return BarChart(
        kind="bar",
        title=str(table.title),
        height=max(len(rows), 1) * ROW_HEIGHT,
        bars=bars,
        more=max(len(table.rows) - MAX_BARS, 0),
    )


def heat_map(table: Table) -> HeatMap:
    """Seven rows of 24 hours; the shade is the count's share of the busiest hour."""
    values = [v for row in table.rows for v in row[1:] if isinstance(v, int)]
    largest = max(values, default=0) or 1
    cells = []
    for d, row in enumerate(table.rows):
        for h, value in enumerate(row[1:]):
            if isinstance(value, int) and value > 0:
                shade = SHADES[max(1, -(-value * (len(SHADES) - 1) // largest))]
            else:
                shade = SHADES[0]
            cells.append(
                HeatCell(
                    x=HEAT_LEFT + h * CELL,
                    y=HEAT_TOP + d * CELL,
                    fill=shade,
                    title=f"{row[0]} {h:02d}:00: {value}",
                )
            )
    return HeatMap(
        kind="heat",
        title=str(table.title),
        width=HEAT_LEFT + 24 * CELL,
        height=HEAT_TOP + len(table.rows) * CELL,
        cells=cells,
        days=[
            (HEAT_TOP + d * CELL + CELL // 2 + 4, str(row[0])) for d, row in enumerate(table.rows)
        ],
        hours=[(HEAT_LEFT + h * CELL + CELL // 2, f"{h:02d}") for h in range(0, 24, 3)],
    )


def chart_for(table: Table) -> BarChart | HeatMap | None:
    """The picture of ``table``, or None when it is a table only (or empty)."""
    if not table.rows:
        return None
    if table.chart == Chart.BAR:
        return bar_chart(table)
    if table.chart == Chart.HEAT:
        return heat_map(table)
    return None

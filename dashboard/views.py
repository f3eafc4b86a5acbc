"""The dashboard pages: the coordinating team's and the council's, each with CSV export."""

from __future__ import annotations

import csv
import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from permissions.models import Municipality, Region

from .charts import chart_for
from .policies import dashboard_municipality_id, region_dashboard_region_id
from .region import region_table
from .selectors import Period, dashboard_tables
from .tables import Table

# Cells a spreadsheet would run as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LONGEST_PERIOD = datetime.timedelta(days=366 * 10)


def _period(request: HttpRequest, today: datetime.date) -> tuple[Period, str]:
    """The period asked for in ``from`` and ``to``, or the last twelve months."""
    default = Period.last_twelve_months(today)
    raw_from, raw_to = request.GET.get("from", ""), request.GET.get("to", "")
    if not raw_from and not raw_to:
        return default, ""
    try:
        start = datetime.date.fromisoformat(raw_from) if raw_from else default.start
        end = datetime.date.fromisoformat(raw_to) if raw_to else default.end
    except ValueError:
        return default, _("That is not a date; showing the last twelve months.")
    if end < start or end - start > LONGEST_PERIOD:
        return default, _("That period cannot be shown; showing the last twelve months.")
    return Period(start=start, end=end), ""


def _csv_cell(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) and text != "-" else text


def _csv(table: Table, period: Period, council: bool) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{'raad-' if council else ''}{table.key}-{period.start}-{period.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow([_csv_cell(c.label) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(cell) for cell in row])
    return response


def _render(request: HttpRequest, *, council: bool) -> HttpResponse:
    municipality_id = dashboard_municipality_id(request.user)
    if municipality_id is None:
        raise PermissionDenied
    today = timezone.localdate()
    period, period_error = _period(request, today)
    tables = dashboard_tables(
        municipality_id=municipality_id, period=period, today=today, council=council
    )
    wanted = request.GET.get("csv")
    if wanted is not None:
        table = next((t for t in tables if t.key == wanted), None)
        if table is None:
            raise Http404
        return _csv(table, period, council)
    context = {
        "municipality": Municipality.objects.get(pk=municipality_id),
        "period": period,
        "period_error": period_error,
        "council": council,
        "tables": [(t, chart_for(t)) for t in tables],
        "query": f"from={period.start}&to={period.end}",
    }
    return render(request, "dashboard/dashboard.html", context)


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The coordinating team's dashboard: every figure of the own municipality."""
    return _render(request, council=False)


@require_GET
@login_required
def council(request: HttpRequest) -> HttpResponse:
    """The council view: aggregates only, counts under five suppressed, no caseload."""
    return _render(request, council=True)


@require_GET
@login_required
def region(request: HttpRequest) -> HttpResponse:
    """The region's figures per municipality: aggregates only, counts under five suppressed."""
    region_id = region_dashboard_region_id(request.user)
    if region_id is None:
        raise PermissionDenied
    today = timezone.localdate()
    period, period_error = _period(request, today)
    start, end = period.bounds()
    municipalities, table = region_table(region_id=region_id, start=start, end=end, today=today)
    if request.GET.get("csv") is not None:
        if request.GET["csv"] != table.key:
            raise Http404
        return _csv(table, period, council=True)
    context = {
        "region": Region.objects.get(pk=region_id),
        "municipalities": municipalities,
        "own_dashboard": dashboard_municipality_id(request.user) is not None,
        "period": period,
        "period_error": period_error,
        "table": table,
        "query": f"from={period.start}&to={period.end}",
    }
    return render(request, "dashboard/region.html", context)

"""seed_demo --history writes a believable year once, each municipality's apart."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, ExtractMonth
from django.test import Client

from casework.models import Case
from signals.models import Signal, SignalStatus

pytestmark = pytest.mark.django_db


def test_a_year_of_history_with_hotspots_and_youth_peaks_written_once(
    django_assert_max_num_queries,
):
    call_command("seed_demo", "--history", stdout=StringIO())
    lindewaard = Signal.objects.filter(municipality__code="GM9999")
    total = lindewaard.count()
    assert total == 1400
    in_two_wijken = lindewaard.filter(wijk__in=["WK999901", "WK999902"]).count()
    assert 0.35 < in_two_wijken / total < 0.45
    youth = lindewaard.filter(category__code__startswith="JO-").annotate(
        weekday=ExtractIsoWeekDay("observed_at"),
        hour=ExtractHour("observed_at"),
        month=ExtractMonth("observed_at"),
    )
    weekend_evenings = youth.filter(weekday__in=[5, 6], hour__gte=18).count()
    summer = youth.filter(month__in=[6, 7, 8]).count()
    # Evenly spread, Friday and Saturday evening would hold 7% and summer 25%.
    assert weekend_evenings / youth.count() > 0.2
    assert summer / youth.count() > 0.33
    assert not lindewaard.filter(status=SignalStatus.NEW).exists()
    assert Case.objects.filter(municipality__code="GM9999").count() > 100
    for code in ("GM9999", "GM9998"):
        wijken = set(Case.objects.filter(municipality__code=code).values_list("wijk", flat=True))
        assert {w[2:6] for w in wijken} == {code[2:]}
    assert not (
        Signal.objects.filter(case__isnull=False)
        .exclude(case__municipality=F("municipality"))
        .exists()
    )

    before = Signal.objects.count(), Case.objects.count()
    out = StringIO()
    call_command("seed_demo", "--history", stdout=out)
    assert "0 signals of history written" in out.getvalue()
    assert (Signal.objects.count(), Case.objects.count()) == before

    client = Client()
    client.post("/aanmelden/", {"username": "teamlead", "password": "demo-demo-demo"})
    with django_assert_max_num_queries(28):
        page = client.get("/dashboard/")
    assert "Stationskwartier" in page.content.decode()

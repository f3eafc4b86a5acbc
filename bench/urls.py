"""The product's URLs plus the floor endpoint of the intake scenario (bench only)."""

from __future__ import annotations

from django.urls import path

from bench.floor import FloorView
from bench.guardian_baseline import GuardianCaseListView
from config.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    path("bench/floor/", FloorView.as_view(), name="bench-floor"),
    path("bench/guardian-cases/", GuardianCaseListView.as_view(), name="bench-guardian-cases"),
    *product_urlpatterns,
]

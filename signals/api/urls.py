from django.urls import path

from . import views

urlpatterns = [
    path("addresses/", views.AddressLookupView.as_view(), name="api-addresses"),
    path("signals/", views.SignalListView.as_view(), name="api-signals"),
    path("signals/<str:signal_id>/", views.SignalDetailView.as_view(), name="api-signal"),
    path(
        "signals/<str:signal_id>/matches/",
        views.SignalMatchesView.as_view(),
        name="api-signal-matches",
    ),
    path(
        "signals/<str:signal_id>/triage/",
        views.SignalTriageView.as_view(),
        name="api-signal-triage",
    ),
]

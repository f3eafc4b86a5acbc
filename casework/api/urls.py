from django.urls import path

from . import views

urlpatterns = [
    path("cases/", views.CaseListView.as_view(), name="api-cases"),
    path("cases/<str:case_id>/", views.CaseDetailView.as_view(), name="api-case"),
    path(
        "cases/<str:case_id>/participants/",
        views.ParticipantsView.as_view(),
        name="api-case-participants",
    ),
    path(
        "cases/<str:case_id>/participants/<str:participation_id>/",
        views.ParticipantDetailView.as_view(),
        name="api-case-participant",
    ),
    path(
        "cases/<str:case_id>/transitions/",
        views.TransitionsView.as_view(),
        name="api-case-transitions",
    ),
    path("cases/<str:case_id>/history/", views.HistoryView.as_view(), name="api-case-history"),
    path("cases/<str:case_id>/clocks/", views.ClocksView.as_view(), name="api-case-clocks"),
    path(
        "cases/<str:case_id>/care-track/",
        views.CareTrackView.as_view(),
        name="api-case-care-track",
    ),
    path(
        "cases/<str:case_id>/linked-cases/",
        views.LinkedCasesView.as_view(),
        name="api-case-linked",
    ),
    path(
        "cases/<str:case_id>/break-glass/",
        views.BreakGlassView.as_view(),
        name="api-case-break-glass",
    ),
]

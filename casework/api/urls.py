from django.urls import path

from . import meetings, views

urlpatterns = [
    path("meetings/", meetings.MeetingListView.as_view(), name="api-meetings"),
    path("meetings/<str:meeting_id>/", meetings.MeetingDetailView.as_view(), name="api-meeting"),
    path(
        "meetings/<str:meeting_id>/items/",
        meetings.MeetingItemsView.as_view(),
        name="api-meeting-items",
    ),
    path(
        "meetings/<str:meeting_id>/items/<str:item_id>/minutes/",
        meetings.MinutesView.as_view(),
        name="api-meeting-minutes",
    ),
    path(
        "meetings/<str:meeting_id>/freeze/",
        meetings.MeetingStepView.as_view(step="freeze"),
        name="api-meeting-freeze",
    ),
    path(
        "meetings/<str:meeting_id>/complete/",
        meetings.MeetingStepView.as_view(step="complete"),
        name="api-meeting-complete",
    ),
    path(
        "cases/<str:case_id>/actions/",
        meetings.CaseActionsView.as_view(),
        name="api-case-actions",
    ),
    path("actions/<str:action_id>/", meetings.ActionDetailView.as_view(), name="api-action"),
    path("my-actions/", meetings.MyActionsView.as_view(), name="api-my-actions"),
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

from django.urls import path

from . import views

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("organisations/", views.OrganisationListView.as_view(), name="api-organisations"),
    path(
        "persons/<str:person_id>/access-log/",
        views.PersonAccessLogView.as_view(),
        name="api-person-access-log",
    ),
    path("access-log/", views.UserAccessLogView.as_view(), name="api-access-log"),
]

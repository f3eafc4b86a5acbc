from django.urls import path

from . import views

urlpatterns = [
    path(
        "persons/<str:person_id>/export/",
        views.PersonExportView.as_view(),
        name="api-person-export",
    ),
]

from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("privacy/inzage/", views.person_search_page, name="person_search"),
    path("privacy/personen/<uuid:person_id>/", views.person_requests_page, name="person_requests"),
    path("privacy/personen/<uuid:person_id>/inzage/", views.person_export_page, name="export"),
    path("privacy/bewaartermijnen/", views.retention_rules_page, name="retention_rules"),
    path("privacy/vernietiging/", views.destruction_proposals_page, name="destruction_proposals"),
]

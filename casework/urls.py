from django.urls import path

from . import views

app_name = "casework"

urlpatterns = [
    path("casussen/", views.case_list, name="case_list"),
    path("casussen/<str:case_id>/", views.case_detail, name="case_detail"),
    path("casussen/<str:case_id>/deelnemers/", views.participant_add, name="participant_add"),
    path(
        "casussen/<str:case_id>/deelnemers/<str:participation_id>/beeindigen/",
        views.participant_end,
        name="participant_end",
    ),
    path("casussen/<str:case_id>/inzage-breken/", views.break_glass, name="break_glass"),
    path("casussen/<str:case_id>/stap/", views.case_step, name="case_step"),
]

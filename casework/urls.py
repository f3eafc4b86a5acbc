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
    path("overleggen/", views.meeting_list, name="meeting_list"),
    path("overleggen/<str:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path("overleggen/<str:meeting_id>/afdruk/", views.meeting_print, name="meeting_print"),
    path("overleggen/<str:meeting_id>/agenda/", views.agenda_add, name="agenda_add"),
    path(
        "overleggen/<str:meeting_id>/vastzetten/",
        views.meeting_step,
        {"step": "freeze"},
        name="meeting_freeze",
    ),
    path(
        "overleggen/<str:meeting_id>/afronden/",
        views.meeting_step,
        {"step": "complete"},
        name="meeting_complete",
    ),
    path(
        "overleggen/<str:meeting_id>/punten/<str:item_id>/verslag/",
        views.minutes_save,
        name="minutes_save",
    ),
    path(
        "overleggen/<str:meeting_id>/punten/<str:item_id>/acties/",
        views.action_add,
        name="action_add",
    ),
    path("aanmeldingen/", views.referral_list, name="referral_list"),
    path("aanmeldingen/<str:case_id>/", views.referral_edit, name="referral_edit"),
    path("acties/", views.my_actions, name="my_actions"),
    path("acties/<str:action_id>/afsluiten/", views.action_close, name="action_close"),
]

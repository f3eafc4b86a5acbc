from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("meldingen/", views.notification_list, name="list"),
    path("meldingen/alles-gelezen/", views.mark_all_read, name="mark_all_read"),
    path("meldingen/instellingen/", views.preferences, name="preferences"),
    path("meldingen/<int:notification_id>/", views.notification_open, name="open"),
]

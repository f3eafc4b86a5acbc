from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/raad/", views.council, name="council"),
    path("dashboard/regio/", views.region, name="region"),
]

from django.contrib import admin
from django.urls import include, path, reverse_lazy
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

api_v1 = [
    path("", include("permissions.api.urls")),
    path("", include("casework.api.urls")),
    path("", include("signals.api.urls")),
    path("", include("privacy.api.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("permissions.urls")),
    path("", include("casework.urls")),
    path("", include("signals.urls")),
    path("", include("notifications.urls")),
    path("", include("dashboard.urls")),
    path("", include("privacy.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # The admin signs in through the same two-factor sign-in as every other page.
    path(
        "beheer/login/",
        RedirectView.as_view(url=reverse_lazy("permissions:login"), query_string=True),
    ),
    path("beheer/", admin.site.urls),
]

handler500 = "config.views.server_error"

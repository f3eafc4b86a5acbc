from django.urls import path

from . import views

app_name = "permissions"

urlpatterns = [
    path("aanmelden/", views.SignInView.as_view(), name="login"),
    path("aanmelden/tweede-factor/", views.otp_verify, name="otp_verify"),
    path("aanmelden/tweede-factor/instellen/", views.otp_enrol, name="otp_enrol"),
    path("afmelden/", views.SignOutView.as_view(), name="logout"),
    path("privacy/toegangslog/", views.access_log_page, name="access_log"),
    path("configuratie/deelmatrix/", views.sharing_matrix_page, name="sharing_matrix"),
]

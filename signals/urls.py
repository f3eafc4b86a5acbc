from django.urls import path

from . import views

app_name = "signals"

urlpatterns = [
    path("signalen/nieuw/", views.signal_new, name="new"),
    path("configuratie/categorieen/", views.categories_page, name="categories"),
    path("signalen/mijn/", views.my_signals, name="mine"),
    path("signalen/triage/", views.inbox, name="inbox"),
    path("signalen/triage/bundelen/", views.bundle, name="bundle"),
    path("signalen/<str:signal_id>/", views.signal_detail, name="detail"),
    path("signalen/<str:signal_id>/ontvangen/", views.signal_receipt, name="receipt"),
    path("signalen/<str:signal_id>/triage/", views.signal_triage_page, name="triage"),
]

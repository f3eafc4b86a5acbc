"""Sends signed-in people who have not yet given their second factor to the 2FA pages."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .policies import is_fully_signed_in

# Paths a half-signed-in person may still reach: the 2FA pages themselves, sign-out, static
# files, the health check, and the API (which authenticates each request itself).
_OPEN_PREFIXES = ("/static/", "/healthz", "/api/")


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not is_fully_signed_in(user)
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            allowed = {
                reverse("permissions:otp_verify"),
                reverse("permissions:otp_enrol"),
                reverse("permissions:logout"),
            }
            if request.path not in allowed:
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('permissions:otp_verify')}?{query}")
        return self.get_response(request)

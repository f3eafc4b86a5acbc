"""Signing in: Dutch pages, two factors for everyone but demo users, lock-out, expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from permissions.constants import RoleSlug
from permissions.tests.factories import UserFactory

PASSWORD = "correct-horse-battery-staple"
pytestmark = pytest.mark.django_db


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def let_throttle_pass(device: TOTPDevice) -> None:
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=5)
    )


def sign_in(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("permissions:login"), {"username": username, "password": password})


def test_sign_in_page_speaks_dutch(client):
    response = client.get(reverse("permissions:login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="nl">' in body
    assert "Inloggen" in body
    assert "Gebruikersnaam" in body and "Wachtwoord" in body


def test_pages_require_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("permissions:login"))


def test_demo_user_signs_in_with_password_only(client, gemeente):
    UserFactory(username="demo", organisation=gemeente, is_demo=True)
    response = sign_in(client, "demo")
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "Welkom" in home.content.decode()


def test_demo_user_needs_second_factor_where_profile_forbids_demo_users(client, gemeente):
    UserFactory(username="demo", organisation=gemeente, is_demo=True)
    settings_override = {"KETENREGIE_ALLOW_DEMO_USERS": False}
    with pytest.MonkeyPatch.context() as mp:
        for key, value in settings_override.items():
            mp.setattr(settings, key, value)
        sign_in(client, "demo")
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("permissions:otp_verify"))


def test_first_sign_in_enrols_an_authenticator_then_asks_for_codes(client, coordinator):
    # Given a staff member without a device, when they sign in with their password
    sign_in(client, coordinator.username)
    # then every page sends them to the second factor, which sends them to enrolment.
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("permissions:otp_enrol"))
    body = response.content.decode()
    assert "data:image/svg+xml;base64," in body
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)

    # A wrong code is refused with a Dutch message and confirms nothing.
    response = client.post(reverse("permissions:otp_enrol"), {"token": "000000"})
    assert response.status_code == 200
    assert "Die code klopt niet" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    # Right after a wrong code the device makes the person wait (doubling each time).
    response = client.post(reverse("permissions:otp_enrol"), {"token": current_code(device)})
    assert "Wacht een paar seconden" in response.content.decode()
    # Once that wait is over, the right code confirms the device and completes the sign-in.
    let_throttle_pass(device)
    response = client.post(reverse("permissions:otp_enrol"), {"token": current_code(device)})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200

    # Next time, the password alone is not enough: the code is asked, not a new enrolment.
    other = Client()
    sign_in(other, coordinator.username)
    response = other.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("permissions:otp_verify"))
    device.refresh_from_db()
    # A code may be used once only: advance the device's memory so the same code is rejected.
    reused = other.post(reverse("permissions:otp_verify"), {"token": current_code(device)})
    assert reused.status_code == 200
    assert "Die code klopt niet" in reused.content.decode()


def test_half_signed_in_user_cannot_reach_admin_or_api_session(client, coordinator):
    sign_in(client, coordinator.username)
    admin = client.get("/beheer/")
    assert admin.status_code == 302
    api = client.get("/api/v1/me/")
    assert api.status_code == 401


def test_account_locks_after_repeated_failures(client, coordinator):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, coordinator.username, password="wrong-password")
        assert response.status_code in (200, 429)
    # Now even the right password is refused, with a Dutch explanation.
    response = sign_in(client, coordinator.username)
    assert response.status_code == 429
    assert "Account tijdelijk geblokkeerd" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account_not_per_address(client, coordinator, gemeente):
    other = UserFactory(username="colleague", organisation=gemeente, is_demo=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, coordinator.username, password="wrong-password")
    # A colleague behind the same office address still signs in.
    response = sign_in(client, str(other.username))
    assert response.status_code == 302


def test_sessions_expire_when_idle_and_at_browser_close():
    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_expired_session_is_signed_out(client, gemeente):
    UserFactory(username="demo", organisation=gemeente, is_demo=True)
    sign_in(client, "demo")
    client.session.set_expiry(-1)  # no effect on the stored session; expire it in the store:
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    Session.objects.update(expire_date=timezone.now())
    response = client.get(reverse("home"))
    assert response.status_code == 302


def test_sign_out_requires_post_and_ends_session(client, gemeente):
    UserFactory(username="demo", organisation=gemeente, is_demo=True)
    sign_in(client, "demo")
    assert client.get(reverse("permissions:logout")).status_code == 405
    client.post(reverse("permissions:logout"))
    assert client.get(reverse("home")).status_code == 302


def test_open_redirect_after_sign_in_is_refused(client, gemeente):
    UserFactory(username="demo", organisation=gemeente, is_demo=True, role=RoleSlug.BOA)
    response = client.post(
        reverse("permissions:login") + "?next=https://evil.example/",
        {"username": "demo", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]

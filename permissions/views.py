"""Sign-in with two factors: password, then a TOTP code; enrolment on first sign-in."""

from __future__ import annotations

import base64
import binascii
import io
import uuid
from collections.abc import Iterable
from typing import cast

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from .constants import (
    FIELD_GROUP_LABELS,
    ORGANISATION_TYPE_LABELS,
    FieldGroup,
    OrganisationType,
    Perm,
)
from .forms import SignInForm, TokenForm
from .models import (
    AccessAction,
    AccessLog,
    DisclosureProfile,
    Municipality,
    SharingRule,
    User,
)
from .origin import request_origin
from .policies import configuration_scope, has_perm, is_fully_signed_in
from .selectors import access_log_for_actor, access_log_for_person
from .services import (
    AccessEvent,
    access_log_record,
    disclosure_profile_set_groups,
    sharing_rule_clear,
    sharing_rule_set,
)


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


class SignInView(auth_views.LoginView):
    template_name = "permissions/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Ask for the second factor; people without a confirmed device go to enrolment."""
    user = request.user
    if is_fully_signed_in(user):
        return redirect(_next_url(request))
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect(f"{reverse('permissions:otp_enrol')}?next={_next_url(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _throttled(TOTPDevice.objects.filter(user=user, confirmed=True)):
            form.add_error("token", THROTTLED)
        else:
            device = match_token(user, form.cleaned_data["token"])
            if device is not None:
                otp_login(request, device)
                return redirect(_next_url(request))
            form.add_error(
                "token", _("That code is not valid. Try the code now shown in your app.")
            )
    context = {"form": form, "next": _next_url(request)}
    return render(request, "permissions/otp_verify.html", context)


THROTTLED = gettext_lazy(
    "Too many wrong codes in a row. Wait a few seconds and enter the code now shown in your app."
)


def _throttled(devices: Iterable[TOTPDevice]) -> bool:
    """After a wrong code django-otp makes each device wait, doubling each time."""
    return any(not device.verify_is_allowed()[0] for device in devices)


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@login_required
@require_http_methods(["GET", "POST"])
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in: register an authenticator app and confirm it with one code."""
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect(f"{reverse('permissions:otp_verify')}?next={_next_url(request)}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _throttled([device]):
            form.add_error("token", THROTTLED)
        elif device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is set up."))
            return redirect(_next_url(request))
        form.add_error("token", _("That code is not valid. Check the time on your phone."))
    secret = base64.b32encode(binascii.unhexlify(device.key)).decode("ascii")
    context = {
        "form": form,
        "qr": _qr_svg(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": _next_url(request),
    }
    return render(request, "permissions/otp_enrol.html", context)


@login_required
def access_log_page(request: HttpRequest) -> HttpResponse:
    """The privacy officer's view of the access log: per person (id) or per user."""
    if not has_perm(request.user, Perm.VIEW_ACCESS_LOG):
        raise PermissionDenied
    person = request.GET.get("persoon", "").strip()
    username = request.GET.get("gebruiker", "").strip()[:150]
    entries: list[AccessLog] = []
    error = ""
    if person:
        try:
            person_uuid = uuid.UUID(person)
        except ValueError:
            error = _("That is not a person id.")
        else:
            entries = list(access_log_for_person(person_uuid=person_uuid)[:200])
            _log_log_read(request, "person", str(person_uuid), person_uuid)
    elif username:
        user = User.objects.filter(username=username).first()
        if user is not None:
            entries = list(access_log_for_actor(user_id=user.pk)[:200])
        _log_log_read(request, "user", username, None)
    context = {"entries": entries, "person": person, "username": username, "error": error}
    return render(request, "permissions/access_log.html", context)


def _log_log_read(
    request: HttpRequest, object_type: str, object_id: str, person_uuid: uuid.UUID | None
) -> None:
    access_log_record(
        actor=request.user,  # type: ignore[arg-type]
        origin=request_origin(request),
        events=[
            AccessEvent(
                action=AccessAction.READ_ACCESS_LOG,
                object_type=object_type,
                object_id=object_id,
                person_uuid=person_uuid,
            )
        ],
    )


@login_required
@require_http_methods(["GET", "POST"])
def sharing_matrix_page(request: HttpRequest) -> HttpResponse:
    """The sharing matrix: the functional admin changes it, the privacy officer reviews it."""
    user = cast(User, request.user)
    may_change = has_perm(user, Perm.CONFIGURE)
    if not (may_change or has_perm(user, Perm.VIEW_ACCESS_LOG)):
        raise PermissionDenied
    municipality, installation_wide = configuration_scope(user)
    profiles = list(DisclosureProfile.objects.order_by("slug"))
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if installation_wide:
            _save_installation_matrix(request, user=user, profiles=profiles)
        elif municipality is not None:
            _save_overrides(request, user=user, municipality=municipality, profiles=profiles)
        messages.success(request, _("The sharing matrix is saved. Changes are logged."))
        return redirect("permissions:sharing_matrix")
    defaults: dict[str, DisclosureProfile] = {}
    overrides: dict[str, DisclosureProfile] = {}
    for rule in SharingRule.objects.select_related("disclosure_profile").filter(
        Q(municipality__isnull=True) | Q(municipality=municipality)
    ):
        target = defaults if rule.municipality_id is None else overrides
        target[rule.organisation_type] = rule.disclosure_profile
    context = {
        "may_change": may_change,
        "installation_wide": installation_wide,
        "municipality": municipality,
        "org_types": [
            (t.value, ORGANISATION_TYPE_LABELS[t], defaults.get(t.value), overrides.get(t.value))
            for t in OrganisationType
        ],
        "profiles": profiles,
        "groups": [(g.value, FIELD_GROUP_LABELS[g]) for g in FieldGroup],
    }
    return render(request, "permissions/sharing_matrix.html", context)


def _save_installation_matrix(
    request: HttpRequest, *, user: User, profiles: list[DisclosureProfile]
) -> None:
    by_slug = {p.slug: p for p in profiles if p.for_participants}
    origin = request_origin(request)
    for org_type in OrganisationType:
        chosen = by_slug.get(request.POST.get(f"rule-{org_type.value}", ""))
        if chosen is not None:
            sharing_rule_set(
                organisation_type=org_type, disclosure_profile=chosen, actor=user, origin=origin
            )
    # Only rows the form carried: an unchecked row sends no boxes, so the form names its
    # rows explicitly and a partial post cannot reset the profiles it did not show.
    shown = set(request.POST.getlist("profile-rows"))
    known = {v.value for v in FieldGroup}
    for profile in (p for p in profiles if p.slug in shown):
        groups = [
            FieldGroup(g) for g in request.POST.getlist(f"profile-{profile.slug}") if g in known
        ]
        disclosure_profile_set_groups(
            profile=profile, field_groups=groups, actor=user, origin=origin
        )


def _save_overrides(
    request: HttpRequest,
    *,
    user: User,
    municipality: Municipality,
    profiles: list[DisclosureProfile],
) -> None:
    if request.POST.getlist("profile-rows"):
        # Profiles are shared by every municipality of the installation.
        raise PermissionDenied
    by_slug = {p.slug: p for p in profiles if p.for_participants}
    origin = request_origin(request)
    for org_type in OrganisationType:
        field_name = f"rule-{org_type.value}"
        if field_name not in request.POST:
            continue
        value = request.POST[field_name]
        if value == "":
            sharing_rule_clear(
                organisation_type=org_type, municipality=municipality, actor=user, origin=origin
            )
        elif value in by_slug:
            sharing_rule_set(
                organisation_type=org_type,
                disclosure_profile=by_slug[value],
                municipality=municipality,
                actor=user,
                origin=origin,
            )

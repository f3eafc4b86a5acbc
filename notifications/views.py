"""The notification pages: Meldingen (in-app notifications) and the e-mail preference.

Thin: each view calls one selector or service. A person only ever sees and marks their own
notifications; another person's id answers as if it did not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .forms import PreferenceForm
from .selectors import email_frequency_for, notifications_for
from .services import (
    notification_mark_read,
    notification_preference_set,
    notifications_mark_all_read,
)

PAGE_SIZE = 50


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The viewer's notifications, newest first, unread ones marked."""
    page = Paginator(notifications_for(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    return render(request, "notifications/list.html", {"page": page})


@login_required
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read and go to what it is about (a page of this site only)."""
    link = (
        notifications_for(user=request.user)
        .filter(pk=notification_id)
        .values_list("link", flat=True)
        .first()
    )
    if link is None:
        raise Http404
    notification_mark_read(user=request.user, notification_id=notification_id)
    if link and url_has_allowed_host_and_scheme(
        link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(link)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    marked = notifications_mark_all_read(user=request.user)
    if marked:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """Reminders by e-mail at once, or once a day in a digest."""
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            notification_preference_set(user=request.user, email=form.cleaned_data["email"])
            messages.success(request, _("Your choice is saved."))
            return redirect("notifications:preferences")
    else:
        form = PreferenceForm(initial={"email": email_frequency_for(user=request.user)})
    return render(request, "notifications/preferences.html", {"form": form})

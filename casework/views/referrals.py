"""The aanmelding of a multiproblem case: the referrer's list and the form that completes it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casework.forms import ReferralForm
from casework.reminders import TRIAGE_CUTOFF_TIME
from casework.selectors import referral_get_for, referrals_open_of
from casework.services import CaseworkError, referral_set
from permissions.origin import request_origin


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    """Mijn aanmeldingen: the viewer's referrals still in aanmelding, with what they lack."""
    return render(
        request,
        "casework/referral_list.html",
        {"referrals": referrals_open_of(user=request.user), "cutoff_time": TRIAGE_CUTOFF_TIME},
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_edit(request: HttpRequest, case_id: str) -> HttpResponse:
    """Complete a referral: its referrer (while in aanmelding) or whoever runs the case."""
    origin = request_origin(request)
    view = referral_get_for(user=request.user, case_id=case_id, origin=origin)
    referral = view.referral
    if request.method == "POST":
        form = ReferralForm(request.POST, owner_id=view.case.owner_id)
        if form.is_valid():
            try:
                referral_set(
                    case=view.case,
                    actor=request.user,  # type: ignore[arg-type]
                    reason=form.cleaned_data["reason"],
                    goal=form.cleaned_data["goal"],
                    discussed_with_person=form.discussed(),
                    not_discussed_reason=form.cleaned_data["not_discussed_reason"],
                    proposed_partners=list(form.cleaned_data["proposed_partners"]),
                    origin=origin,
                )
            except CaseworkError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The referral is saved."))
                return redirect("casework:referral_edit", case_id=view.case.uuid)
    else:
        discussed = {True: "yes", False: "no", None: ""}[referral.discussed_with_person]
        form = ReferralForm(
            initial={
                "reason": referral.reason or "",
                "goal": referral.goal or "",
                "proposed_partners": (
                    list(referral.proposed_partners.all()) if referral.pk else []
                ),
                "discussed_with_person": discussed,
                "not_discussed_reason": referral.not_discussed_reason or "",
            },
            owner_id=view.case.owner_id,
        )
    return render(
        request,
        "casework/referral_edit.html",
        {"view": view, "case": view.case, "form": form},
    )

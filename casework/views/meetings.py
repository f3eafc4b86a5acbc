"""Meeting pages. They use the same selectors and services as the API, never their own rules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from casework.forms import ActionForm, AgendaItemForm, CloseActionForm, MeetingForm, MinutesForm
from casework.models import ActionStatus, Meeting
from casework.policies import meeting_municipality_managed_by
from casework.selectors import (
    agenda_item_get,
    cases_visible_to,
    meeting_agenda_get_for,
    meeting_get_for,
    meetings_visible_to,
    parse_uuid,
    plan_action_get_for,
    plan_actions_mine,
)
from casework.services import (
    CaseworkError,
    CaseworkForbidden,
    agenda_item_add,
    meeting_agenda_freeze,
    meeting_minutes_complete,
    meeting_plan,
    minutes_record,
    plan_action_add,
    plan_action_close,
)
from permissions.origin import request_origin
from permissions.selectors import organisation_get

PAGE = 50


def _report(request: HttpRequest, error: CaseworkError) -> None:
    if isinstance(error, CaseworkForbidden):
        raise PermissionDenied(error.message) from error
    messages.error(request, error.message)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field_errors in form.errors.values():
        for message in field_errors:
            messages.error(request, str(message))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_list(request: HttpRequest) -> HttpResponse:
    """Upcoming and past meetings the viewer may see; coordinators plan new ones here."""
    managed = meeting_municipality_managed_by(request.user)
    form = MeetingForm(request.POST or None, municipality_id=managed) if managed else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                meeting = meeting_plan(
                    actor=request.user,  # type: ignore[arg-type]
                    meeting_type=form.cleaned_data["meeting_type"],
                    starts_at=form.cleaned_data["starts_at"],
                    location=form.cleaned_data["location"],
                    origin=request_origin(request),
                )
            except CaseworkError as error:
                _report(request, error)
            else:
                return redirect("casework:meeting_detail", meeting_id=meeting.uuid)
    visible = meetings_visible_to(user=request.user).select_related("meeting_type", "chair")
    now = timezone.now()
    context = {
        "upcoming": list(visible.filter(starts_at__gte=now).order_by("starts_at", "id")[:PAGE]),
        "past": list(visible.filter(starts_at__lt=now).order_by("-starts_at", "-id")[:PAGE]),
        "form": form,
    }
    return render(request, "casework/meeting_list.html", context)


def _manager_forms(request: HttpRequest, meeting: Meeting, items: list[Any]) -> dict[str, Any]:
    on_agenda = [v.case.pk for v in items]
    cases = (
        cases_visible_to(user=request.user)
        .filter(municipality_id=meeting.municipality_id, closed_at__isnull=True)
        .exclude(pk__in=on_agenda)
        .order_by("reference")
    )
    for view in items:
        minutes = view.minutes
        initial = (
            {
                "picture": minutes.readable_picture,
                "judgement": minutes.readable_judgement,
                "decision": minutes.readable_decision,
                "next_review_on": minutes.next_review_on,
            }
            if minutes
            else {}
        )
        view.minutes_form = MinutesForm(initial=initial, prefix=str(view.item.uuid))
        view.action_form = ActionForm(
            organisations=[view.case.owner, *view.invited], prefix=f"a-{view.item.uuid}"
        )
    return {"agenda_form": AgendaItemForm(cases=cases) if meeting.agenda_open else None}


@login_required
def meeting_detail(request: HttpRequest, meeting_id: str) -> HttpResponse:
    """The meeting's agenda, minutes and actions, limited to what the viewer may see."""
    agenda = meeting_agenda_get_for(
        user=request.user, meeting_id=meeting_id, origin=request_origin(request)
    )
    context: dict[str, Any] = {
        "agenda": agenda,
        "meeting": agenda.meeting,
        "close_form": CloseActionForm(),
    }
    if agenda.manages:
        context.update(_manager_forms(request, agenda.meeting, agenda.items))
    return render(request, "casework/meeting_detail.html", context)


@login_required
def meeting_print(request: HttpRequest, meeting_id: str) -> HttpResponse:
    """The agenda for one organisation, to print: only the items it is invited to.

    A partner always gets its own organisation's; the meeting's coordinators may choose one
    (``?organisatie=<id>``) or print the whole agenda.
    """
    organisation = None
    wanted = request.GET.get("organisatie", "")
    meeting = meeting_get_for(
        user=request.user, meeting_id=meeting_id, origin=request_origin(request)
    )
    if not meeting.manages:  # type: ignore[attr-defined]
        organisation = request.user.organisation  # type: ignore[union-attr]
    elif wanted:
        parsed = parse_uuid(wanted)
        organisation = organisation_get(organisation_id=parsed) if parsed else None
        if organisation is None:
            raise Http404
    agenda = meeting_agenda_get_for(
        user=request.user,
        meeting_id=meeting_id,
        origin=request_origin(request),
        for_organisation=organisation,
    )
    context = {"agenda": agenda, "meeting": agenda.meeting, "organisation": organisation}
    return render(request, "casework/meeting_print.html", context)


def _back_to(meeting_id: str) -> HttpResponse:
    return redirect("casework:meeting_detail", meeting_id=meeting_id)


@login_required
@require_POST
def agenda_add(request: HttpRequest, meeting_id: str) -> HttpResponse:
    meeting = meeting_get_for(
        user=request.user, meeting_id=meeting_id, origin=request_origin(request)
    )
    if not meeting.manages:  # type: ignore[attr-defined]
        raise PermissionDenied
    form = AgendaItemForm(request.POST, cases=cases_visible_to(user=request.user))
    if form.is_valid():
        try:
            agenda_item_add(
                meeting=meeting,
                case=form.cleaned_data["case"],
                actor=request.user,  # type: ignore[arg-type]
                origin=request_origin(request),
            )
        except CaseworkError as error:
            _report(request, error)
    else:
        _form_errors(request, form)
    return _back_to(meeting_id)


@login_required
@require_POST
def meeting_step(request: HttpRequest, meeting_id: str, step: str) -> HttpResponse:
    """Freeze the agenda, or declare the minutes complete."""
    meeting = meeting_get_for(
        user=request.user, meeting_id=meeting_id, origin=request_origin(request)
    )
    service = meeting_agenda_freeze if step == "freeze" else meeting_minutes_complete
    try:
        service(meeting=meeting, actor=request.user, origin=request_origin(request))  # type: ignore[arg-type]
    except CaseworkError as error:
        _report(request, error)
    return _back_to(meeting_id)


@login_required
@require_POST
def minutes_save(request: HttpRequest, meeting_id: str, item_id: str) -> HttpResponse:
    meeting = meeting_get_for(
        user=request.user, meeting_id=meeting_id, origin=request_origin(request)
    )
    item = agenda_item_get(meeting=meeting, user=request.user, item_id=item_id)
    if item is None:
        raise Http404
    form = MinutesForm(request.POST, prefix=str(item.uuid))
    if form.is_valid():
        try:
            minutes_record(
                item=item,
                actor=request.user,  # type: ignore[arg-type]
                origin=request_origin(request),
                **form.cleaned_data,
            )
        except CaseworkError as error:
            _report(request, error)
        else:
            messages.success(request, _("Minutes of %(ref)s saved.") % {"ref": item.case.reference})
    else:
        _form_errors(request, form)
    return _back_to(meeting_id)


@login_required
@require_POST
def action_add(request: HttpRequest, meeting_id: str, item_id: str) -> HttpResponse:
    """A decision of the table becomes a plan action of the item's case."""
    meeting = meeting_get_for(
        user=request.user, meeting_id=meeting_id, origin=request_origin(request)
    )
    item = agenda_item_get(meeting=meeting, user=request.user, item_id=item_id)
    if item is None:
        raise Http404
    # Refuse an invited partner before reading the form: the answer must not depend on it.
    if not meeting.manages:  # type: ignore[attr-defined]
        raise PermissionDenied
    taking_part = item.case.participations.filter(ended_at__isnull=True)
    organisations = [
        item.case.owner,
        *(p.organisation for p in taking_part.select_related("organisation")),
    ]
    form = ActionForm(request.POST, organisations=organisations, prefix=f"a-{item.uuid}")
    if form.is_valid():
        try:
            plan_action_add(
                case=item.case,
                actor=request.user,  # type: ignore[arg-type]
                title=form.cleaned_data["title"],
                owner_organisation=form.cleaned_data["owner_organisation"],
                due_date=form.cleaned_data["due_date"],
                agenda_item=item,
                origin=request_origin(request),
            )
        except CaseworkError as error:
            _report(request, error)
        else:
            messages.success(request, _("Action added."))
    else:
        _form_errors(request, form)
    return _back_to(meeting_id)


@login_required
def my_actions(request: HttpRequest) -> HttpResponse:
    """Mijn acties: the open actions of the viewer's organisation, by deadline."""
    context = {
        "actions": list(plan_actions_mine(user=request.user)[:200]),
        "close_form": CloseActionForm(),
        "today": timezone.localdate(),
    }
    return render(request, "casework/my_actions.html", context)


@login_required
@require_POST
def action_close(request: HttpRequest, action_id: str) -> HttpResponse:
    """Mark an action done or cancelled, then go back where the form was."""
    action, _disclosure = plan_action_get_for(user=request.user, action_id=action_id)
    form = CloseActionForm(request.POST)
    if form.is_valid():
        try:
            plan_action_close(
                action=action,
                actor=request.user,  # type: ignore[arg-type]
                status=ActionStatus(form.cleaned_data["status"]),
                note=form.cleaned_data["done_note"],
                origin=request_origin(request),
            )
        except CaseworkError as error:
            _report(request, error)
        else:
            messages.success(request, _("Action closed."))
    else:
        _form_errors(request, form)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("casework:my_actions")
    return redirect(back)

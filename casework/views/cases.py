"""Case pages. They use the same selectors and services as the API, never their own rules."""

from __future__ import annotations

from contextlib import suppress
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from casework.forms import ParticipantForm, ReasonForm
from casework.models import EVENT_LABELS, CaseType, Confidentiality, HistoryKind
from casework.policies import can_manage_participants
from casework.selectors import (
    CaseSearch,
    agenda_items_visible_to,
    case_file_get_for,
    case_get_for,
    case_history,
    case_search,
    cases_visible_to,
    overdue_only,
    participation_get_active,
    plan_actions_for_case,
    with_deadlines,
)
from casework.services import (
    CaseworkError,
    GuardFailure,
    TransitionForbidden,
    case_break_glass,
    case_transition,
    participation_add,
    participation_end,
    transitions_available,
)
from permissions.constants import Perm
from permissions.identifiers import InvalidIdentifier
from permissions.origin import request_origin
from permissions.policies import has_perm
from workflows.machines import MACHINES, machine_for

PAGE = 50


def _search_terms(request: HttpRequest) -> CaseSearch:
    """The search form's fields as a CaseSearch; a malformed date raises ValueError."""
    params = request.GET
    birth_date = params.get("geboortedatum", "").strip()[:10]
    mine = params.get("coordinator", "") == "mij"
    return CaseSearch(
        reference=params.get("kenmerk", "")[:20],
        bsn=params.get("bsn", "")[:20].strip(),
        surname=params.get("achternaam", "")[:100].strip(),
        birth_date=date.fromisoformat(birth_date) if birth_date else None,
        postcode=params.get("postcode", "")[:10].strip(),
        house_number=params.get("huisnummer", "")[:10].strip(),
        state=params.get("status", "")[:40],
        wijk=params.get("wijk", "")[:10],
        coordinator_id=request.user.pk if mine else None,
    )


def _without(request: HttpRequest, name: str) -> str:
    params = request.GET.copy()
    params.pop(name, None)
    return params.urlencode()


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases the viewer may see, newest first, with filters, search and keyset paging.

    Searching by person (BSN, surname + date of birth, address) uses blind indexes only and
    is logged; it is open to those who run cases.
    """
    queryset = with_deadlines(cases_visible_to(user=request.user).select_related("coordinator"))
    case_type = request.GET.get("type", "")
    if case_type in CaseType.values:
        queryset = queryset.filter(case_type=case_type)
    overdue = request.GET.get("verlopen") == "1"
    if overdue:
        queryset = overdue_only(queryset, today=timezone.localdate())
    error = ""
    try:
        terms = _search_terms(request)
        queryset = case_search(
            user=request.user, queryset=queryset, terms=terms, origin=request_origin(request)
        )
    except ValueError:
        error = _("Give the date of birth as a date, e.g. 1971-03-14.")
    except InvalidIdentifier as invalid:
        error = str(invalid)
    except PermissionError:
        error = _("Searching by person is for those who run cases.")
    before = request.GET.get("voor", "")
    if before:
        with suppress(ValueError):
            cursor = datetime.fromisoformat(before)
            queryset = queryset.filter(**{"list_created_at__lt": cursor})
    cases = [] if error else list(queryset.order_by("-list_created_at")[: PAGE + 1])
    older = cases[PAGE].list_created_at.isoformat() if len(cases) > PAGE else None
    states = sorted(
        {(s.name, s.label) for machine in MACHINES.values() for s in machine.states},
        key=lambda s: s[1],
    )
    context = {
        "cases": cases[:PAGE],
        "older": older,
        "case_types": CaseType.choices,
        "case_type": case_type,
        "overdue": overdue,
        "today": timezone.localdate(),
        "states": states,
        "search": request.GET,
        "error": error,
        "query": _without(request, "voor"),
    }
    return render(request, "casework/case_list.html", context, status=400 if error else 200)


def _state_label(machine: Any, name: str) -> str:
    try:
        return str(machine.state(name).label) if name else ""
    except StopIteration:  # a state a later version of the machine no longer has
        return name


def _labelled(history: Any, *, machine: Any) -> list[Any]:
    """The history rows, each with the ``label`` the timeline shows (Dutch)."""
    rows = list(history)
    for row in rows:
        transition = machine.by_name.get(row.name) if row.kind == HistoryKind.TRANSITION else None
        row.label = transition.label if transition else EVENT_LABELS.get(row.name, row.name)
        row.from_label = _state_label(machine, row.from_state)
        row.to_label = _state_label(machine, row.to_state)
    return rows


@login_required
def case_detail(request: HttpRequest, case_id: str) -> HttpResponse:
    """The case file, showing only the field groups the viewer may read."""
    file = case_file_get_for(user=request.user, case_id=case_id, origin=request_origin(request))
    machine = machine_for(file.case.case_type)
    context = {
        "file": file,
        "case": file.case,
        "state_label": machine.state(file.case.state).label,
        "transitions": transitions_available(
            user=request.user, case=file.case, disclosure=file.disclosure
        ),
        "machine_closing_reasons": machine.closing_reasons,
        "history": _labelled(case_history(case=file.case), machine=machine),
        # The plan: the actions this viewer may see (all for whoever runs the case, else
        # their own organisation's), and the meetings whose item on this case they may see.
        "actions": list(
            plan_actions_for_case(
                user=request.user, case=file.case, disclosure=file.disclosure
            ).order_by(F("due_date").asc(nulls_last=True), "id")[:50]
        ),
        "agenda_items": list(
            agenda_items_visible_to(user=request.user)
            .filter(case=file.case)
            .select_related("meeting__meeting_type")
            .order_by("-meeting__starts_at")[:20]
        ),
        "deadlines": list(
            file.case.deadlines.filter(met_at__isnull=True, cancelled_at__isnull=True).order_by(
                "due_on"
            )
        ),
        "today": timezone.localdate(),
        "groups": {g.value for g in file.disclosure.groups},
        "participant_form": (
            ParticipantForm(owner_id=file.case.owner_id)
            if can_manage_participants(disclosure=file.disclosure)
            and file.case.confidentiality < Confidentiality.HIGHEST
            else None
        ),
    }
    return render(request, "casework/case_detail.html", context)


@login_required
@require_POST
def participant_add(request: HttpRequest, case_id: str) -> HttpResponse:
    case, disclosure = case_get_for(
        user=request.user, case_id=case_id, origin=request_origin(request)
    )
    if not can_manage_participants(disclosure=disclosure):
        raise PermissionDenied
    form = ParticipantForm(request.POST, owner_id=case.owner_id)
    if form.is_valid():
        organisation = form.cleaned_data["organisation"]
        try:
            participation_add(
                case=case,
                organisation=organisation,
                disclosure_profile=form.cleaned_data["disclosure_profile"],
                legal_basis=form.cleaned_data["legal_basis"],
                granted_by=request.user,  # type: ignore[arg-type]
                origin=request_origin(request),
            )
        except CaseworkError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("%(org)s now takes part in this case.") % {"org": organisation.name}
            )
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, str(message))
    return redirect("casework:case_detail", case_id=case.uuid)


@login_required
@require_POST
def participant_end(request: HttpRequest, case_id: str, participation_id: str) -> HttpResponse:
    case, disclosure = case_get_for(
        user=request.user, case_id=case_id, origin=request_origin(request)
    )
    if not can_manage_participants(disclosure=disclosure):
        raise PermissionDenied
    participation = participation_get_active(case=case, participation_id=participation_id)
    if participation is not None:
        participation_end(
            participation=participation,
            ended_by=request.user,  # type: ignore[arg-type]
            reason=request.POST.get("reason", "")[:2000],
            origin=request_origin(request),
        )
        messages.success(
            request,
            _("%(org)s no longer takes part.") % {"org": participation.organisation.name},
        )
    return redirect("casework:case_detail", case_id=case.uuid)


@login_required
@require_POST
def case_step(request: HttpRequest, case_id: str) -> HttpResponse:
    """Perform one transition from the case page; its inputs come as ``input-<name>``."""
    inputs = {
        key.removeprefix("input-"): value
        for key, value in request.POST.items()
        if key.startswith("input-")
    }
    try:
        case = case_transition(
            user=request.user,
            case_id=case_id,
            transition=request.POST.get("transition", "")[:60],
            reason=request.POST.get("reason", "")[:5000],
            inputs=inputs,
            expected_state=request.POST.get("expected_state") or None,
            origin=request_origin(request),
        )
    except TransitionForbidden as error:
        raise PermissionDenied from error
    except GuardFailure as error:
        for message in error.messages:
            messages.error(request, message)
    except CaseworkError as error:
        messages.error(request, error.message)
    else:
        label = machine_for(case.case_type).state(case.state).label
        messages.success(request, _("The case is now: %(state)s.") % {"state": label})
    return redirect("casework:case_detail", case_id=case_id)


@login_required
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest, case_id: str) -> HttpResponse:
    """Open a confidential case with a stated reason (logged; the team lead is told).

    The page exists only for those who may ever break the glass; for anyone else it is not
    found, like the case itself.
    """
    if not has_perm(request.user, Perm.BREAK_GLASS):
        raise Http404
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case_break_glass(
                user=request.user,  # type: ignore[arg-type]
                case_id=case_id,
                reason=form.cleaned_data["reason"],
                origin=request_origin(request),
            )
        except CaseworkError as error:
            form.add_error("reason", error.message)
        else:
            return redirect("casework:case_detail", case_id=case_id)
    return render(request, "casework/break_glass.html", {"form": form, "case_id": case_id})

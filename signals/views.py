"""Signal pages: the phone form, the receipt, "Mijn signalen" and the triage inbox.

The form posts the same body the API takes, through the same serializer and service, so the
page and the API can never disagree about what a valid signal is. With JavaScript the page
sends that body to the API itself and keeps a draft on the phone while the network is away;
without it, this view files it. Either way the form's idempotency key files it once.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from casework.models import CaseType
from config.api import errors_flat
from permissions.constants import Perm
from permissions.origin import request_origin
from permissions.policies import configuration_scope, has_perm

from .api.serializers import SignalCreateSerializer
from .models import Category, SignalPersonRole, SignalStatus, TriageDecision
from .policies import SignalView, can_file_signal, reporter_status_label, triage_municipality_id
from .selectors import (
    REASON_ADDRESS,
    REASON_BSN,
    REASON_NAME_BIRTH_DATE,
    bundle_proposals,
    categories_for_reporter,
    signal_file_get,
    signal_get_for,
    signal_matches,
    signals_of_reporter,
    signals_visible_to,
    triage_inbox,
)
from .services import (
    SignalConflict,
    SignalForbidden,
    SignalInvalid,
    category_add,
    category_set_active,
    signal_file,
    signal_request_hash,
    signal_triage,
    signals_bundle,
)

# Two person blocks on the phone form: the subject and one more (reporter or witness).
FORM_PERSONS = 2
# Where an error about a body field is shown on the form.
ERROR_FIELDS = {
    "location.address": "street",
    "location.postcode": "postcode",
    "location.wijk": "postcode",
    "location.buurt": "postcode",
    "location.lat": "location",
    "location.lon": "location",
}
# Why a signal is thought to be about someone or somewhere already known.
REASON_LABELS = {
    REASON_BSN: gettext_lazy("same BSN"),
    REASON_NAME_BIRTH_DATE: gettext_lazy("same surname and date of birth"),
    REASON_ADDRESS: gettext_lazy("same address"),
}
# What a reporter is told, in the interface's language.
REPORTER_LABELS = {
    "ontvangen": pgettext_lazy("signal status for its reporter", "received"),
    "in behandeling": pgettext_lazy("signal status for its reporter", "in progress"),
    "afgesloten": pgettext_lazy("signal status for its reporter", "closed"),
}


def _require_filer(request: HttpRequest) -> None:
    if not can_file_signal(request.user):
        raise PermissionDenied


def _require_triage(request: HttpRequest) -> int:
    municipality_id = triage_municipality_id(request.user)
    if municipality_id is None:
        raise Http404
    return municipality_id


def form_body(post: Any) -> tuple[dict[str, Any], list[int]]:
    """The API body (api.md) the phone form's fields describe, empty parts left out, and
    for each person in the body the form block it came from."""
    number = post.get("house_number", "").strip()
    address = " ".join(part for part in (post.get("street", "").strip(), number) if part)
    location: dict[str, Any] = {"address": address, "postcode": post.get("postcode", "")}
    for name in ("lat", "lon"):
        if post.get(name, "").strip():
            location[name] = post[name].strip()
    persons = []
    blocks = []
    for index in range(FORM_PERSONS):
        person = {
            name: post.get(f"persons_{index}_{name}", "").strip()
            for name in ("name", "birth_date", "bsn")
        }
        person = {name: value for name, value in person.items() if value}
        if person:
            person["role"] = post.get(f"persons_{index}_role", SignalPersonRole.SUBJECT)
            persons.append(person)
            blocks.append(index)
    body: dict[str, Any] = {
        "category": post.get("category", ""),
        "description": post.get("description", ""),
        "observed_at": post.get("observed_at", ""),
        "location": location,
    }
    if persons:
        body["persons"] = persons
    return body, blocks


def _form_errors(errors: dict[str, list[str]], blocks: list[int]) -> dict[str, list[str]]:
    shown: dict[str, list[str]] = {}
    for name, messages_ in errors.items():
        parts = name.split(".")
        if parts[0] == "persons" and len(parts) > 1 and parts[1].isdigit():
            position = int(parts[1])
            parts[1] = str(blocks[position] if position < len(blocks) else position)
        field = ERROR_FIELDS.get(name, "_".join(parts))
        shown.setdefault(field, []).extend(messages_)
    return shown


@login_required
@require_http_methods(["GET", "POST"])
def signal_new(request: HttpRequest) -> HttpResponse:
    """The phone form. POST (without JavaScript) files the signal once per form key."""
    _require_filer(request)
    values: dict[str, Any] = {
        "idempotency_key": str(uuid.uuid4()),
        "observed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "persons_0_role": SignalPersonRole.SUBJECT,
        "persons_1_role": SignalPersonRole.REPORTER,
    }
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in request.POST}
        body, blocks = form_body(request.POST)
        serializer = SignalCreateSerializer(data=body)
        key = request.POST.get("idempotency_key", "")[:100]
        try:
            if not serializer.is_valid():
                raise SignalInvalid(errors_flat(serializer.errors))
            filed = signal_file(
                reporter=request.user,  # type: ignore[arg-type]
                data=serializer.to_input(),
                idempotency_key=key,
                request_hash=signal_request_hash(body=body) if key else "",
                origin=request_origin(request),
            )
        except SignalInvalid as error:
            errors = _form_errors(error.errors, blocks)
        except SignalConflict:
            # The key came with another body: this form was sent before. A fresh key files
            # this body as a new signal once the reporter sends it again.
            values["idempotency_key"] = str(uuid.uuid4())
            errors = {"non_field_errors": [_("This form was sent before. Check and send again.")]}
        else:
            return redirect("signals:receipt", signal_id=filed.signal.uuid)
    context = {
        "values": values,
        "errors": errors,
        "categories": categories_for_reporter(user=request.user),
        "persons": [
            {
                "index": index,
                **{
                    name: values.get(f"persons_{index}_{name}", "")
                    for name in ("role", "name", "birth_date", "bsn")
                },
                "errors": {
                    name: errors.get(f"persons_{index}_{name}", [])
                    for name in ("role", "name", "birth_date", "bsn")
                },
                "general_errors": errors.get(f"persons_{index}", []),
            }
            for index in range(FORM_PERSONS)
        ],
        "person_roles": SignalPersonRole.choices,
    }
    status = 400 if errors else 200
    return render(request, "signals/signal_form.html", context, status=status)


@login_required
def signal_receipt(request: HttpRequest, signal_id: str) -> HttpResponse:
    """The receipt after filing: the reference and the status, nothing else."""
    signal, _view = signal_get_for(
        user=request.user, signal_id=signal_id, origin=request_origin(request)
    )
    return render(
        request,
        "signals/receipt.html",
        {"signal": signal, "status_label": _reporter_label(signal)},
    )


def _reporter_label(signal: Any) -> str:
    label = reporter_status_label(
        status=signal.status, case_closed=getattr(signal, "case_closed_at", None) is not None
    )
    return str(REPORTER_LABELS[label])


@login_required
def my_signals(request: HttpRequest) -> HttpResponse:
    """The reporter's own signals with their status only ("ontvangen", "in behandeling",
    "afgesloten"): never the content of the case a signal fed."""
    rows = [(signal, _reporter_label(signal)) for signal in signals_of_reporter(user=request.user)]
    return render(
        request,
        "signals/my_signals.html",
        {"rows": rows, "can_file": can_file_signal(request.user)},
    )


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The triage inbox: new signals oldest first, with age, clock, "bekend?" and bundles."""
    municipality_id = _require_triage(request)
    today = timezone.localdate()
    rows = triage_inbox(user=request.user, today=today)
    proposals = bundle_proposals(municipality_id=municipality_id, today=today)
    references = dict(
        signals_visible_to(user=request.user)
        .filter(uuid__in=[i for p in proposals for i in p.signal_ids])
        .values_list("uuid", "reference")
    )
    context = {
        "rows": [(row, [REASON_LABELS[r] for r in row.known]) for row in rows],
        "proposals": [(p, [(i, references.get(i, "")) for i in p.signal_ids]) for p in proposals],
        "case_types": CaseType.choices,
        "today": today,
    }
    return render(request, "signals/inbox.html", context)


@login_required
def signal_detail(request: HttpRequest, signal_id: str) -> HttpResponse:
    """The full signal for its coordinators: content, persons, matches and the decision."""
    origin = request_origin(request)
    signal, _view = signal_get_for(
        user=request.user, signal_id=signal_id, origin=origin, minimum=SignalView.FULL
    )
    file = signal_file_get(user=request.user, signal=signal, origin=origin)
    matches = (
        signal_matches(user=request.user, signal=signal, origin=origin)
        if signal.status == SignalStatus.NEW
        else None
    )
    context = {
        "file": file,
        "signal": file.signal,
        "matches": matches,
        "reason_labels": REASON_LABELS,
        "case_types": CaseType.choices,
        "decisions": TriageDecision,
        "errors": {},
        "values": {},
    }
    return render(request, "signals/signal_detail.html", context)


def _messages_of(error: SignalInvalid | SignalConflict | SignalForbidden) -> list[str]:
    if isinstance(error, SignalInvalid):
        return [message for found in error.errors.values() for message in found]
    return [error.message]


@login_required
@require_POST
def signal_triage_page(request: HttpRequest, signal_id: str) -> HttpResponse:
    """Carry out one triage decision from the signal page."""
    origin = request_origin(request)
    signal, _view = signal_get_for(
        user=request.user, signal_id=signal_id, origin=origin, minimum=SignalView.FULL
    )
    post = request.POST
    try:
        triaged = signal_triage(
            signal=signal,
            actor=request.user,  # type: ignore[arg-type]
            decision=post.get("decision", ""),
            case_type=post.get("case_type") or None,
            case_id=post.get("case", "").strip() or None,
            forward_to=post.get("to", "")[:200],
            reason=post.get("reason", "")[:2000],
            origin=origin,
        )
    except (SignalInvalid, SignalConflict, SignalForbidden) as error:
        for message in _messages_of(error):
            messages.error(request, message)
        return redirect("signals:detail", signal_id=signal.uuid)
    messages.success(
        request,
        _("Signal %(reference)s: %(decision)s.")
        % {"reference": triaged.reference, "decision": triaged.get_decision_display()},
    )
    if triaged.case is not None:
        return redirect("casework:case_detail", case_id=triaged.case.uuid)
    return redirect("signals:inbox")


@login_required
@require_POST
def bundle(request: HttpRequest) -> HttpResponse:
    """Take a proposed group of signals into one new case."""
    _require_triage(request)
    origin = request_origin(request)
    ids = request.POST.getlist("signal")[:100]
    signals = [
        signal_get_for(user=request.user, signal_id=i, origin=origin, minimum=SignalView.FULL)[0]
        for i in ids
    ]
    try:
        case = signals_bundle(
            signals=signals,
            actor=request.user,  # type: ignore[arg-type]
            case_type=request.POST.get("case_type") or None,
            origin=origin,
        )
    except (SignalInvalid, SignalConflict, SignalForbidden) as error:
        for message in _messages_of(error):
            messages.error(request, message)
        return redirect("signals:inbox")
    messages.success(
        request,
        _("%(count)d signals taken into case %(reference)s.")
        % {"count": len(signals), "reference": case.reference},
    )
    return redirect("casework:case_detail", case_id=case.uuid)


@login_required
@require_http_methods(["GET", "POST"])
def categories_page(request: HttpRequest) -> HttpResponse:
    """The category set: the installation's categories and the municipality's own.

    A municipality's functional admin adds and retires only their own municipality's
    categories; the installation's belong to admins without a municipality (or to the one
    municipality of a single-town installation).
    """
    user = request.user
    if not has_perm(user, Perm.CONFIGURE):
        raise PermissionDenied
    municipality, installation_wide = configuration_scope(user)
    scope = Q(municipality__isnull=True) if installation_wide else Q(municipality=municipality)
    errors: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    if request.method == "POST":
        origin = request_origin(request)
        if request.POST.get("action") == "add":
            values = {k: request.POST.get(k, "")[:200] for k in ("code", "label", "case_type")}
            try:
                category_add(
                    actor=user,  # type: ignore[arg-type]
                    municipality=None if installation_wide else municipality,
                    origin=origin,
                    **values,
                )
            except SignalInvalid as error:
                errors = error.errors
            else:
                messages.success(request, _("The category is added. Changes are logged."))
                return redirect("signals:categories")
        else:
            category = Category.objects.filter(scope, code=request.POST.get("code", "")).first()
            if category is None:
                raise Http404
            category_set_active(
                actor=user,  # type: ignore[arg-type]
                category=category,
                active=request.POST.get("active") == "1",
                origin=origin,
            )
            messages.success(request, _("The category set is saved. Changes are logged."))
            return redirect("signals:categories")
    categories = Category.objects.filter(
        Q(municipality__isnull=True) | Q(municipality=municipality)
    ).select_related("municipality")
    context = {
        "rows": [
            (c, c.municipality_id is None if installation_wide else c.municipality_id is not None)
            for c in categories
        ],
        "municipality": municipality,
        "installation_wide": installation_wide,
        "case_types": CaseType.choices,
        "errors": errors,
        "values": values,
    }
    status = 400 if errors else 200
    return render(request, "signals/categories.html", context, status=status)

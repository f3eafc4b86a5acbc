"""Pages of the privacy officer and the functional admin: find a person and print what is
held about them, the retention rules (four eyes), and the destruction proposals."""

from __future__ import annotations

import datetime
import uuid
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casework.selectors import person_find, person_get
from permissions.constants import Perm
from permissions.identifiers import InvalidIdentifier
from permissions.models import AccessAction, User
from permissions.origin import request_origin
from permissions.policies import configuration_scope, has_perm
from permissions.services import AccessEvent, access_log_record

from .models import (
    DestructionProposal,
    RestrictionKind,
    RestrictionRequest,
    RetentionRule,
    RetentionSubject,
    SubjectAccessRequest,
)
from .selectors import destruction_proposals_pending, retention_rules_list
from .services import (
    PrivacyError,
    destruction_proposal_approve,
    destruction_proposal_reject,
    person_export,
    restriction_decide,
    restriction_register,
    retention_rule_approve,
    retention_rule_propose,
    retention_rule_reject,
    subject_access_answered,
    subject_access_extend,
    subject_access_register,
)


def _require_privacy_officer(request: HttpRequest) -> User:
    if not has_perm(request.user, Perm.HANDLE_SUBJECT_REQUESTS):
        raise PermissionDenied
    return cast(User, request.user)


@login_required
def person_search_page(request: HttpRequest) -> HttpResponse:
    """Find a person by BSN or by surname + birth date (blind index; the search is logged)."""
    user = _require_privacy_officer(request)
    bsn = request.GET.get("bsn", "").strip()
    surname = request.GET.get("achternaam", "").strip()
    birth = request.GET.get("geboortedatum", "").strip()
    error = ""
    searched = bool(bsn or (surname and birth))
    if searched:
        try:
            birth_date = datetime.date.fromisoformat(birth) if birth else None
            person = person_find(bsn=bsn, surname=surname, birth_date=birth_date)
        except (InvalidIdentifier, ValueError):
            person = None
            error = _("Check the BSN or the birth date.")
        access_log_record(
            actor=user,
            origin=request_origin(request),
            events=[
                AccessEvent(
                    action=AccessAction.SEARCH,
                    object_type="person",
                    object_id=str(person.uuid) if person else "",
                    person_uuid=person.uuid if person else None,
                    detail={"by": "bsn" if bsn else "name_birth_date", "found": bool(person)},
                )
            ],
        )
        if person is not None:
            return redirect("privacy:person_requests", person_id=person.uuid)
        if not error:
            error = _("No person found.")
    context = {"bsn": bsn, "surname": surname, "birth": birth, "error": error}
    return render(request, "privacy/person_search.html", context)


@login_required
def person_export_page(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """The printable Dutch overview of everything held about a person (logged as an export)."""
    user = _require_privacy_officer(request)
    person = person_get(person_uuid=person_id)
    if person is None:
        raise Http404
    data = person_export(
        person=person, actor=user, origin=request_origin(request), export_format="html"
    )
    return render(request, "privacy/person_export.html", {"export": data})


@login_required
@require_http_methods(["GET", "POST"])
def retention_rules_page(request: HttpRequest) -> HttpResponse:
    """The retention rules in force and the changes awaiting approval (four eyes).

    The functional admin proposes (for the installation, or for their own municipality in
    a regional installation); a privacy officer who did not propose it approves or rejects.
    """
    user = cast(User, request.user)
    may_propose = has_perm(user, Perm.CONFIGURE)
    may_approve = has_perm(user, Perm.APPROVE_RETENTION_RULES)
    if not (may_propose or may_approve):
        raise PermissionDenied
    municipality, installation_wide = configuration_scope(user)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "propose" and may_propose:
                retention_rule_propose(
                    actor=user,
                    subject=request.POST.get("subject", ""),
                    months=int(request.POST.get("months", "0") or 0),
                    municipality=None if installation_wide else municipality,
                    origin=request_origin(request),
                )
                messages.success(
                    request, _("The change is proposed; it takes effect once approved.")
                )
            elif action in ("approve", "reject") and may_approve:
                rule_uuid = _uuid_or_none(request.POST.get("rule"))
                rule = RetentionRule.objects.filter(uuid=rule_uuid).first() if rule_uuid else None
                if rule is None:
                    raise Http404
                decide = retention_rule_approve if action == "approve" else retention_rule_reject
                decide(rule=rule, actor=user, origin=request_origin(request))
                messages.success(request, _("The decision is recorded."))
            else:
                raise PermissionDenied
        except ValueError:
            messages.error(request, _("Give the period as a whole number of months."))
        except PrivacyError as error:
            messages.error(request, error.message)
        return redirect("privacy:retention_rules")
    context = {
        "rules": retention_rules_list().exclude(status__in=["superseded", "rejected"]),
        "subjects": RetentionSubject.choices,
        "may_propose": may_propose,
        "may_approve": may_approve,
        "scope": None if installation_wide else municipality,
    }
    return render(request, "privacy/retention_rules.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def destruction_proposals_page(request: HttpRequest) -> HttpResponse:
    """Destruction proposals awaiting approval: approve, or keep the data for now (reason)."""
    user = cast(User, request.user)
    if not has_perm(user, Perm.APPROVE_DESTRUCTION):
        raise PermissionDenied
    if request.method == "POST":
        proposal_uuid = _uuid_or_none(request.POST.get("proposal"))
        proposal = (
            DestructionProposal.objects.filter(uuid=proposal_uuid).first()
            if proposal_uuid
            else None
        )
        if proposal is None:
            raise Http404
        try:
            if request.POST.get("action") == "approve":
                destruction_proposal_approve(
                    proposal=proposal, actor=user, origin=request_origin(request)
                )
                messages.success(request, _("Approved: the case is destroyed in the next run."))
            else:
                destruction_proposal_reject(
                    proposal=proposal,
                    actor=user,
                    reason=request.POST.get("reason", ""),
                    origin=request_origin(request),
                )
                messages.success(request, _("The data is kept for now; the reason is recorded."))
        except PrivacyError as error:
            messages.error(request, error.message)
        return redirect("privacy:destruction_proposals")
    context = {"proposals": destruction_proposals_pending()[:200]}
    return render(request, "privacy/destruction_proposals.html", context)


def _uuid_or_none(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def person_requests_page(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """The person's requests. Subject access: register one (the clock starts), extend it
    when the person was told in time, mark it answered. Objection or restriction: register
    one (new sharing stops at once), decide it with a reason. Shows no personal data and
    no decision reasons itself; the printable overview is one click away (logged as an
    export)."""
    user = _require_privacy_officer(request)
    person = person_get(person_uuid=person_id)
    if person is None:
        raise Http404
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "register":
                subject_access_register(
                    person=person,
                    received_on=_date(request.POST.get("received_on")),
                    actor=user,
                    origin=request_origin(request),
                )
            elif action == "restriction":
                restriction_register(
                    person=person,
                    kind=RestrictionKind(request.POST.get("kind", "")),
                    received_on=_date(request.POST.get("received_on")),
                    actor=user,
                    origin=request_origin(request),
                )
            elif action in ("uphold", "reject"):
                restriction = RestrictionRequest.objects.filter(
                    person=person, uuid=_uuid_or_zero(request.POST.get("restriction"))
                ).first()
                if restriction is None:
                    raise Http404
                restriction_decide(
                    request=restriction,
                    upheld=action == "uphold",
                    reason=request.POST.get("reason", ""),
                    actor=user,
                    origin=request_origin(request),
                )
            elif action in ("extend", "answered"):
                sar = SubjectAccessRequest.objects.filter(
                    person=person, uuid=_uuid_or_zero(request.POST.get("request"))
                ).first()
                if sar is None:
                    raise Http404
                if action == "extend":
                    subject_access_extend(
                        request=sar,
                        notified_on=_date(request.POST.get("notified_on")),
                        actor=user,
                        origin=request_origin(request),
                    )
                else:
                    subject_access_answered(request=sar, actor=user, origin=request_origin(request))
            else:
                raise Http404
            messages.success(request, _("The request is updated."))
        except ValueError:
            messages.error(request, _("Give a valid date."))
        except PrivacyError as error:
            messages.error(request, error.message)
        return redirect("privacy:person_requests", person_id=person.uuid)
    requests = SubjectAccessRequest.objects.filter(person=person).order_by("-received_on", "-id")
    restrictions = RestrictionRequest.objects.filter(person=person).order_by("-registered_at")
    context = {
        "person": person,
        "requests": requests,
        "restrictions": restrictions,
        "kinds": RestrictionKind.choices,
    }
    return render(request, "privacy/person_requests.html", context)


def _uuid_or_zero(value: str | None) -> uuid.UUID:
    # The nil uuid matches no row: an absent or malformed id answers 404 like an unknown one.
    return _uuid_or_none(value) or uuid.UUID(int=0)


def _date(value: str | None) -> datetime.date:
    return datetime.date.fromisoformat(str(value or ""))

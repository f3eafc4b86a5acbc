"""The rights of the person (AVG art. 15, 18, 21): subject access with its export, and
objection or restriction with the flag that stops new sharing."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Person
from casework.services import person_restriction_set
from permissions.constants import Perm
from permissions.models import AccessAction, User
from permissions.services import AccessEvent, access_log_record
from workflows.clocks import clock_get, due

from ..models import RestrictionKind, RestrictionRequest, SubjectAccessRequest
from ..reminders import subject_access_reminders_cancel, subject_access_reminders_schedule
from ..selectors import person_export_build


class PrivacyError(Exception):
    """A rule of the privacy process was not met; the message says what to do, in Dutch."""

    def __init__(self, message: str, *, field: str = "non_field_errors") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class PrivacyForbidden(PrivacyError):
    """The actor lacks the permission for this step (403)."""


def _require(actor: User, perm: Perm) -> None:
    if not actor.has_perm(perm.value):
        raise PrivacyForbidden(_("You are not allowed to do this."))


def _log(
    *,
    actor: User | None,
    origin: str | None,
    action: str,
    object_type: str,
    object_id: str,
    person: Person | None = None,
    **detail: Any,
) -> None:
    access_log_record(
        actor=actor,
        origin=origin,
        events=[
            AccessEvent(
                action=action,
                object_type=object_type,
                object_id=object_id,
                person_uuid=person.uuid if person is not None else None,
                detail=detail,
            )
        ],
    )


@transaction.atomic
def subject_access_register(
    *, person: Person, received_on: datetime.date, actor: User, origin: str | None = None
) -> SubjectAccessRequest:
    """Register a subject-access request received on ``received_on``; the one-month clock
    (``subject_access``, art. 12 lid 3 AVG) starts that day.

    Raises PrivacyForbidden without ``handle_subject_requests`` and PrivacyError for a
    receipt date in the future.
    """
    _require(actor, Perm.HANDLE_SUBJECT_REQUESTS)
    if received_on > timezone.localdate():
        raise PrivacyError(_("The date of receipt cannot lie in the future."), field="received_on")
    request = SubjectAccessRequest.objects.create(
        person=person,
        received_on=received_on,
        due_on=due(clock_get("subject_access"), start=received_on),
        registered_by=actor,
    )
    subject_access_reminders_schedule(request=request)
    _log(
        actor=actor,
        origin=origin,
        action=AccessAction.CHANGE,
        object_type="subject_access_request",
        object_id=str(request.uuid),
        person=person,
        change="registered",
        due_on=request.due_on.isoformat(),
    )
    return request


@transaction.atomic
def subject_access_extend(
    *,
    request: SubjectAccessRequest,
    notified_on: datetime.date,
    actor: User,
    origin: str | None = None,
) -> SubjectAccessRequest:
    """Extend the answer period to three months from receipt (``subject_access_extended``).

    Allowed only when the person was told within the first month, i.e. on or before the
    first due date. Raises PrivacyError otherwise, for an answered request, or when it was
    extended already.
    """
    _require(actor, Perm.HANDLE_SUBJECT_REQUESTS)
    locked = SubjectAccessRequest.objects.select_for_update().get(pk=request.pk)
    first_due = due(clock_get("subject_access"), start=locked.received_on)
    if locked.status != SubjectAccessRequest.Status.OPEN:
        raise PrivacyError(_("This request was answered already."))
    if locked.extension_notified_on is not None:
        raise PrivacyError(_("This request was extended already."))
    if notified_on > first_due or notified_on < locked.received_on:
        raise PrivacyError(
            _(
                "The period can only be extended when the person is told within the first "
                "month (by %(date)s)."
            )
            % {"date": first_due.strftime("%d-%m-%Y")},
            field="notified_on",
        )
    locked.extension_notified_on = notified_on
    locked.due_on = due(clock_get("subject_access_extended"), start=locked.received_on)
    locked.save(update_fields=["extension_notified_on", "due_on"])
    subject_access_reminders_schedule(request=locked)
    _log(
        actor=actor,
        origin=origin,
        action=AccessAction.CHANGE,
        object_type="subject_access_request",
        object_id=str(locked.uuid),
        person=locked.person,
        change="extended",
        due_on=locked.due_on.isoformat(),
    )
    return locked


@transaction.atomic
def subject_access_answered(
    *, request: SubjectAccessRequest, actor: User, origin: str | None = None
) -> SubjectAccessRequest:
    """Mark a request answered (the clock stops). Answering twice keeps the first moment."""
    _require(actor, Perm.HANDLE_SUBJECT_REQUESTS)
    locked = SubjectAccessRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status == SubjectAccessRequest.Status.ANSWERED:
        return locked
    locked.status = SubjectAccessRequest.Status.ANSWERED
    locked.answered_at = timezone.now()
    locked.save(update_fields=["status", "answered_at"])
    subject_access_reminders_cancel(request=locked)
    _log(
        actor=actor,
        origin=origin,
        action=AccessAction.CHANGE,
        object_type="subject_access_request",
        object_id=str(locked.uuid),
        person=locked.person,
        change="answered",
    )
    return locked


@transaction.atomic
def person_export(
    *,
    person: Person,
    actor: User,
    origin: str | None = None,
    export_format: str = "json",
) -> dict[str, Any]:
    """Everything held about ``person`` (``person_export_build``), logged as an export.

    The access-log row is written before the export is built, so the export lists itself.
    Raises PrivacyForbidden without ``handle_subject_requests``.
    """
    _require(actor, Perm.HANDLE_SUBJECT_REQUESTS)
    open_request = (
        SubjectAccessRequest.objects.filter(person=person, status=SubjectAccessRequest.Status.OPEN)
        .order_by("due_on")
        .first()
    )
    _log(
        actor=actor,
        origin=origin,
        action=AccessAction.EXPORT,
        object_type="person",
        object_id=str(person.uuid),
        person=person,
        format=export_format,
        request=str(open_request.uuid) if open_request else "",
    )
    data = person_export_build(person=person)
    data["generated_at"] = timezone.now().isoformat()
    data["request"] = (
        {
            "received_on": open_request.received_on.isoformat(),
            "due_on": open_request.due_on.isoformat(),
            "extended": open_request.extension_notified_on is not None,
        }
        if open_request
        else None
    )
    return data


@transaction.atomic
def restriction_register(
    *,
    person: Person,
    kind: RestrictionKind,
    received_on: datetime.date,
    actor: User,
    origin: str | None = None,
) -> RestrictionRequest:
    """Register an objection or a restriction request and raise the person's flag at once:
    from now on no organisation joins a case the person is in (``participation_add``
    refuses) until the privacy officer decides.
    """
    _require(actor, Perm.HANDLE_SUBJECT_REQUESTS)
    request = RestrictionRequest.objects.create(
        person=person, kind=kind, received_on=received_on, registered_by=actor
    )
    person_restriction_set(person=person, restricted=True)
    _log(
        actor=actor,
        origin=origin,
        action=AccessAction.CHANGE,
        object_type="restriction_request",
        object_id=str(request.uuid),
        person=person,
        change="registered",
        kind=str(kind),
    )
    return request


@transaction.atomic
def restriction_decide(
    *,
    request: RestrictionRequest,
    upheld: bool,
    reason: str,
    actor: User,
    origin: str | None = None,
) -> RestrictionRequest:
    """Record the privacy officer's decision and its reason (encrypted with the person's key).

    Upheld: the flag stays. Rejected: the flag is lifted unless another request of the
    person is pending or upheld. Raises PrivacyError without a reason or for a decided request.
    """
    _require(actor, Perm.HANDLE_SUBJECT_REQUESTS)
    reason = (reason or "").strip()
    if not reason:
        raise PrivacyError(_("Give the reason for the decision."), field="reason")
    locked = (
        RestrictionRequest.objects.select_for_update(of=("self",))
        .select_related("person", "person__data_key")
        .get(pk=request.pk)
    )
    if locked.status != RestrictionRequest.Status.PENDING:
        raise PrivacyError(_("This request was decided already."))
    locked.status = (
        RestrictionRequest.Status.UPHELD if upheld else RestrictionRequest.Status.REJECTED
    )
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_reason = reason
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    still_held = (
        RestrictionRequest.objects.filter(person=locked.person)
        .exclude(status=RestrictionRequest.Status.REJECTED)
        .exists()
    )
    person_restriction_set(person=locked.person, restricted=still_held)
    _log(
        actor=actor,
        origin=origin,
        action=AccessAction.CHANGE,
        object_type="restriction_request",
        object_id=str(locked.uuid),
        person=locked.person,
        change="decided",
        upheld=upheld,
    )
    return locked

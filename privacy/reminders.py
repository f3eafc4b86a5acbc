"""The privacy officer's reminders, declared as data and registered with the outbox.

- retention proposal, about a destruction proposal: when the nightly job makes it, to who
  approves destruction;
- subject access due, about a subject-access request: 5 working days before its last day
  (``before``) and on it (``today``), to who handles requests.

Recipients are the staff of the case's (or the registering officer's) municipality whose role
holds the permission; no role name is tested. Texts carry a reference or a date and a link,
never a name: the person concerned is not named in a mailbox.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from casework.reminders import due_moment, municipality_staff
from notifications.kinds import (
    EscalationStep,
    ObjectRef,
    ReminderCode,
    ReminderKind,
    ReminderText,
    register,
)
from notifications.services import reminder_reschedule, reminder_schedule, reminders_cancel_for
from permissions.constants import Perm
from permissions.models import User
from permissions.policies import has_perm
from workflows.calendar import add_working_days

from .models import DestructionProposal, ProposalStatus, SubjectAccessRequest

BEFORE = "before"
TODAY = "today"
SUBJECT_ACCESS_BEFORE_DAYS = 5


def holders_of(*, perm: Perm, municipality_id: int | None) -> list[User]:
    """Active staff of the municipality's own organisation whose role or account holds
    ``perm``."""
    if municipality_id is None:
        return []
    return [u for u in municipality_staff(municipality_id) if has_perm(u, perm)]


# --- destruction proposals -----------------------------------------------------------------


def _proposal(ref: ObjectRef) -> DestructionProposal | None:
    return DestructionProposal.objects.select_related("case").filter(pk=ref.id).first()


def proposal_recipients(ref: ObjectRef, step: str) -> list[User]:
    proposal = _proposal(ref)
    if proposal is None:
        return []
    return holders_of(perm=Perm.APPROVE_DESTRUCTION, municipality_id=proposal.case.municipality_id)


def proposal_text(ref: ObjectRef, step: str) -> ReminderText:
    proposal = _proposal(ref)
    reference = proposal.case.reference if proposal else ""
    return ReminderText(
        title=_("Destruction proposal for case %(reference)s waits for your decision")
        % {"reference": reference},
        link=reverse("privacy:destruction_proposals"),
    )


def proposal_still_due(ref: ObjectRef, step: str) -> bool:
    return DestructionProposal.objects.filter(pk=ref.id, status=ProposalStatus.PENDING).exists()


register(
    ReminderKind(
        code=ReminderCode.RETENTION_PROPOSAL,
        recipients=proposal_recipients,
        describe=proposal_text,
        still_due=proposal_still_due,
        steps=(EscalationStep("", "when the proposal is made: who approves destruction"),),
    )
)


def proposal_reminder_schedule(*, proposal: DestructionProposal) -> None:
    """Tell the privacy officers of a new proposal, in the transaction that makes it."""
    reminder_schedule(
        kind=ReminderCode.RETENTION_PROPOSAL,
        obj=proposal,
        due_at=timezone.now(),
        municipality_id=proposal.case.municipality_id,
    )


def proposal_reminder_cancel(*, proposal: DestructionProposal) -> None:
    """A decided proposal needs no reminder any more."""
    reminders_cancel_for(obj=proposal, kind=ReminderCode.RETENTION_PROPOSAL)


# --- subject-access requests ---------------------------------------------------------------


def _request(ref: ObjectRef) -> SubjectAccessRequest | None:
    return (
        SubjectAccessRequest.objects.select_related("registered_by__organisation", "person")
        .filter(pk=ref.id)
        .first()
    )


def _request_municipality(request: SubjectAccessRequest) -> int | None:
    organisation = request.registered_by.organisation if request.registered_by else None
    return organisation.municipality_id if organisation is not None else None


def subject_access_recipients(ref: ObjectRef, step: str) -> list[User]:
    request = _request(ref)
    if request is None:
        return []
    return holders_of(
        perm=Perm.HANDLE_SUBJECT_REQUESTS, municipality_id=_request_municipality(request)
    )


def subject_access_text(ref: ObjectRef, step: str) -> ReminderText:
    request = _request(ref)
    if request is None:
        return ReminderText(title=_("A subject-access request falls due"))
    day = formats.date_format(request.due_on, "j F Y")
    title = (
        _("A subject-access request must be answered today (%(date)s)")
        if step == TODAY
        else _("A subject-access request must be answered by %(date)s")
    ) % {"date": day}
    person = request.person
    link = reverse("privacy:person_requests", kwargs={"person_id": person.uuid}) if person else ""
    return ReminderText(title=title, link=link)


def subject_access_still_due(ref: ObjectRef, step: str) -> bool:
    return SubjectAccessRequest.objects.filter(
        pk=ref.id, status=SubjectAccessRequest.Status.OPEN
    ).exists()


register(
    ReminderKind(
        code=ReminderCode.SUBJECT_ACCESS_DUE,
        recipients=subject_access_recipients,
        describe=subject_access_text,
        still_due=subject_access_still_due,
        steps=(
            EscalationStep(BEFORE, "5 working days before the last day: who handles requests"),
            EscalationStep(TODAY, "on the last day: who handles requests"),
        ),
    )
)


def subject_access_reminders_schedule(*, request: SubjectAccessRequest) -> None:
    """Schedule (or move, after an extension) the request's reminders, in its transaction."""
    before = add_working_days(request.due_on, days=-SUBJECT_ACCESS_BEFORE_DAYS)
    for step, day in ((BEFORE, before), (TODAY, request.due_on)):
        reminder_reschedule(
            kind=ReminderCode.SUBJECT_ACCESS_DUE,
            obj=request,
            step=step,
            due_at=due_moment(day),
            municipality_id=_request_municipality(request),
        )


def subject_access_reminders_cancel(*, request: SubjectAccessRequest) -> None:
    """An answered request needs no reminder any more."""
    reminders_cancel_for(obj=request, kind=ReminderCode.SUBJECT_ACCESS_DUE)

"""Retention that actually runs (BIO2 5.33.01): the rules' four-eyes changes, and the
nightly job that anonymises signals, proposes destructions, destroys approved cases and
prunes the access log.

Every step works in small batches, each committed on its own, and keeps its state on the
rows it changes (``Signal.anonymised_at``, ``DestructionProposal.status``,
``Case.destroyed_at``). A run stopped halfway and run again picks up exactly what is left;
two runs at once skip each other's locked rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Case
from casework.selectors import cases_closed_not_destroyed
from casework.services import case_destroy, person_forget
from permissions.append_only import retention_deletes
from permissions.constants import Perm
from permissions.models import AccessAction, AccessLog, Municipality, User
from permissions.services import AccessEvent, access_log_record
from signals.selectors import signals_of_case, signals_without_case_to_anonymise
from signals.services import signal_anonymise
from workflows.calendar import add_months

from ..models import (
    RETENTION_MONTHS_MAX,
    SIGNAL_MONTHS_MAX,
    DestructionProposal,
    ProposalStatus,
    RetentionRule,
    RetentionSubject,
    RuleStatus,
)
from ..reminders import proposal_reminder_cancel, proposal_reminder_schedule
from ..selectors import (
    CASE_SUBJECTS,
    case_subject_q,
    retention_months,
    retention_subject_of,
    retention_table,
)
from .rights import PrivacyError, PrivacyForbidden, _require

BATCH_SIZE = 100


@dataclass
class RetentionReport:
    """What one run of the retention job did."""

    signals_anonymised: int = 0
    proposals_made: int = 0
    proposals_withdrawn: int = 0
    cases_destroyed: int = 0
    persons_forgotten: int = 0
    access_log_pruned: int = 0


def _log_retention(
    *, actor: User | None, object_type: str, object_id: str, **detail: object
) -> None:
    access_log_record(
        actor=actor,
        origin=None,
        events=[
            AccessEvent(
                action=AccessAction.RETENTION,
                object_type=object_type,
                object_id=object_id,
                detail=dict(detail),
            )
        ],
    )


# The rules: proposed by the functional admin, in force after a privacy officer approves.


@transaction.atomic
def retention_rule_propose(
    *,
    actor: User,
    subject: str,
    months: int,
    municipality: Municipality | None = None,
    origin: str | None = None,
) -> RetentionRule:
    """Propose a retention period for ``subject`` (installation-wide, or for ``municipality``).

    The proposal is not in force until ``retention_rule_approve``. Raises PrivacyForbidden
    without ``configure``, and PrivacyError for an unknown subject, a period out of range
    (1 to 240 months; signals at most 12, domain brief section 2), or when a proposal for
    the same subject and municipality is already waiting.
    """
    _require(actor, Perm.CONFIGURE)
    if subject not in RetentionSubject.values:
        raise PrivacyError(_("Unknown retention subject."), field="subject")
    limit = SIGNAL_MONTHS_MAX if subject == RetentionSubject.SIGNAL else RETENTION_MONTHS_MAX
    if not 1 <= months <= limit:
        raise PrivacyError(
            _("The period must be between 1 and %(max)s months.") % {"max": limit},
            field="months",
        )
    waiting = RetentionRule.objects.select_for_update().filter(
        subject=subject, municipality=municipality, status=RuleStatus.PROPOSED
    )
    if waiting.exists():
        raise PrivacyError(_("A change of this rule is already waiting for approval."))
    rule = RetentionRule.objects.create(
        subject=subject, municipality=municipality, months=months, proposed_by=actor
    )
    access_log_record(
        actor=actor,
        origin=origin,
        events=[
            AccessEvent(
                action=AccessAction.CONFIGURE,
                object_type="retention_rule",
                object_id=str(rule.uuid),
                detail={
                    "change": "proposed",
                    "subject": subject,
                    "municipality": municipality.code if municipality else "",
                    "months": months,
                },
            )
        ],
    )
    return rule


def _rule_decide(
    *, rule: RetentionRule, actor: User, approve: bool, origin: str | None
) -> RetentionRule:
    _require(actor, Perm.APPROVE_RETENTION_RULES)
    locked = RetentionRule.objects.select_for_update().get(pk=rule.pk)
    if locked.status != RuleStatus.PROPOSED:
        raise PrivacyError(_("This change was decided already."))
    if locked.proposed_by_id == actor.pk:
        raise PrivacyForbidden(_("A change must be approved by someone other than its proposer."))
    now = timezone.now()
    if approve:
        RetentionRule.objects.filter(
            subject=locked.subject, municipality=locked.municipality, status=RuleStatus.ACTIVE
        ).update(status=RuleStatus.SUPERSEDED)
    locked.status = RuleStatus.ACTIVE if approve else RuleStatus.REJECTED
    locked.decided_by = actor
    locked.decided_at = now
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    access_log_record(
        actor=actor,
        origin=origin,
        events=[
            AccessEvent(
                action=AccessAction.CONFIGURE,
                object_type="retention_rule",
                object_id=str(locked.uuid),
                detail={
                    "change": "approved" if approve else "rejected",
                    "subject": locked.subject,
                    "months": locked.months,
                },
            )
        ],
    )
    return locked


@transaction.atomic
def retention_rule_approve(
    *, rule: RetentionRule, actor: User, origin: str | None = None
) -> RetentionRule:
    """Put a proposed rule in force; the rule it replaces becomes superseded (four eyes).

    Raises PrivacyForbidden without ``approve_retention_rules`` or when the approver
    proposed the change, PrivacyError when it was decided already.
    """
    return _rule_decide(rule=rule, actor=actor, approve=True, origin=origin)


@transaction.atomic
def retention_rule_reject(
    *, rule: RetentionRule, actor: User, origin: str | None = None
) -> RetentionRule:
    """Turn down a proposed rule; the rule in force stays. Same checks as approving."""
    return _rule_decide(rule=rule, actor=actor, approve=False, origin=origin)


# The job.


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _forget(person_ids: list[int], report: RetentionReport) -> None:
    for person_id in person_ids:
        if person_forget(person_id=person_id):
            report.persons_forgotten += 1


def _signals_due_q(*, today: datetime.date) -> Q:
    """Signals whose term ended: the filing's promise, or the rule in force if shorter."""
    table = retention_table(subject=RetentionSubject.SIGNAL)
    q = Q(personal_data_until__lt=_start_of_day(today))
    q |= Q(created_at__lt=_start_of_day(add_months(today, months=-table.default))) & ~Q(
        municipality_id__in=list(table.overrides)
    )
    for municipality_id, months in table.overrides.items():
        q |= Q(
            municipality_id=municipality_id,
            created_at__lt=_start_of_day(add_months(today, months=-months)),
        )
    return q


def signals_anonymise_due(
    *, now: datetime.datetime | None = None, batch_size: int = BATCH_SIZE
) -> RetentionReport:
    """Anonymise every signal without a case whose term has ended, and forget the persons
    that nothing else names. One committed transaction per signal; rows another run holds
    are skipped (and done by that run)."""
    report = RetentionReport()
    today = timezone.localdate(now or timezone.now())
    due_q = _signals_due_q(today=today)
    skipped: set[int] = set()
    while True:
        ids = list(
            signals_without_case_to_anonymise()
            .filter(due_q)
            .exclude(pk__in=skipped)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return report
        for signal_id in ids:
            with transaction.atomic():
                # Re-checked under the lock: it may have been triaged into a case meanwhile.
                held = (
                    signals_without_case_to_anonymise()
                    .filter(due_q, pk=signal_id)
                    .select_for_update(skip_locked=True)
                    .values_list("pk", "uuid", "reference")
                    .first()
                )
                if held is None:
                    skipped.add(signal_id)
                    continue
                _forget(signal_anonymise(signal_id=signal_id), report)
                report.signals_anonymised += 1
                _log_retention(
                    actor=None,
                    object_type="signal",
                    object_id=str(held[1]),
                    change="anonymised",
                    reference=str(held[2]),
                )


def _case_term_end(case: Case) -> tuple[int, datetime.date]:
    months = retention_months(
        subject=retention_subject_of(case), municipality_id=case.municipality_id
    )
    assert case.closed_at is not None
    return months, add_months(timezone.localdate(case.closed_at), months=months)


def _cases_due_q(*, today: datetime.date) -> Q:
    """A superset of the closed cases past their term (checked exactly per case after)."""
    q = Q(pk__in=[])
    for subject in CASE_SUBJECTS:
        table = retention_table(subject=subject)
        subject_q = case_subject_q(subject)
        cutoff = _start_of_day(add_months(today, months=-table.default))
        q |= subject_q & Q(closed_at__lt=cutoff) & ~Q(municipality_id__in=list(table.overrides))
        for municipality_id, months in table.overrides.items():
            cutoff = _start_of_day(add_months(today, months=-months))
            q |= subject_q & Q(municipality_id=municipality_id, closed_at__lt=cutoff)
    return q


def destruction_proposals_make(
    *, now: datetime.date | datetime.datetime | None = None, batch_size: int = BATCH_SIZE
) -> RetentionReport:
    """Propose the destruction of every closed case whose retention term has ended.

    The term ends ``months`` after the day of closing; the proposal comes the day after its
    last day. A case with an open proposal, or whose last rejection postponed it beyond
    today, gets none. Nothing is destroyed here.
    """
    report = RetentionReport()
    moment = now or timezone.now()
    today = timezone.localdate(moment) if isinstance(moment, datetime.datetime) else moment
    blocked = DestructionProposal.objects.filter(
        Q(status__in=[ProposalStatus.PENDING, ProposalStatus.APPROVED])
        | Q(status=ProposalStatus.REJECTED, postponed_until__gte=today)
    ).values("case_id")
    last_pk = 0
    while True:
        cases = list(
            cases_closed_not_destroyed()
            .filter(_cases_due_q(today=today), pk__gt=last_pk)
            .exclude(pk__in=blocked)
            .order_by("pk")[:batch_size]
        )
        if not cases:
            return report
        last_pk = cases[-1].pk
        for case in cases:
            months, term_end = _case_term_end(case)
            if term_end >= today:
                continue
            with transaction.atomic():
                locked = Case.objects.select_for_update(skip_locked=True).filter(pk=case.pk).first()
                if locked is None or locked.closed_at is None or locked.destroyed_at is not None:
                    continue
                if (
                    DestructionProposal.objects.filter(case=locked)
                    .filter(
                        Q(status__in=[ProposalStatus.PENDING, ProposalStatus.APPROVED])
                        | Q(status=ProposalStatus.REJECTED, postponed_until__gte=today)
                    )
                    .exists()
                ):
                    continue
                proposal = DestructionProposal.objects.create(
                    case=locked, months=months, term_ended_on=term_end
                )
                proposal_reminder_schedule(proposal=proposal)
                report.proposals_made += 1
                _log_retention(
                    actor=None,
                    object_type="case",
                    object_id=str(locked.uuid),
                    change="destruction_proposed",
                    reference=locked.reference,
                )


@transaction.atomic
def destruction_proposal_approve(
    *, proposal: DestructionProposal, actor: User, origin: str | None = None
) -> DestructionProposal:
    """Approve a destruction; the next run of the job destroys the case.

    Raises PrivacyForbidden without ``approve_destruction``, PrivacyError when the proposal
    is not pending.
    """
    _require(actor, Perm.APPROVE_DESTRUCTION)
    locked = DestructionProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != ProposalStatus.PENDING:
        raise PrivacyError(_("This proposal was decided already."))
    locked.status = ProposalStatus.APPROVED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    proposal_reminder_cancel(proposal=locked)
    access_log_record(
        actor=actor,
        origin=origin,
        events=[
            AccessEvent(
                action=AccessAction.RETENTION,
                object_type="case",
                object_id=str(locked.case.uuid),
                detail={"change": "destruction_approved", "reference": locked.case.reference},
            )
        ],
    )
    return locked


@transaction.atomic
def destruction_proposal_reject(
    *,
    proposal: DestructionProposal,
    actor: User,
    reason: str,
    postpone_months: int = 12,
    origin: str | None = None,
) -> DestructionProposal:
    """Turn down a destruction for now (a running procedure, a claim): no new proposal for
    ``postpone_months``. The reason must not name persons. Same checks as approving, and
    PrivacyError without a reason or for a postponement outside 1 to 120 months.
    """
    _require(actor, Perm.APPROVE_DESTRUCTION)
    reason = (reason or "").strip()
    if not reason:
        raise PrivacyError(_("Give the reason why the data must be kept."), field="reason")
    if not 1 <= postpone_months <= 120:
        raise PrivacyError(_("Postpone by 1 to 120 months."), field="postpone_months")
    locked = DestructionProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != ProposalStatus.PENDING:
        raise PrivacyError(_("This proposal was decided already."))
    locked.status = ProposalStatus.REJECTED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.rejection_reason = reason[:300]
    locked.postponed_until = add_months(timezone.localdate(), months=postpone_months)
    locked.save(
        update_fields=["status", "decided_by", "decided_at", "rejection_reason", "postponed_until"]
    )
    proposal_reminder_cancel(proposal=locked)
    access_log_record(
        actor=actor,
        origin=origin,
        events=[
            AccessEvent(
                action=AccessAction.RETENTION,
                object_type="case",
                object_id=str(locked.case.uuid),
                detail={
                    "change": "destruction_postponed",
                    "reference": locked.case.reference,
                    "until": locked.postponed_until.isoformat(),
                },
            )
        ],
    )
    return locked


def destruction_proposals_execute(
    *, now: datetime.datetime | None = None, batch_size: int = BATCH_SIZE
) -> RetentionReport:
    """Destroy every case whose proposal was approved: its signals are anonymised, its
    content destroyed down to the tombstone (``case_destroy``), and the persons nothing
    else names are forgotten. One committed transaction per case.

    A case reopened since the proposal (open now, or closed again so that its new term has
    not ended) is not destroyed: its proposal is withdrawn.
    """
    report = RetentionReport()
    today = timezone.localdate(now or timezone.now())
    while True:
        ids = list(
            DestructionProposal.objects.filter(status=ProposalStatus.APPROVED)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return report
        progressed = False
        for proposal_id in ids:
            with transaction.atomic():
                proposal = (
                    DestructionProposal.objects.select_for_update(skip_locked=True)
                    .select_related("case")
                    .filter(pk=proposal_id, status=ProposalStatus.APPROVED)
                    .first()
                )
                if proposal is None:
                    continue
                progressed = True
                case = Case.objects.select_for_update().get(pk=proposal.case_id)
                if case.closed_at is None or _case_term_end(case)[1] >= today:
                    proposal.status = ProposalStatus.WITHDRAWN
                    proposal.save(update_fields=["status"])
                    report.proposals_withdrawn += 1
                    continue
                person_ids: set[int] = set()
                for signal_id in signals_of_case(case_id=case.pk).values_list("pk", flat=True):
                    person_ids.update(signal_anonymise(signal_id=signal_id))
                person_ids.update(case_destroy(case_id=case.pk))
                _forget(sorted(person_ids), report)
                proposal.status = ProposalStatus.DESTROYED
                proposal.destroyed_at = timezone.now()
                proposal.save(update_fields=["status", "destroyed_at"])
                report.cases_destroyed += 1
                _log_retention(
                    actor=None,
                    object_type="case",
                    object_id=str(case.uuid),
                    change="destroyed",
                    reference=case.reference,
                )
        if not progressed:
            return report  # every remaining row is held by another run


def access_log_prune(
    *, now: datetime.datetime | None = None, batch_size: int = 5000
) -> RetentionReport:
    """Delete access-log rows older than ``KETENREGIE_ACCESS_LOG_RETENTION_DAYS``, in
    batches, through the append-only trigger's retention door (``retention_deletes``)."""
    report = RetentionReport()
    days = int(settings.KETENREGIE_ACCESS_LOG_RETENTION_DAYS)
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    while True:
        with transaction.atomic():
            ids = list(
                AccessLog.objects.filter(at__lt=cutoff)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            with retention_deletes(tables=[AccessLog._meta.db_table]):
                deleted, _per_model = AccessLog.objects.filter(pk__in=ids).delete()
            report.access_log_pruned += deleted
    if report.access_log_pruned:
        _log_retention(
            actor=None,
            object_type="access_log",
            object_id="",
            change="pruned",
            rows=report.access_log_pruned,
            before=cutoff.isoformat(),
        )
    return report


def retention_run(*, now: datetime.datetime | None = None) -> RetentionReport:
    """The nightly job: anonymise signals, destroy approved cases, propose new
    destructions, prune the access log. Safe to stop at any point and to run again."""
    total = RetentionReport()
    for part in (
        signals_anonymise_due(now=now),
        destruction_proposals_execute(now=now),
        destruction_proposals_make(now=now),
        access_log_prune(now=now),
    ):
        for name in vars(total):
            setattr(total, name, getattr(total, name) + getattr(part, name))
    return total

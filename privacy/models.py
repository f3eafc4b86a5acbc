"""Privacy rights and retention: retention rules as data, destruction proposals, subject
access requests and objection/restriction requests (domain brief section 5).

Nothing here holds a person's identity in plain text: a request points at the person; the
privacy officer's reasons about a person are encrypted with that person's data key.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.models import CaseType
from permissions.fields import EncryptedTextField


class RetentionSubject(models.TextChoices):
    """What a retention rule is about: signals without a case, referrals, or a case type."""

    SIGNAL = "signal", _("Signals that never became a case")
    REFERRAL = "referral", _("Rejected or forwarded referrals")
    WOONOVERLAST = CaseType.WOONOVERLAST.value, CaseType.WOONOVERLAST.label
    JEUGDOVERLAST = CaseType.JEUGDOVERLAST.value, CaseType.JEUGDOVERLAST.label
    MULTIPROBLEM = CaseType.MULTIPROBLEM.value, CaseType.MULTIPROBLEM.label
    RIEC = CaseType.RIEC.value, CaseType.RIEC.label


# The domain brief's defaults (section 5), in months: from filing for a signal, from closing
# for a case. The installation's rows are seeded with these by migration 0002.
DEFAULT_RETENTION_MONTHS: dict[str, int] = {
    RetentionSubject.SIGNAL: 12,
    RetentionSubject.REFERRAL: 12,
    RetentionSubject.WOONOVERLAST: 24,
    RetentionSubject.JEUGDOVERLAST: 24,
    RetentionSubject.MULTIPROBLEM: 24,
    RetentionSubject.RIEC: 24,
}
# A signal that never became a case keeps personal data for 12 months at most (domain 2).
SIGNAL_MONTHS_MAX = 12
RETENTION_MONTHS_MAX = 240


class RuleStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, awaiting the privacy officer")
    ACTIVE = "active", _("In force")
    SUPERSEDED = "superseded", _("Replaced")
    REJECTED = "rejected", _("Rejected")


class RetentionRule(models.Model):
    """How many months a subject is kept, for the installation or one municipality.

    A municipality's active rule wins over the installation's. A change is a new row,
    proposed by the functional admin and in force once a different user with the privacy
    officer's permission approves it (four eyes); the rule it replaces becomes superseded.
    Rows are never deleted, so the history of the rules is the table itself.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject = models.CharField(_("applies to"), max_length=20, choices=RetentionSubject.choices)
    municipality = models.ForeignKey(
        "permissions.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retention_rules",
        help_text=_("Empty: the installation's default. Set: this municipality's override."),
    )
    months = models.PositiveSmallIntegerField(_("months"))
    status = models.CharField(
        _("status"), max_length=12, choices=RuleStatus.choices, default=RuleStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["subject", "municipality_id", "-proposed_at"]
        permissions = [("approve_retention_rules", "Can approve changes to retention rules")]
        constraints = [
            models.UniqueConstraint(
                fields=["subject"],
                condition=Q(municipality__isnull=True, status="active"),
                name="retentionrule_one_active_default",
            ),
            models.UniqueConstraint(
                fields=["subject", "municipality"],
                condition=Q(municipality__isnull=False, status="active"),
                name="retentionrule_one_active_override",
            ),
        ]

    def __str__(self) -> str:
        where = self.municipality_id or "default"
        return f"{self.subject}@{where}: {self.months} months ({self.status})"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved, to be destroyed")
    DESTROYED = "destroyed", _("Destroyed")
    REJECTED = "rejected", _("Rejected (postponed)")
    WITHDRAWN = "withdrawn", _("Withdrawn: the case was reopened")


class DestructionProposal(models.Model):
    """The retention job's proposal to destroy one closed case whose term has passed.

    Nothing is destroyed until a user with ``approve_destruction`` approves; the next run of
    the job then destroys the case and marks the proposal destroyed. A rejection postpones:
    no new proposal before ``postponed_until``. At most one open (pending or approved)
    proposal per case.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        "casework.Case", on_delete=models.PROTECT, related_name="destruction_proposals"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    months = models.PositiveSmallIntegerField(_("retention in months"))
    term_ended_on = models.DateField(_("retention term ended"))
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # Why destruction waits (a running objection procedure, a claim); no personal data.
    rejection_reason = models.CharField(_("reason"), max_length=300, blank=True)
    postponed_until = models.DateField(_("postponed until"), null=True, blank=True)
    destroyed_at = models.DateTimeField(_("destroyed"), null=True, blank=True)

    class Meta:
        verbose_name = _("destruction proposal")
        verbose_name_plural = _("destruction proposals")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["pending", "approved"]),
                name="destructionproposal_one_open_per_case",
            )
        ]
        indexes = [models.Index(fields=["status", "proposed_at"], name="proposal_status")]

    def __str__(self) -> str:
        return f"destruction of {self.case_id} ({self.status})"


class SubjectAccessRequest(models.Model):
    """An inzageverzoek (AVG art. 15): received on a day, answered within one month, or
    three when the person was told of the extension within the first month (art. 12 lid 3).

    ``person`` becomes empty when retention forgets the person; the request itself (dates,
    who handled it) stays as accountability and holds no personal data.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "casework.Person",
        on_delete=models.SET_NULL,
        null=True,
        related_name="subject_access_requests",
    )
    received_on = models.DateField(_("received"))
    due_on = models.DateField(_("answer due"))
    extension_notified_on = models.DateField(
        _("person told of the extension on"), null=True, blank=True
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("subject access request")
        verbose_name_plural = _("subject access requests")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["due_on"], condition=Q(status="open"), name="sar_open_due")]

    def __str__(self) -> str:
        return f"inzageverzoek {self.uuid} due {self.due_on}"


class RestrictionKind(models.TextChoices):
    OBJECTION = "objection", _("Objection (AVG art. 21)")
    RESTRICTION = "restriction", _("Restriction of processing (AVG art. 18)")


class RestrictionRequest(models.Model):
    """An objection or a request to restrict processing. While pending, and after it is
    upheld, the person's restriction flag stops new sharing; a rejection lifts the flag
    (unless another request of the person still holds it).

    Deleted together with the person: the decision's reason is about the person and is
    encrypted with their data key.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting a decision")
        UPHELD = "upheld", _("Upheld")
        REJECTED = "rejected", _("Rejected")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "casework.Person", on_delete=models.CASCADE, related_name="restriction_requests"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=RestrictionKind.choices)
    received_on = models.DateField(_("received"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = EncryptedTextField(
        _("reason for the decision"), key_field="person.data_key", null=True, blank=True
    )

    class Meta:
        verbose_name = _("objection or restriction request")
        verbose_name_plural = _("objection and restriction requests")
        ordering = ["-registered_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.uuid} ({self.status})"

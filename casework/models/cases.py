"""The case and everything around it: persons, participations, notes, plan actions.

Sensitive values are stored encrypted (permissions.fields) with the case's or the person's
own data key; persons are found by blind indexes, never by decrypting.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from permissions.constants import FIELD_GROUP_LABELS, FieldGroup
from permissions.crypto import KeyDestroyedError
from permissions.fields import EncryptedDateField, EncryptedTextField
from workflows.fsm import workflow_mixin


class CaseType(models.TextChoices):
    WOONOVERLAST = "woonoverlast", _("Housing nuisance (woonoverlast)")
    JEUGDOVERLAST = "jeugdoverlast", _("Youth nuisance (jeugdoverlast)")
    MULTIPROBLEM = "multiproblem", _("Multiple problems (multiproblematiek)")
    RIEC = "riec", _("RIEC escalation (ondermijning)")


class Confidentiality(models.IntegerChoices):
    NORMAL = 1, _("Normal")
    HIGH = 2, _("High")
    HIGHEST = 3, _("Highest (named coordinators and team lead only)")


class ReferenceCounter(models.Model):
    """The last number handed out per prefix and year, for references like C-2026-000045."""

    prefix = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="referencecounter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class Case(ConcurrentTransitionMixin, workflow_mixin(field_name="state"), models.Model):  # type: ignore[misc]
    """A case. Its state moves only through the transition service (protected FSM field).

    Saving a case whose state changed since it was loaded raises ConcurrentTransition.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    case_type = models.CharField(_("case type"), max_length=20, choices=CaseType.choices)
    state = FSMField(_("state"), max_length=40, protected=True)
    closing_reason = models.CharField(_("closing reason"), max_length=40, blank=True)
    care_track = models.BooleanField(
        _("care track (zorgspoor)"),
        default=False,
        help_text=_("A care track runs alongside the enforcement track (woonoverlast)."),
    )
    signal_count = models.PositiveIntegerField(
        _("linked signals"), default=0, help_text=_("Kept by signal triage.")
    )
    spawned_from = models.ForeignKey(
        "self",
        verbose_name=_("spawned from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spawned_cases",
    )
    owner = models.ForeignKey(
        "permissions.Organisation",
        verbose_name=_("running organisation"),
        on_delete=models.PROTECT,
        related_name="owned_cases",
        help_text=_("The municipality that runs the process (procesregie)."),
    )
    municipality = models.ForeignKey(
        "permissions.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    escalated_to_zvh_at = models.DateTimeField(
        _("escalated to the Zorg- en Veiligheidshuis"), null=True, blank=True
    )
    wijk = models.CharField(_("wijk"), max_length=10, blank=True)
    buurt = models.CharField(_("buurt"), max_length=10, blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator (procesregisseur)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_cases",
    )
    casusregisseur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("casusregisseur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="directed_cases",
    )
    confidentiality = models.PositiveSmallIntegerField(
        _("confidentiality"), choices=Confidentiality.choices, default=Confidentiality.NORMAL
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Set when retention destroyed the case: the row stays as its tombstone (docs/adr/0014).
    destroyed_at = models.DateTimeField(_("destroyed"), null=True, blank=True)
    data_key = models.ForeignKey("permissions.DataKey", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="case_owner_created"),
            models.Index(fields=["municipality", "-created_at"], name="case_municipality_created"),
            models.Index(
                fields=["municipality", "-created_at"],
                condition=Q(escalated_to_zvh_at__isnull=False),
                name="case_escalated_created",
            ),
            models.Index(fields=["case_type", "state"], name="case_type_state"),
            models.Index(fields=["coordinator", "-created_at"], name="case_coordinator_created"),
            models.Index(
                fields=["closed_at"],
                condition=Q(closed_at__isnull=False, destroyed_at__isnull=True),
                name="case_retention",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class CaseUserObjectPermission(UserObjectPermissionBase):
    """Guardian's per-case grants to one user (named coordinators of confidential cases)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    """Guardian's per-case grants to an organisation's group, mirrored from participations."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class Person(models.Model):
    """One record per real person across cases and signals, found by blind index."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    data_key = models.ForeignKey("permissions.DataKey", on_delete=models.PROTECT, related_name="+")
    given_names = EncryptedTextField(_("given names"), null=True, blank=True)
    surname = EncryptedTextField(_("surname"), null=True, blank=True)
    birth_date = EncryptedDateField(_("birth date"), null=True, blank=True)
    bsn = EncryptedTextField(_("BSN"), null=True, blank=True)
    address = EncryptedTextField(_("address"), null=True, blank=True)
    bsn_index = models.BinaryField(max_length=32, null=True, editable=False)
    name_birth_date_index = models.BinaryField(max_length=32, null=True, editable=False)
    address_index = models.BinaryField(max_length=32, null=True, editable=False)
    # An objection or a request for restriction (AVG art. 18, 21) is pending or upheld: no
    # new organisation joins a case this person is in until the privacy officer decides.
    restricted_since = models.DateTimeField(_("processing restricted since"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [
            models.Index(fields=["bsn_index"], name="person_bsn_index"),
            models.Index(fields=["name_birth_date_index"], name="person_name_dob_index"),
            models.Index(fields=["address_index"], name="person_address_index"),
        ]

    def __str__(self) -> str:
        return str(self.uuid)


class PersonRole(models.TextChoices):
    SUBJECT = "subject", _("Subject")
    HOUSEHOLD_MEMBER = "household_member", _("Household member")
    REPORTER = "reporter", _("Reporter")
    WITNESS = "witness", _("Witness")


# Who reported or witnessed is the reporter group; everyone else in a case is identity.
REPORTER_ROLES = frozenset({PersonRole.REPORTER, PersonRole.WITNESS})


class CasePerson(models.Model):
    """A person's role in a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_persons")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="case_roles")
    role = models.CharField(_("role"), max_length=20, choices=PersonRole.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person in case")
        verbose_name_plural = _("persons in case")
        constraints = [
            models.UniqueConstraint(fields=["case", "person", "role"], name="caseperson_unique")
        ]

    def __str__(self) -> str:
        return f"{self.role} in {self.case_id}"

    @property
    def field_group(self) -> FieldGroup:
        return FieldGroup.REPORTER if self.role in REPORTER_ROLES else FieldGroup.IDENTITY


class Note(models.Model):
    """A note in one field group. Append-only: a correction is a new note."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    field_group = models.CharField(
        _("field group"),
        max_length=20,
        choices=[(g.value, label) for g, label in FIELD_GROUP_LABELS.items()],
    )
    body = EncryptedTextField(_("text"), key_field="case.data_key")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_organisation = models.ForeignKey(
        "permissions.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "field_group"], name="note_case_group")]

    def __str__(self) -> str:
        return f"{self.field_group} note {self.uuid}"

    @property
    def readable_body(self) -> str | None:
        """The text, or None once the case's data key was destroyed (crypto-shredding)."""
        try:
            return self.body
        except KeyDestroyedError:
            return None


class Participation(models.Model):
    """An organisation taking part in a case, on a recorded legal basis (grondslag).

    Only an active participation (``ended_at`` empty) gives access. ``case_created_at`` is
    copied from the case so a partner's case list walks one index in order.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participations")
    organisation = models.ForeignKey(
        "permissions.Organisation", on_delete=models.PROTECT, related_name="participations"
    )
    disclosure_profile = models.ForeignKey(
        "permissions.DisclosureProfile", on_delete=models.PROTECT, related_name="+"
    )
    legal_basis = models.TextField(_("legal basis (grondslag)"))
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    end_reason = models.TextField(_("reason for ending"), blank=True)
    case_created_at = models.DateTimeField(editable=False)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "organisation"],
                condition=Q(ended_at__isnull=True),
                name="participation_one_active_per_org",
            )
        ]
        indexes = [
            models.Index(
                fields=["organisation", "-case_created_at", "case"],
                condition=Q(ended_at__isnull=True),
                name="participation_active_list",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} @ {self.case}"


class BreakGlass(models.Model):
    """A coordinator opened a confidential case they are not named on. Never edited."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("break-the-glass access")
        verbose_name_plural = _("break-the-glass accesses")
        indexes = [models.Index(fields=["user", "expires_at"], name="breakglass_user_expiry")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.case_id} until {self.expires_at:%Y-%m-%d %H:%M}"


class HistoryKind(models.TextChoices):
    TRANSITION = "transition", _("Transition")
    EVENT = "event", _("Event")


# How each event of a case's history reads in the timeline. Transitions read as their
# machine's label instead. An event without a label here shows its name.
EVENT_LABELS: dict[str, Any] = {
    "opened": _("Case opened"),
    "person_added": _("Person added"),
    "signal_linked": _("Signal linked"),
    "note_added": _("Note added"),
    "participation_added": _("Organisation invited"),
    "participation_ended": _("Participation ended"),
    "user_named": _("Colleague named"),
    "escalated_to_zvh": _("Escalated to the ZVH"),
    "referral_recorded": _("Referral recorded"),
    "case_spawned": _("Linked case opened"),
    "clock_started": _("Clock started"),
    "care_track_started": _("Care track started"),
    "care_track_ended": _("Care track ended"),
    "plan_action_added": _("Action added"),
    "plan_action_done": _("Action done"),
    "plan_action_cancelled": _("Action cancelled"),
    "plan_action_rescheduled": _("Action rescheduled"),
    "planned_on_meeting": _("Planned on a meeting"),
    "removed_from_meeting": _("Removed from a meeting"),
    "minutes_recorded": _("Minutes recorded"),
}


class CaseHistory(models.Model):
    """The append-only history of a case: every transition and every event, never edited.

    Who (user, role, organisation as text), when, from, to, the transition and the reason.
    The reason is encrypted with the case's data key: people write names into reasons.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="history")
    kind = models.CharField(max_length=12, choices=HistoryKind.choices)
    name = models.CharField(_("transition or event"), max_length=60)
    from_state = models.CharField(max_length=40, blank=True)
    to_state = models.CharField(max_length=40, blank=True)
    reason = EncryptedTextField(_("reason"), key_field="case.data_key", null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=40, blank=True)
    actor_organisation = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="casehistory_case_at")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.name} {self.from_state}->{self.to_state}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Case history is append-only")
        super().save(*args, **kwargs)

    @property
    def readable_reason(self) -> str | None:
        """The reason, or None once the case's data key was destroyed."""
        try:
            return self.reason
        except KeyDestroyedError:
            return None


class CaseDeadline(models.Model):
    """A running clock of a case: a state's deadline or a legal period (zienswijze, ...)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    key = models.CharField(_("clock"), max_length=40)
    state = models.CharField(_("state"), max_length=40, blank=True)
    started_on = models.DateField()
    due_on = models.DateField(_("due"))
    met_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        indexes = [
            models.Index(
                fields=["due_on", "case"],
                condition=Q(met_at__isnull=True, cancelled_at__isnull=True),
                name="casedeadline_open_due",
            ),
            models.Index(fields=["case", "key"], name="casedeadline_case_key"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.key} {self.due_on}"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class PlanAction(models.Model):
    """An action of the plan van aanpak: an owner organisation, a deadline, a status.

    An action decided at a meeting points to the agenda item it came from. What was done (or
    why it was cancelled) is written in ``done_note``, encrypted with the case's data key.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plan_actions")
    title = models.CharField(_("action"), max_length=300)
    owner_organisation = models.ForeignKey(
        "permissions.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    due_date = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    agenda_item = models.ForeignKey(
        "casework.AgendaItem",
        verbose_name=_("agenda item"),
        on_delete=models.PROTECT,
        related_name="actions",
        null=True,
        blank=True,
    )
    done_note = EncryptedTextField(
        _("what was done"), key_field="case.data_key", null=True, blank=True
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(
                fields=["owner_organisation", "due_date"],
                condition=Q(status="open"),
                name="planaction_open_owner_due",
            ),
            models.Index(fields=["case", "due_date"], name="planaction_case_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def readable_done_note(self) -> str | None:
        """The note, or None once the case's data key was destroyed."""
        try:
            return self.done_note
        except KeyDestroyedError:
            return None


class Referral(models.Model):
    """The aanmelding of a multiproblem case (identity is on the persons)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="referral")
    reason = EncryptedTextField(
        _("reason"), key_field="case.data_key", aad_field="case_id", null=True, blank=True
    )
    goal = EncryptedTextField(
        _("goal"), key_field="case.data_key", aad_field="case_id", null=True, blank=True
    )
    discussed_with_person = models.BooleanField(_("discussed with the person"), null=True)
    not_discussed_reason = EncryptedTextField(
        _("why not discussed"),
        key_field="case.data_key",
        aad_field="case_id",
        null=True,
        blank=True,
    )
    proposed_partners = models.ManyToManyField(
        "permissions.Organisation", related_name="+", blank=True
    )
    # Who made the referral (the aanmelder): reminded of an incomplete referral before the
    # weekly triage cut-off, and may complete it while the case is still in aanmelding.
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referred by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"referral of {self.case_id}"


class RiecInbreng(models.Model):
    """What the municipality prepares and, after a second person's approval, brings in at the
    RIEC. Once sealed, the content and its SHA-256 hash never change (the database refuses).
    """

    # Several over a case's life (reopened, brought in again); at most one unsealed draft.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="riec_inbreng")
    content = EncryptedTextField(
        _("content brought in"), key_field="case.data_key", aad_field="case_id"
    )
    content_sha256 = models.CharField(max_length=64)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    sealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("RIEC inbreng")
        verbose_name_plural = _("RIEC inbreng")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(sealed_at__isnull=True), name="inbreng_one_draft"
            )
        ]

    def __str__(self) -> str:
        return f"inbreng of {self.case_id} ({'sealed' if self.sealed_at else 'draft'})"

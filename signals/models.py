"""Intake of signals (signalen): one observation from the field, its persons and its triage.

What identifies a person or a home (the description, the address, the postcode, a triage
reason) is encrypted under the signal's own data key, so a signal that never became a case can
be crypto-shredded when its retention ends. Matching ("bekend?") uses blind indexes only.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import CaseType
from permissions.crypto import KeyDestroyedError
from permissions.fields import EncryptedTextField


class Category(models.Model):
    """A kind of signal (domain brief section 2). Data: the functional admin edits them.

    A category without a municipality is the installation's and is offered everywhere; one
    with a municipality belongs to that municipality's category set only. Codes are unique
    across the installation, so a code always means one thing in the region's figures.
    """

    code = models.CharField(_("code"), max_length=30, unique=True, help_text="WO-GELUID")
    municipality = models.ForeignKey(
        "permissions.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="signal_categories",
        help_text=_("Empty: offered in every municipality of the installation."),
    )
    label_nl = models.CharField(_("label (Dutch)"), max_length=200)
    case_type = models.CharField(_("usual case type"), max_length=20, choices=CaseType.choices)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("signal category")
        verbose_name_plural = _("signal categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label_nl}"


class Wijk(models.Model):
    """A wijk (district) of a municipality, with its CBS code (WK + municipality + 2 digits)."""

    municipality = models.ForeignKey(
        "permissions.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="wijken",
    )
    code = models.CharField(_("code"), max_length=10, unique=True, help_text="WK999901")
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("wijk")
        verbose_name_plural = _("wijken")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Buurt(models.Model):
    """A buurt (neighbourhood) in a wijk, with its CBS code (BU + wijk digits + 2 digits)."""

    wijk = models.ForeignKey(
        Wijk, verbose_name=_("wijk"), on_delete=models.CASCADE, related_name="buurten"
    )
    code = models.CharField(_("code"), max_length=10, unique=True, help_text="BU99990101")
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("buurt")
        verbose_name_plural = _("buurten")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Street(models.Model):
    """The house numbers of one street that share one postcode, and the buurt they lie in.

    The shape of the national address register's postcode table: a postcode with a range of
    numbers (odd, even or both) on one street. Enough to fill in street, wijk and buurt from a
    postcode and house number; an address not in the table is accepted as typed.
    """

    class Numbers(models.TextChoices):
        ALL = "all", _("all numbers")
        ODD = "odd", _("odd numbers")
        EVEN = "even", _("even numbers")

    buurt = models.ForeignKey(
        Buurt, verbose_name=_("buurt"), on_delete=models.CASCADE, related_name="streets"
    )
    postcode = models.CharField(_("postcode"), max_length=6, help_text="9999AB")
    name = models.CharField(_("street"), max_length=100)
    city = models.CharField(_("place"), max_length=100)
    number_from = models.PositiveIntegerField(_("from number"), default=1)
    number_to = models.PositiveIntegerField(_("to number"), default=99999)
    numbers = models.CharField(
        _("numbers"), max_length=4, choices=Numbers.choices, default=Numbers.ALL
    )

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["postcode", "number_from"]
        indexes = [models.Index(fields=["postcode", "number_from"], name="street_postcode")]
        constraints = [
            models.CheckConstraint(
                condition=Q(number_from__lte=models.F("number_to")), name="street_number_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.postcode} {self.name} {self.number_from}-{self.number_to}"

    def holds(self, number: int) -> bool:
        """Whether house number ``number`` lies in this range."""
        if not self.number_from <= number <= self.number_to:
            return False
        if self.numbers == self.Numbers.ODD:
            return number % 2 == 1
        if self.numbers == self.Numbers.EVEN:
            return number % 2 == 0
        return True


class SignalSource(models.TextChoices):
    BOA = "boa", _("Enforcement officer (boa)")
    WIJKAGENT = "wijkagent", _("Community police officer (wijkagent)")
    PARTNER = "partner", _("Partner organisation")
    DESK = "desk", _("The municipality's desk")


class SignalStatus(models.TextChoices):
    NEW = "new", _("New")
    TRIAGED = "triaged", _("Taken into a case")
    FORWARDED = "forwarded", _("Forwarded")
    DISMISSED = "dismissed", _("Dismissed")


class TriageDecision(models.TextChoices):
    NEW_CASE = "new_case", _("Open a new case")
    LINK = "link", _("Link to an existing case")
    FORWARD = "forward", _("Forward to a partner's process (doorgeleiden)")
    DISMISS = "dismiss", _("Dismiss")


class Signal(models.Model):
    """One signal. Belongs to exactly one municipality; triaged once.

    ``personal_data_until`` is set while the signal is not part of a case: the retention job
    anonymises the signal after that moment (domain brief: 12 months at most), or earlier when
    the municipality's retention rule is shorter. ``anonymised_at`` records that it happened.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    municipality = models.ForeignKey(
        "permissions.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="signals",
    )
    source = models.CharField(_("source"), max_length=20, choices=SignalSource.choices)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="signals_reported",
    )
    reporter_organisation = models.ForeignKey(
        "permissions.Organisation",
        verbose_name=_("reporting organisation"),
        on_delete=models.PROTECT,
        related_name="signals_reported",
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="signals"
    )
    observed_at = models.DateTimeField(_("observed"))
    description = EncryptedTextField(_("description"))
    address = EncryptedTextField(_("address"), null=True, blank=True)
    postcode = EncryptedTextField(_("postcode"), null=True, blank=True)
    # HMAC of the normalised postcode + house number (+ addition), the kind persons use too.
    address_index = models.BinaryField(max_length=32, null=True, editable=False)
    # The four digits only: enough for hotspot counts, too coarse to point at a home.
    postcode_area = models.CharField(_("postcode area"), max_length=4, blank=True)
    wijk = models.CharField(_("wijk"), max_length=10, blank=True)
    buurt = models.CharField(_("buurt"), max_length=10, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=6, decimal_places=3, null=True, blank=True)
    lon = models.DecimalField(_("longitude"), max_digits=6, decimal_places=3, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=SignalStatus.choices, default=SignalStatus.NEW
    )
    case = models.ForeignKey(
        "casework.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signals",
    )
    decision = models.CharField(
        _("triage decision"), max_length=20, choices=TriageDecision.choices, blank=True
    )
    decided_at = models.DateTimeField(_("triaged"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("triaged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    forward_to = models.CharField(_("forwarded to"), max_length=200, blank=True)
    triage_reason = EncryptedTextField(_("reason"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True, editable=False)
    request_hash = models.CharField(max_length=64, blank=True, editable=False)
    personal_data_until = models.DateTimeField(_("personal data kept until"), null=True, blank=True)
    # Set by retention: the data key is destroyed and the persons are unlinked; the row stays
    # for the figures (category, wijk, buurt, times, triage outcome).
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    data_key = models.ForeignKey("permissions.DataKey", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A retried request must never file a second signal, even when both arrive at once.
            models.UniqueConstraint(
                fields=["reporter", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="signal_idempotency_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["municipality", "-created_at"], name="signal_municipality_created"
            ),
            models.Index(fields=["reporter", "-created_at"], name="signal_reporter_created"),
            models.Index(fields=["municipality", "status", "observed_at"], name="signal_open"),
            models.Index(fields=["address_index"], name="signal_address_index"),
            models.Index(
                fields=["personal_data_until"],
                condition=Q(personal_data_until__isnull=False),
                name="signal_retention",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def readable(self, field: str) -> str | None:
        """An encrypted field's value, or None once retention shredded the signal's key."""
        try:
            value: str | None = getattr(self, field)
        except KeyDestroyedError:
            return None
        return value

    @property
    def readable_description(self) -> str | None:
        return self.readable("description")

    @property
    def readable_address(self) -> str | None:
        return self.readable("address")

    @property
    def readable_postcode(self) -> str | None:
        return self.readable("postcode")


class SignalPersonRole(models.TextChoices):
    # The same values as the roles in a case, so a triaged signal's persons carry over as is.
    SUBJECT = "subject", _("Subject")
    REPORTER = "reporter", _("Reporter")
    WITNESS = "witness", _("Witness")


class SignalPerson(models.Model):
    """A person named in a signal. Persons are shared with cases and found by blind index."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="signal_persons")
    person = models.ForeignKey(
        "casework.Person", on_delete=models.PROTECT, related_name="signal_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=SignalPersonRole.choices)

    class Meta:
        verbose_name = _("person in signal")
        verbose_name_plural = _("persons in signal")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["signal", "person", "role"], name="signalperson_unique")
        ]

    def __str__(self) -> str:
        return f"{self.role} in {self.signal_id}"

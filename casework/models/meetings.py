"""Meetings that discuss cases: the Zorg- en Veiligheidstafel and its kin.

A meeting type belongs to one municipality; so does every meeting. An agenda item puts one
case of that municipality on a meeting. Who is invited to an item is not stored: it is the
organisations taking part in the case now (ADR 0013). Minutes follow the method of the table
(beeldvorming, oordeelsvorming, besluitvorming) and are encrypted with the case's data key.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from permissions.crypto import KeyDestroyedError
from permissions.fields import EncryptedTextField

from .cases import Case


class MeetingType(models.Model):
    """A kind of meeting a municipality holds, with its fixed member organisations."""

    municipality = models.ForeignKey(
        "permissions.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="meeting_types",
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    member_organisations = models.ManyToManyField(
        "permissions.Organisation",
        verbose_name=_("member organisations"),
        related_name="+",
        blank=True,
    )
    review_weeks = models.PositiveSmallIntegerField(
        _("default review after (weeks)"),
        default=6,
        help_text=_("Proposed next review date of an item, counted from the meeting."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("meeting type")
        verbose_name_plural = _("meeting types")
        ordering = ["municipality", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="meetingtype_unique_code")
        ]

    def __str__(self) -> str:
        return self.name


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    FROZEN = "frozen", _("Agenda frozen")
    HELD = "held", _("Held")
    MINUTED = "minuted", _("Minutes complete")


class Meeting(models.Model):
    """One meeting of a type, on a date, with a chair and an agenda of cases."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting_type = models.ForeignKey(
        MeetingType,
        verbose_name=_("meeting type"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    municipality = models.ForeignKey(
        "permissions.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    starts_at = models.DateTimeField(_("starts at"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    agenda_frozen_at = models.DateTimeField(_("agenda frozen"), null=True, blank=True)
    minuted_at = models.DateTimeField(_("minutes complete"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["municipality", "-starts_at"], name="meeting_municipality_start")
        ]
        # A permission of the casework app, held by roles as data (permissions.constants).
        permissions = [("manage_meetings", "Can plan meetings and record their minutes")]

    def __str__(self) -> str:
        return f"{self.meeting_type} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def agenda_open(self) -> bool:
        """Cases can be added or removed until the agenda is frozen."""
        return self.status == MeetingStatus.PLANNED

    @property
    def minutes_open(self) -> bool:
        return self.status != MeetingStatus.MINUTED


class AgendaItem(models.Model):
    """One case on one meeting's agenda."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("order"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="agendaitem_case_once")
        ]
        indexes = [models.Index(fields=["case"], name="agendaitem_case")]

    def __str__(self) -> str:
        return f"{self.meeting_id} #{self.order}: {self.case_id}"


class MinutesEntry(models.Model):
    """The minutes of one agenda item: picture, judgement, decision, next review date.

    The three parts hold case content, so they are encrypted with the case's data key.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="minutes")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    picture = EncryptedTextField(
        _("picture (beeldvorming)"), key_field="case.data_key", null=True, blank=True
    )
    judgement = EncryptedTextField(
        _("judgement (oordeelsvorming)"), key_field="case.data_key", null=True, blank=True
    )
    decision = EncryptedTextField(
        _("decision (besluitvorming)"), key_field="case.data_key", null=True, blank=True
    )
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return f"minutes of {self.item_id}"

    def readable(self, part: str) -> str | None:
        """One of ``picture``, ``judgement``, ``decision``; None once the key was destroyed."""
        try:
            return getattr(self, part)
        except KeyDestroyedError:
            return None

    @property
    def readable_picture(self) -> str | None:
        return self.readable("picture")

    @property
    def readable_judgement(self) -> str | None:
        return self.readable("judgement")

    @property
    def readable_decision(self) -> str | None:
        return self.readable("decision")

"""Disclosure profiles, the sharing matrix and the append-only access log."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from permissions.constants import ORGANISATION_TYPE_LABELS, FieldGroup


def validate_field_groups(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("Field groups must be a list of group names."))
    unknown = sorted(set(value) - {g.value for g in FieldGroup})
    if unknown:
        raise ValidationError(_("Unknown field groups: %(groups)s"), params={"groups": unknown})
    if FieldGroup.CORE.value not in value:
        raise ValidationError(_("Every profile includes the core group."))


class DisclosureProfile(models.Model):
    """A named bundle of field groups: what a participant or a role may read of a case."""

    slug = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    field_groups = models.JSONField(_("field groups"), validators=[validate_field_groups])
    for_participants = models.BooleanField(
        _("for partner organisations"),
        default=True,
        help_text=_("Off for profiles only the running municipality's own staff may hold."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("disclosure profile")
        verbose_name_plural = _("disclosure profiles")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def groups(self) -> frozenset[FieldGroup]:
        return frozenset(FieldGroup(g) for g in self.field_groups)


class SharingRule(models.Model):
    """The sharing matrix: which profile an organisation type gets by default when invited."""

    organisation_type = models.CharField(
        _("organisation type"),
        max_length=32,
        choices=[(t.value, label) for t, label in ORGANISATION_TYPE_LABELS.items()],
    )
    disclosure_profile = models.ForeignKey(
        DisclosureProfile, on_delete=models.PROTECT, related_name="sharing_rules"
    )
    municipality = models.ForeignKey(
        "permissions.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="sharing_rules",
        null=True,
        blank=True,
        help_text=_("Empty: the installation's default. Set: this municipality's override."),
    )

    class Meta:
        verbose_name = _("sharing rule")
        verbose_name_plural = _("sharing matrix")
        ordering = ["organisation_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation_type"],
                condition=models.Q(municipality__isnull=True),
                name="sharingrule_one_default_per_type",
            ),
            models.UniqueConstraint(
                fields=["organisation_type", "municipality"],
                condition=models.Q(municipality__isnull=False),
                name="sharingrule_one_override_per_type",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_type} → {self.disclosure_profile.slug}"


class AccessAction(models.TextChoices):
    READ_CASE = "read_case", _("Read case")
    LIST_CASES = "list_cases", _("Listed cases")
    DISCLOSE = "disclose", _("Disclosed sensitive data")
    SEARCH = "search", _("Searched by BSN or name")
    EXPORT = "export", _("Export")
    CHANGE = "change", _("Change")
    BREAK_GLASS = "break_glass", _("Broke the glass")
    READ_ACCESS_LOG = "read_access_log", _("Read the access log")
    CONFIGURE = "configure", _("Changed configuration")
    RETENTION = "retention", _("Retention carried out")


class AccessResult(models.TextChoices):
    OK = "ok", _("Allowed")
    DENIED = "denied", _("Denied")


class AccessLog(models.Model):
    """One accountable event (BIO2 8.15.01, NEN 7513 style). Rows are never edited.

    Actor details are copied as text so the row keeps saying who it was after role or
    organisation changes. A database trigger refuses UPDATE and DELETE (on PostgreSQL and on
    SQLite); only the retention job may delete, through the trigger's documented bypass.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=AccessAction.choices)
    result = models.CharField(_("result"), max_length=10, choices=AccessResult.choices)
    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    person_uuid = models.UUIDField(_("person concerned"), null=True, blank=True)
    field_groups = models.JSONField(_("field groups"), default=list, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    origin = models.GenericIPAddressField(_("origin address"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=40, blank=True)
    actor_organisation = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["person_uuid", "-at"], name="accesslog_person_at"),
            models.Index(fields=["actor", "-at"], name="accesslog_actor_at"),
            models.Index(fields=["object_type", "object_id"], name="accesslog_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("The access log is append-only")
        super().save(*args, **kwargs)

"""Who is who: organisations, roles (as data), users and API tokens."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from permissions.constants import ORGANISATION_TYPE_LABELS, PERMISSION_LABELS, OrganisationType


class Region(models.Model):
    """A region whose municipalities share a Zorg- en Veiligheidshuis, a RIEC or a police team."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """A gemeente. Every signal, case, meeting and rule belongs to exactly one."""

    code = models.CharField(_("CBS code"), max_length=6, unique=True, help_text="GM9999")
    name = models.CharField(_("name"), max_length=200, unique=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="municipalities",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A municipality or partner organisation. Each has exactly one auth ``Group``.

    Object permissions on cases are granted to that group, never to individual users.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    type = models.CharField(
        _("type"),
        max_length=32,
        choices=[(t.value, label) for t, label in ORGANISATION_TYPE_LABELS.items()],
    )
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="organisation")
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="organisations",
        null=True,
        blank=True,
        help_text=_("For a municipality's own departments and purely local partners."),
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="organisations",
        null=True,
        blank=True,
        help_text=_("For organisations that work for every municipality of a region."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def organisation_type(self) -> OrganisationType:
        return OrganisationType(self.type)


class Role(models.Model):
    """A role is data: a slug, a label and a ``Group`` that carries its global permissions."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="role")
    case_disclosure_profile = models.ForeignKey(
        "permissions.DisclosureProfile",
        verbose_name=_("profile on own organisation's cases"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("What this role reads of the cases its own organisation runs."),
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["name"]
        # The global permissions of permissions.constants.Perm live on this model.
        permissions = [(perm.codename, label) for perm, label in PERMISSION_LABELS.items()]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Belongs to one organisation and has one role."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    role = models.ForeignKey(
        Role,
        verbose_name=_("role"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    department = models.CharField(_("department"), max_length=100, blank=True)
    is_demo = models.BooleanField(
        _("demo user"),
        default=False,
        help_text=_("Demo users may sign in without a second factor where the profile allows it."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"


class ApiToken(models.Model):
    """A token for systems and scripts. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text=_("First characters, to recognise a token."))
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

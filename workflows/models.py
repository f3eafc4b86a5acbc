"""Per-municipality settings of the workflows: the default amounts of the non-legal clocks."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .clocks import CLOCKS


def validate_configurable_clock(key: str) -> None:
    clock = CLOCKS.get(key)
    if clock is None:
        raise ValidationError(_("Unknown clock %(key)s."), params={"key": key})
    if clock.legal:
        raise ValidationError(
            _("%(key)s is fixed by law (%(basis)s) and cannot be changed."),
            params={"key": key, "basis": clock.legal_basis},
        )


class ClockSetting(models.Model):
    """A municipality's own amount for one of the brief's default clocks (not the law's)."""

    municipality = models.ForeignKey(
        "permissions.Municipality", on_delete=models.CASCADE, related_name="clock_settings"
    )
    key = models.CharField(
        _("clock"),
        max_length=40,
        choices=[(k, c.label_nl) for k, c in CLOCKS.items() if not c.legal],
        validators=[validate_configurable_clock],
    )
    amount = models.PositiveIntegerField(_("amount"))

    class Meta:
        verbose_name = _("clock setting")
        verbose_name_plural = _("clock settings")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "key"], name="clocksetting_unique")
        ]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.key} = {self.amount}"

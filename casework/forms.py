from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from permissions.models import DisclosureProfile, Organisation


class ParticipantForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), to_field_name="uuid"
    )
    disclosure_profile = forms.ModelChoiceField(
        label=_("Disclosure profile"),
        queryset=DisclosureProfile.objects.filter(for_participants=True).order_by("name"),
        to_field_name="slug",
        required=False,
        help_text=_("Empty: the sharing matrix's profile for this organisation's type."),
    )
    legal_basis = forms.CharField(
        label=_("Legal basis (grondslag)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args: Any, owner_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (  # type: ignore[attr-defined]
            Organisation.objects.filter(is_active=True).exclude(pk=owner_id).order_by("name")
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EmailFrequency


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(
        label=_("Reminders by e-mail"),
        choices=EmailFrequency.choices,
        widget=forms.RadioSelect,
    )

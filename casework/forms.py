from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.models import ActionStatus, Case, MeetingType
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


class MeetingForm(forms.Form):
    meeting_type = forms.ModelChoiceField(
        label=_("Meeting type"), queryset=MeetingType.objects.none(), to_field_name="code"
    )
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting_type"].queryset = MeetingType.objects.filter(  # type: ignore[attr-defined]
            municipality_id=municipality_id, is_active=True
        ).order_by("name")


class AgendaItemForm(forms.Form):
    case = forms.ModelChoiceField(
        label=_("Case"), queryset=Case.objects.none(), to_field_name="uuid"
    )

    def __init__(self, *args: Any, cases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases  # type: ignore[attr-defined]
        self.fields["case"].label_from_instance = (  # type: ignore[attr-defined]
            lambda case: f"{case.reference} · {case.get_case_type_display()}"
        )


class MinutesForm(forms.Form):
    picture = forms.CharField(
        label=_("Picture (beeldvorming)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20000,
    )
    judgement = forms.CharField(
        label=_("Judgement (oordeelsvorming)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20000,
    )
    decision = forms.CharField(
        label=_("Decision (besluitvorming)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20000,
    )
    next_review_on = forms.DateField(
        label=_("Next review"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        required=False,
        help_text=_("Empty: the meeting type's default."),
    )


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Action to take"), max_length=300)
    owner_organisation = forms.ModelChoiceField(
        label=_("Owner organisation"), queryset=Organisation.objects.none(), to_field_name="uuid"
    )
    due_date = forms.DateField(
        label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in organisations]
        ).order_by("name")


class CloseActionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Result"),
        choices=[
            (ActionStatus.DONE.value, _("Done")),
            (ActionStatus.CANCELLED.value, _("Cancelled")),
        ],
        widget=forms.RadioSelect,
        initial=ActionStatus.DONE.value,
    )
    done_note = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


class ReferralForm(forms.Form):
    """The aanmelding of a multiproblem case: reason, goal, partners, discussed with the person."""

    DISCUSSED_CHOICES = (("", _("Not stated yet")), ("yes", _("Yes")), ("no", _("No")))

    reason = forms.CharField(
        label=_("Reason for the referral"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )
    goal = forms.CharField(
        label=_("Goal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    proposed_partners = forms.ModelMultipleChoiceField(
        label=_("Partners to invite"),
        queryset=Organisation.objects.none(),
        to_field_name="uuid",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    discussed_with_person = forms.ChoiceField(
        label=_("Discussed with the person?"),
        choices=DISCUSSED_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    not_discussed_reason = forms.CharField(
        label=_("If not: why not"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args: Any, owner_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposed_partners"].queryset = (  # type: ignore[attr-defined]
            Organisation.objects.filter(is_active=True).exclude(pk=owner_id).order_by("name")
        )

    def discussed(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("discussed_with_person") or "")

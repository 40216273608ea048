from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from werkplaats.core.forms import date_field
from werkplaats.organisations.models import Municipality, Organisation
from werkplaats.trajectories.models import TargetGroup

from .models import LearnerPreference, LearningPlace


class PreferenceForm(forms.ModelForm[LearnerPreference]):
    class Meta:
        model = LearnerPreference
        fields = ["municipality", "max_distance_km", "hours_per_week"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        municipality = self.fields["municipality"]
        assert isinstance(municipality, forms.ModelChoiceField)
        municipality.queryset = Municipality.objects.order_by("name")
        self.fields["max_distance_km"].widget.attrs.update(min=1, max=500)
        self.fields["hours_per_week"].widget.attrs.update(min=1, max=60)

    def clean_max_distance_km(self) -> int | None:
        value = self.cleaned_data.get("max_distance_km")
        if value is not None and not 1 <= value <= 500:
            raise forms.ValidationError(_("Give a distance from 1 to 500 km."))
        return value

    def clean_hours_per_week(self) -> int | None:
        value = self.cleaned_data.get("hours_per_week")
        if value is not None and not 1 <= value <= 60:
            raise forms.ValidationError(_("Give a number of hours from 1 to 60."))
        return value


class ProposeForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the employer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The employer sees the learner's first name, the qualification, start date and hours. "
            "Do not write support needs or other sensitive details here."
        ),
    )


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("accept", _("Accept: we take this learner")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you decline, so that the consultant can look further."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "decline" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why, so that the consultant can look further."))
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CapacitySortForm(forms.Form):
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("employer")),
            ("offered", _("places offered")),
            ("requested", _("open requests")),
            ("accepted", _("accepted, not placed yet")),
            ("filled", _("filled")),
            ("free", _("free")),
        ],
    )


class LearningPlaceForm(forms.ModelForm[LearningPlace]):
    """What an employer offers for one qualification."""

    period_start = date_field(_("Available from"))
    period_end = date_field(_("Available until"), required=False)
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups the company supports"),
        choices=TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Target groups the company has experience with and can give extra support."),
    )

    class Meta:
        model = LearningPlace
        fields = [
            "crebo",
            "capacity",
            "period_start",
            "period_end",
            "hours_per_week",
            "target_groups",
            "trainer_available",
        ]

    def __init__(self, *args: Any, employer: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.employer = employer
        self.fields["capacity"].widget.attrs.update(min=0, max=500)
        self.fields["hours_per_week"].widget.attrs.update(min=1, max=60)

    def clean_crebo(self) -> str:
        crebo = (self.cleaned_data.get("crebo") or "").strip()
        if not (len(crebo) == 5 and crebo.isdigit()):
            raise forms.ValidationError(_("A crebo code has 5 digits."))
        taken = LearningPlace.objects.filter(employer=self.employer, crebo=crebo).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("The company already offers places for this qualification: change those."))
        return crebo

    def clean_capacity(self) -> int:
        value = self.cleaned_data.get("capacity")
        if value is None or not 0 <= value <= 500:
            raise forms.ValidationError(_("Give a number of places from 0 to 500."))
        return value

    def clean_hours_per_week(self) -> int | None:
        value = self.cleaned_data.get("hours_per_week")
        if value is not None and not 1 <= value <= 60:
            raise forms.ValidationError(_("Give a number of hours from 1 to 60."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end comes after the start."))
        return data

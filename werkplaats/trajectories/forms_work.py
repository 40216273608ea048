"""Forms for the work along a trajectory: the learning plan, progress reviews, practice hours,
work-process assessments and the log. They validate and normalise; the rules are in services."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from werkplaats.core.forms import ModelMultipleChoiceField, date_field
from werkplaats.qualifications.models import WorkProcess

from . import files
from .models import Level


def text_field(label: Any, *, rows: int = 4, **kwargs: Any) -> forms.CharField:
    kwargs.setdefault("required", False)
    return forms.CharField(label=label, max_length=5000, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


class UploadField(forms.FileField):
    """A PDF or image up to files.MAX_BYTES, its type read from its first bytes."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload:
            upload.sniffed_type = files.check_upload(upload)
        return upload


class WorkProcessChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: WorkProcess) -> str:
        return f"{obj.code} {obj.title}"


class WorkProcessField(forms.ModelChoiceField):
    def label_from_instance(self, obj: WorkProcess) -> str:
        return f"{obj.code} {obj.title}"


class PlanForm(forms.Form):
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)
    learner_goals = text_field(_("Goals of the learner"), help_text=_("In the learner's own words."))
    workplace_goals = text_field(_("Goals of the workplace"), help_text=_("What the employer wants to reach."))
    school_goals = text_field(_("Goals of the school"), help_text=_("What the school wants to reach."))
    work_processes = WorkProcessChoiceField(
        label=_("Work processes"), queryset=WorkProcess.objects.none(), required=False
    )
    activities = text_field(_("Agreed activities"))
    support = text_field(_("Support"), help_text=_("Who helps the learner with what."))
    hours_per_week = forms.DecimalField(
        label=_("Hours per week"), min_value=Decimal(0), max_value=Decimal(80), decimal_places=1, required=False
    )
    assessment_method = text_field(_("Assessment method"), rows=3)
    start_date = date_field(_("Start"), required=False)
    end_date = date_field(_("End"), required=False)
    early_termination = text_field(_("Conditions for ending early"), rows=3)

    def __init__(self, *args: Any, work_processes: Iterable[WorkProcess] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = list(work_processes)
        field = self.fields["work_processes"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = WorkProcess.objects.filter(pk__in=[wp.pk for wp in choices])
        self.work_process_choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end comes after the start."))
        return data


class SignedCopyForm(forms.Form):
    file = UploadField(
        label=_("Signed copy"),
        help_text=_(
            "A PDF, PNG or JPEG of the plan signed by the learner, the workplace and the school; at most 10 MB."
        ),
    )


class ReviewForm(forms.Form):
    held_on = date_field(_("Date of the review"))
    attendees = forms.CharField(
        label=_("Who attended"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Names and roles, for example: Noor (learner), Kees (workplace trainer), Petra (school)."),
    )
    progress = text_field(_("Progress per goal and work process"), rows=6)
    agreements = text_field(_("Agreements"))
    next_review_on = date_field(
        _("Next review"), required=False, help_text=_("Leave empty for one review interval after this review.")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        held_on = data.get("held_on")
        if held_on and held_on > timezone.localdate():
            self.add_error("held_on", _("Record a review once it has been held."))
        return data


class HoursForm(forms.Form):
    week_start = date_field(_("Week of (Monday)"), help_text=_("The Monday of the week."))
    hours = forms.DecimalField(
        label=_("Hours"), min_value=Decimal(0), max_value=Decimal(80), decimal_places=1, max_digits=4
    )
    note = forms.CharField(label=pgettext_lazy("remark", "Note"), max_length=200, required=False)

    def clean_week_start(self) -> datetime.date:
        week_start: datetime.date = self.cleaned_data["week_start"]
        if week_start.weekday() != 0:
            raise forms.ValidationError(_("Choose the Monday of the week."))
        if week_start > timezone.localdate():
            raise forms.ValidationError(_("Hours cannot be logged for a week in the future."))
        return week_start


class AssessmentForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, widget=forms.RadioSelect)
    assessed_on = date_field(_("Date"))
    evidence_note = text_field(_("Evidence"), help_text=_("What the learner did that shows the level."))
    file = UploadField(
        label=_("Evidence file"),
        required=False,
        help_text=_("Optional: a PDF, PNG or JPEG of at most 10 MB."),
    )


class LogEntryForm(forms.Form):
    text = forms.CharField(label=_("Entry"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    work_process = WorkProcessField(
        label=_("Work process"), queryset=WorkProcess.objects.none(), required=False, empty_label=_("none")
    )
    goal = forms.CharField(label=_("Goal"), max_length=200, required=False)

    def __init__(self, *args: Any, work_processes: Iterable[WorkProcess] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["work_process"]
        assert isinstance(field, WorkProcessField)
        field.queryset = WorkProcess.objects.filter(pk__in=[wp.pk for wp in work_processes]).select_related("core_task")

"""Forms for learners, trajectories, transitions and caseload filters: they validate and
normalise input; the rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from werkplaats.accounts.models import User
from werkplaats.core.forms import date_field
from werkplaats.organisations.models import SCHOOL_KINDS, Membership, Organisation, OrganisationKind, Role
from werkplaats.qualifications.models import Qualification

from . import caseloads
from .models import (
    FollowUp,
    FundingKind,
    IntendedOutcome,
    LanguageLevel,
    Learner,
    Route,
    Status,
    StopReason,
    TargetGroup,
    Trajectory,
)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name()} ({obj.email})"


def people_with_role(
    role: str,
    *,
    region_id: int | None = None,
    organisation_id: int | None = None,
    also: list[int | None] | None = None,
) -> QuerySet[User]:
    """Active users holding ``role`` in an active organisation (of ``region_id``, or exactly
    ``organisation_id``, when given), plus the users ``also`` names (the current choice)."""
    memberships = Membership.objects.active().filter(organisation__is_active=True, role_set__role=role)
    if region_id is not None:
        memberships = memberships.filter(organisation__region_id=region_id)
    if organisation_id is not None:
        memberships = memberships.filter(organisation_id=organisation_id)
    return User.objects.filter(
        Q(is_active=True, pk__in=memberships.values("user_id")) | Q(pk__in=[pk for pk in also or [] if pk])
    ).order_by("name", "email")


# --- Learners ---------------------------------------------------------------------------------


class LearnerForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    date_of_birth = date_field(_("Date of birth"))
    email = forms.EmailField(label=_("E-mail address"), required=False)
    phone = forms.CharField(label=_("Phone number"), max_length=30, required=False)
    target_group = forms.ChoiceField(label=_("Target group"), choices=[("", "—"), *TargetGroup.choices])
    language_level = forms.ChoiceField(label=_("Dutch language level"), choices=LanguageLevel.choices, required=False)
    referring_organisation = forms.ModelChoiceField(
        label=_("Referred by"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("The organisation that referred the learner, if it is not your own."),
    )
    support_needs = forms.CharField(
        label=_("Support needs"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Sensitive: only the people working on this learner's trajectory see it, and it is never exported. "
            "Write only what they need to know to support the learner."
        ),
    )
    someone_else = forms.BooleanField(
        label=_("This is someone else: register a new learner anyway"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["referring_organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.active().exclude(kind=OrganisationKind.EMPLOYER).order_by("name")
        self.fields["first_name"].widget.attrs["autocomplete"] = "off"
        self.fields["last_name"].widget.attrs["autocomplete"] = "off"

    def clean_date_of_birth(self) -> Any:
        value = self.cleaned_data["date_of_birth"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        return value

    def learner_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("someone_else", None)
        for name in ("first_name", "last_name", "email", "phone", "support_needs"):
            data[name] = (data.get(name) or "").strip()
        return data


# --- Trajectories -----------------------------------------------------------------------------


class TrajectoryForm(forms.Form):
    route = forms.ChoiceField(label=_("Learning route"), choices=[("", "—"), *Route.choices])
    intended_outcome = forms.ChoiceField(label=_("Intended outcome"), choices=[("", "—"), *IntendedOutcome.choices])
    crebo = forms.CharField(
        label=_("Qualification (crebo)"),
        required=False,
        max_length=5,
        validators=[RegexValidator(r"^\d{5}$", _("A crebo is 5 digits."))],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_(
            "The 5-digit code of the qualification, for example 25499. The current version of the "
            "qualification is used. Optional for hbo/wo work placement and professional development."
        ),
    )
    school = forms.ModelChoiceField(label=_("School"), queryset=Organisation.objects.none(), required=False)
    employer = forms.ModelChoiceField(
        label=_("Employer (workplace)"), queryset=Organisation.objects.none(), required=False
    )
    workplace_trainer = PersonChoiceField(label=_("Workplace trainer"), queryset=User.objects.none(), required=False)
    school_coach = PersonChoiceField(label=_("School coach"), queryset=User.objects.none(), required=False)
    consultant = PersonChoiceField(label=_("Consultant"), queryset=User.objects.none(), required=False)
    planned_start = date_field(_("Planned start"), required=False)
    planned_end = date_field(_("Planned end"), required=False)
    review_interval_weeks = forms.IntegerField(
        label=_("Progress review every (weeks)"),
        min_value=1,
        max_value=52,
        initial=6,
        help_text=_("How often the learner, the workplace and the school meet."),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        learner: Learner,
        trajectory: Trajectory | None = None,
        employer_locked: bool = False,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.trajectory = trajectory
        region_id = learner.organisation.region_id
        organisations = Organisation.objects.active().order_by("name")
        self._set_queryset("school", organisations.filter(kind__in=SCHOOL_KINDS))
        self._set_queryset("employer", organisations.filter(kind=OrganisationKind.EMPLOYER))
        current = [getattr(trajectory, f"{n}_id", None) for n in ("workplace_trainer", "school_coach", "consultant")]
        self._set_queryset(
            "workplace_trainer", people_with_role(Role.WORKPLACE_TRAINER, region_id=region_id, also=current)
        )
        self._set_queryset("school_coach", people_with_role(Role.SCHOOL_STAFF, region_id=region_id, also=current))
        self._set_queryset(
            "consultant", people_with_role(Role.CONSULTANT, organisation_id=learner.organisation_id, also=current)
        )
        if employer_locked:
            self.fields["employer"].disabled = True
            self.fields["employer"].help_text = _(
                "The learner is placed: change the employer with 'Change employer', which keeps the history."
            )

    def _set_queryset(self, name: str, queryset: QuerySet[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset

    def clean_crebo(self) -> Qualification | None:
        crebo = (self.cleaned_data.get("crebo") or "").strip()
        if not crebo:
            return None
        current = self.trajectory.qualification if self.trajectory is not None else None
        if current is not None and current.crebo == crebo:
            return current  # keep the version the trajectory works towards
        found = Qualification.objects.current().filter(crebo=crebo).first()
        if found is None:
            raise forms.ValidationError(
                _("No qualification with crebo %(crebo)s in the current catalogue."), params={"crebo": crebo}
            )
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The planned end comes after the planned start."))
        return data

    def trajectory_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["qualification"] = data.pop("crebo")
        data.pop("expected_version", None)
        return data


class FundingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Source"), choices=[("", "—"), *FundingKind.choices])
    amount = forms.DecimalField(
        label=_("Amount (EUR)"), required=False, min_value=0, max_digits=10, decimal_places=2, localize=True
    )
    period_start = date_field(_("From"), required=False)
    period_end = date_field(_("Until"), required=False)
    note = forms.CharField(label=pgettext_lazy("remark", "Note"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends after it starts."))
        return data


class BaseFundingFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict[str, Any]]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and form.cleaned_data.get("kind") and not form.cleaned_data.get("DELETE")
        ]


FundingFormSet = forms.formset_factory(
    FundingForm, formset=BaseFundingFormSet, extra=1, can_delete=True, max_num=20, validate_max=True
)


class TransitionForm(forms.Form):
    """One change of state. The reason is needed for pausing and stopping (the service says so)."""

    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    stop_reason = forms.ChoiceField(
        label=_("Reason for stopping"), required=False, choices=[("", "—"), *StopReason.choices]
    )
    outcome = forms.ChoiceField(
        label=_("Outcome at completion"), required=False, choices=[("", "—"), *FollowUp.choices]
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, to: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"to-{to}")
        super().__init__(*args, **kwargs)
        self.to = to
        if to != Status.STOPPED:
            del self.fields["stop_reason"]
        if to != Status.COMPLETED:
            del self.fields["outcome"]
        if to not in (Status.STOPPED, Status.PAUSED):
            self.fields["reason"].label = pgettext_lazy("remark", "Note")
        else:
            self.fields["reason"].help_text = (
                _("Explain in a few words why the trajectory stops.")
                if to == Status.STOPPED
                else _("Say why the trajectory is paused.")
            )


class ChangeEmployerForm(forms.Form):
    employer = forms.ModelChoiceField(label=_("New employer"), queryset=Organisation.objects.none())
    workplace_trainer = PersonChoiceField(
        label=_("Workplace trainer at the new employer"), queryset=User.objects.none()
    )
    on = date_field(_("From"), help_text=_("The first day at the new employer."))
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, trajectory: Trajectory, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": timezone.localdate(), "expected_version": trajectory.version})
        super().__init__(*args, **kwargs)
        employer = self.fields["employer"]
        assert isinstance(employer, forms.ModelChoiceField)
        employer.queryset = (
            Organisation.objects.active()
            .filter(kind=OrganisationKind.EMPLOYER)
            .exclude(pk=trajectory.employer_id or 0)
            .order_by("name")
        )
        trainer = self.fields["workplace_trainer"]
        assert isinstance(trainer, forms.ModelChoiceField)
        trainer.queryset = people_with_role(Role.WORKPLACE_TRAINER, region_id=trajectory.learner.organisation.region_id)


class OutcomeForm(forms.Form):
    outcome_at_completion = forms.ChoiceField(
        label=_("Outcome at completion"), required=False, choices=[("", "—"), *FollowUp.choices]
    )
    outcome_after_six_months = forms.ChoiceField(
        label=_("Outcome at the aftercare check (six months later)"),
        required=False,
        choices=[("", "—"), *FollowUp.choices],
    )
    aftercare_checked_on = date_field(_("Aftercare contact on"), required=False)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


# --- Caseload filters -------------------------------------------------------------------------


class CaseloadFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[(caseloads.OPEN, _("all open trajectories")), (caseloads.ALL, _("all")), *Status.choices],
    )
    warning = forms.ChoiceField(
        label=_("Warning"),
        required=False,
        choices=[
            ("", _("any or none")),
            (caseloads.ANY, _("with any warning")),
            (caseloads.NORM, _("at risk of or past the 6-month norm")),
            *caseloads.CaseWarning.choices,
        ],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("learner", _("learner")),
            ("qualification", _("qualification")),
            ("employer", _("employer")),
            ("state", _("state")),
            ("days", _("days in state")),
            ("review", _("next review")),
            ("warnings", _("warnings")),
        ],
    )
    order = forms.ChoiceField(
        label=_("Order"), required=False, choices=[("asc", _("ascending")), ("desc", _("descending"))]
    )

    def values(self) -> dict[str, str]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "state": data.get("state") or caseloads.OPEN,
            "warning": data.get("warning") or "",
            "sort": data.get("sort") or "learner",
            "order": data.get("order") or "asc",
        }

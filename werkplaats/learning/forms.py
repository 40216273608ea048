from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from werkplaats.accounts.models import User
from werkplaats.core.forms import ModelMultipleChoiceField, date_field
from werkplaats.goals.models import Goal
from werkplaats.partnerships.models import Group, Partnership

from .models import PHASE_FIELDS, InvolvedRole, KnowledgeKind, ResearchProject
from .services import DecisionRow, decision_field

DECISION_ROWS = 3
TEXT_LENGTH = 10000


def _set_queryset(form: forms.BaseForm, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


def _members(partnership: Partnership) -> Any:
    return User.objects.filter(pk__in=partnership.members.active().values("user_id"), is_active=True).order_by(
        "name", "email"
    )


def _text(label: Any, rows: int = 4, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=TEXT_LENGTH, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


class CommunityForm(forms.Form):
    goals = ModelMultipleChoiceField(
        label=_("partnership goals the theme serves"),
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "goals", Goal.objects.filter(partnership=partnership).order_by("order", "id"))


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200, help_text=_("For example: third meeting, on experts."))
    held_on = date_field(_("date"))
    agenda = _text(_("agenda"), 5)
    notes = _text(_("notes"), 8)

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = _members(partnership)
        for row in range(1, DECISION_ROWS + 1):
            self.fields[decision_field(row, "text")] = forms.CharField(
                label=_("decision"), max_length=300, required=False
            )
            self.fields[decision_field(row, "owner")] = forms.ModelChoiceField(
                label=_("owner of the action"), queryset=people, required=False
            )
            self.fields[decision_field(row, "due_on")] = date_field(_("action due"), required=False)

    def rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[decision_field(row, name)] for name in ("text", "owner", "due_on")]
            for row in range(1, DECISION_ROWS + 1)
        ]

    def decisions(self) -> list[DecisionRow]:
        """The rows in which something was filled in; an empty row is no decision."""
        found = []
        for row in range(1, DECISION_ROWS + 1):
            text, owner, due_on = (self.cleaned_data.get(decision_field(row, n)) for n in ("text", "owner", "due_on"))
            if text or owner or due_on:
                found.append(DecisionRow(row=row, text=text or "", owner=owner, due_on=due_on))
        return found

    def meeting_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("title", "held_on", "agenda", "notes")}


class KnowledgeForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=KnowledgeKind.choices)
    title = forms.CharField(
        label=_("title"), max_length=200, help_text=_("What the source is about, or what the expert knows about.")
    )
    reference = forms.CharField(
        label=_("link or reference"),
        max_length=500,
        required=False,
        help_text=_("A web address (https://…), a book or article reference, or how to reach an expert from outside."),
    )
    expert = forms.ModelChoiceField(
        label=_("member who is expert"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("For an expert inside the partnership."),
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "expert", _members(partnership))


class ResultForm(forms.Form):
    title = forms.CharField(label=_("result"), max_length=200)
    achieved_on = date_field(_("date"))
    description = _text(_("what it means for the partnership"), 4)


class ProjectForm(forms.Form):
    group = forms.ModelChoiceField(label=_("group"), queryset=Group.objects.none(), empty_label=None)
    title = forms.CharField(label=_("title"), max_length=200, help_text=_("Usually the main question."))
    problem_statement = _text(_("problem statement"), 5, help_text=_("The problem or question from your own practice."))

    def __init__(self, *args: Any, groups: list[Group], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "group", Group.objects.filter(pk__in=[g.pk for g in groups]).order_by("kind", "name"))


class PhaseForm(forms.Form):
    """The fields of one phase of the cycle, all optional here: the service decides what must be
    filled before the project moves on."""

    def __init__(self, *args: Any, phase: str, project: ResearchProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in PHASE_FIELDS[phase]:
            model_field = ResearchProject._meta.get_field(name)
            self.fields[name] = _text(
                model_field.verbose_name,  # type: ignore[union-attr]
                6,
                help_text=model_field.help_text,  # type: ignore[union-attr]
                initial=getattr(project, name),
            )

    def values(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in self.fields}


class ExperimentForm(forms.Form):
    title = forms.CharField(label=_("what was tried"), max_length=200)
    starts_on = date_field(_("start"))
    ends_on = date_field(_("end"), required=False)
    description = _text(_("how it was done"), 4)
    data_collected = _text(_("data collected"), 4, help_text=_("What you observed, counted or asked, and from whom."))
    what_worked = _text(_("what worked"), 4)


class InvolvedForm(forms.Form):
    name = forms.CharField(
        label=_("who"), max_length=200, help_text=_("A person or a group, for example: parents of class 2B.")
    )
    role = forms.ChoiceField(label=_("as"), choices=InvolvedRole.choices)
    how = forms.CharField(label=_("how they are involved"), max_length=300, required=False)

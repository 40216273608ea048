"""Forms of the batch matching rounds: a new round, a learner's ranking, an employer's answers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from werkplaats.core.forms import date_field
from werkplaats.organisations.models import Region

from .models import RoundLearner, RoundPlace

MAX_RANK = 999


class RoundForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), empty_label=None)
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("For example: Start in February 2027."))
    start_date = date_field(
        _("Start date"),
        help_text=_("Learners start on this date: recognitions and the periods of places are checked on it."),
    )
    preferences_until = date_field(
        _("Preferences until"),
        required=False,
        help_text=_("Until when learners, consultants and employers give their preferences."),
    )

    def __init__(self, *args: Any, regions: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ModelChoiceField)
        region.queryset = regions.order_by("name")

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the round a name."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, until = data.get("start_date"), data.get("preferences_until")
        if start and until and until > start:
            self.add_error("preferences_until", _("Preferences are given before the start date."))
        return data


def _rank_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        max_value=MAX_RANK,
        error_messages={
            "invalid": _("Give a whole number, or leave it empty."),
            "min_value": _("A rank is 1 or more."),
            "max_value": _("Give a rank of at most %(limit_value)s."),
        },
    )


def _check_unique(form: forms.Form, names: list[str]) -> None:
    """Every field whose rank another field has too gets the error, so the person sees both."""
    by_rank: dict[int, list[str]] = {}
    for name in names:
        value = form.cleaned_data.get(name)
        if value is not None:
            by_rank.setdefault(value, []).append(name)
    for rank, same in by_rank.items():
        if len(same) > 1:
            for name in same:
                form.add_error(name, _("Rank %(rank)d is given twice: give every rank once.") % {"rank": rank})


class LearnerRankingForm(forms.Form):
    """One rank field per place for the learner's qualification; an empty field leaves the place out."""

    def __init__(self, *args: Any, learner: RoundLearner, places: list[RoundPlace], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.places = places
        current = dict(learner.choices.values_list("place", "rank"))
        for place in places:
            name = f"place_{place.pk}"
            self.fields[name] = _rank_field(str(place.place.employer.name))
            self.initial.setdefault(name, current.get(place.pk))

    def rows(self) -> list[tuple[RoundPlace, forms.BoundField]]:
        return [(place, self[f"place_{place.pk}"]) for place in self.places]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_unique(self, [f"place_{place.pk}" for place in self.places])
        return data

    def ranks(self) -> dict[int, int | None]:
        return {place.pk: self.cleaned_data.get(f"place_{place.pk}") for place in self.places}


class EmployerAnswerForm(forms.Form):
    """Per candidate a rank, or "not acceptable"; candidates left empty follow by score."""

    def __init__(self, *args: Any, place: RoundPlace, candidates: list[RoundLearner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        answers = {a.learner_id: a for a in place.answers.all()}
        for candidate in candidates:
            label = f"{candidate.trajectory.learner.first_name} {candidate.trajectory.learner.last_name[:1]}."
            self.fields[f"rank_{candidate.pk}"] = _rank_field(label)
            self.fields[f"declined_{candidate.pk}"] = forms.BooleanField(
                label=_("Not acceptable: %(name)s") % {"name": label}, required=False
            )
            answer = answers.get(candidate.pk)
            if answer is not None:
                self.initial.setdefault(f"rank_{candidate.pk}", answer.rank)
                self.initial.setdefault(f"declined_{candidate.pk}", answer.declined)

    def rows(self) -> list[tuple[RoundLearner, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"rank_{c.pk}"], self[f"declined_{c.pk}"]) for c in self.candidates]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_unique(self, [f"rank_{c.pk}" for c in self.candidates])
        for candidate in self.candidates:
            if data.get(f"declined_{candidate.pk}") and data.get(f"rank_{candidate.pk}") is not None:
                self.add_error(
                    f"rank_{candidate.pk}", _("A candidate you do not accept gets no rank: empty the rank or untick.")
                )
        return data

    def answers(self) -> dict[int, tuple[int | None, bool]]:
        return {
            c.pk: (self.cleaned_data.get(f"rank_{c.pk}"), bool(self.cleaned_data.get(f"declined_{c.pk}")))
            for c in self.candidates
        }


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(label=_("Places in this round"), min_value=0, max_value=999)

"""Forms of the health scan: they validate and normalise; the rules live in services."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from werkplaats.core.forms import date_field

from .models import SCORE_MAX, SCORE_MIN, Element, RoundStatement
from .services import COMMENT_MAX_LENGTH, comment_field, statement_field

DONT_KNOW = "dk"

SCORE_LABELS = {
    1: _("strongly disagree"),
    2: _("disagree"),
    3: pgettext_lazy("scan score", "neutral"),
    4: _("agree"),
    5: _("strongly agree"),
}

SCORE_CHOICES: list[tuple[str, Any]] = [(str(n), SCORE_LABELS[n]) for n in range(SCORE_MIN, SCORE_MAX + 1)] + [
    (DONT_KNOW, _("don't know"))
]


class OpenRoundForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120, help_text=_("For example: March 2026."))
    closes_on = date_field(
        _("Planned closing date"),
        required=False,
        help_text=_("Shown to the members. You close the round yourself when enough people have answered."),
    )


class StatementForm(forms.Form):
    element = forms.ChoiceField(label=_("Element"), choices=Element.choices)
    text = forms.CharField(
        label=_("Statement"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One clear statement that members can agree or disagree with."),
    )


class StatementChangeForm(StatementForm):
    is_active = forms.BooleanField(
        label=_("In use"), required=False, help_text=_("Statements not in use are left out of new scan rounds.")
    )


@dataclass(frozen=True)
class ElementGroup:
    element: str
    label: str
    description: str
    fields: list[tuple[RoundStatement, forms.BoundField]]
    comment: forms.BoundField


class AnswerForm(forms.Form):
    """A radio group (1-5 or don't know) per statement of the round and a comment per element."""

    def __init__(self, *args: Any, statements: Sequence[RoundStatement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.statements = list(statements)
        for statement in self.statements:
            self.fields[statement_field(statement.pk)] = forms.ChoiceField(
                label=statement.text,
                choices=SCORE_CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose a score from 1 to 5, or “don't know”.")},
            )
        for element in self.elements():
            self.fields[comment_field(element)] = forms.CharField(
                label=_("Comment on %(element)s") % {"element": Element(element).label},
                required=False,
                max_length=COMMENT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("Optional. Shown without your name once the round is closed."),
            )

    def elements(self) -> list[str]:
        present = {s.element for s in self.statements}
        return [e for e in Element.values if e in present]

    def groups(self) -> list[ElementGroup]:
        from .models import ELEMENT_DESCRIPTIONS

        return [
            ElementGroup(
                element=element,
                label=str(Element(element).label),
                description=str(ELEMENT_DESCRIPTIONS[Element(element)]),
                fields=[(s, self[statement_field(s.pk)]) for s in self.statements if s.element == element],
                comment=self[comment_field(element)],
            )
            for element in self.elements()
        ]

    def answers(self) -> dict[int, int | None]:
        return {
            s.pk: None
            if self.cleaned_data[statement_field(s.pk)] == DONT_KNOW
            else int(self.cleaned_data[statement_field(s.pk)])
            for s in self.statements
        }

    def comments(self) -> dict[str, str]:
        return {element: self.cleaned_data.get(comment_field(element), "") for element in self.elements()}

    @staticmethod
    def initial_for(answers: dict[int, int | None], comments: dict[str, str]) -> dict[str, str]:
        initial = {statement_field(pk): DONT_KNOW if score is None else str(score) for pk, score in answers.items()}
        initial.update({comment_field(element): text for element, text in comments.items()})
        return initial

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from werkplaats.accounts.models import User
from werkplaats.core.forms import date_field
from werkplaats.partnerships.models import Group, Partnership

from .models import Answer, PromptSet, PromptSetPurpose, ReflectionSession
from .services import FollowUp, answer_field, follow_up_field

FOLLOW_UP_ROWS = 3
ANSWER_LENGTH = 5000


def _queryset(form: forms.BaseForm, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class PromptSetForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=120)
    language = forms.ChoiceField(
        label=_("language"),
        choices=settings.LANGUAGES,
        help_text=_("The language the prompts are written in. Members see the sets in their own language first."),
    )
    purpose = forms.ChoiceField(
        label=_("used for"),
        choices=PromptSetPurpose.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Reflection sessions of the partnership or one of its groups, or annual and development "
            "conversations between a professional and their manager or coach. Either kind can be used "
            "in a reflection session."
        ),
    )
    prompts = forms.CharField(
        label=_("prompts"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("One prompt per line, in the order in which they are asked."),
    )

    def texts(self) -> list[str]:
        return self.cleaned_data["prompts"].splitlines()


class PromptSetChoiceField(forms.ModelChoiceField):
    """Names each set with its language and purpose: the same set may exist in several languages."""

    def label_from_instance(self, obj: Any) -> str:
        return _("%(name)s (%(language)s) · %(purpose)s") % {
            "name": obj.name,
            "language": obj.get_language_display(),
            "purpose": obj.get_purpose_display(),
        }


class PromptSetFilterForm(forms.Form):
    """The prompt-set list's language filter; an unknown language shows every set."""

    language = forms.ChoiceField(
        label=_("language"), required=False, choices=[("", _("all languages")), *settings.LANGUAGES]
    )

    def chosen(self) -> str:
        return self.cleaned_data["language"] if self.is_valid() else ""


class PlanForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200, help_text=_("For example: reflection of the spring."))
    scheduled_on = date_field(_("date"))
    group = forms.ModelChoiceField(
        label=_("who takes part"),
        queryset=Group.objects.none(),
        required=False,
        empty_label=_("every member of the partnership"),
        help_text=_("The members of a group, or of the whole partnership."),
    )
    prompt_set = PromptSetChoiceField(
        label=_("prompt set"),
        queryset=PromptSet.objects.none(),
        empty_label=None,
        help_text=_(
            "Sets for reflection and for conversations, in your own language first. Its prompts are copied "
            "into the session: later changes to the set leave the session as it is."
        ),
    )

    def __init__(
        self,
        *args: Any,
        partnership: Partnership,
        groups: Any,
        whole_partnership: bool,
        language: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "group", groups)
        _queryset(self, "prompt_set", PromptSet.objects.filter(partnership=partnership).own_language_first(language))
        if not whole_partnership:
            self.fields["group"].required = True
            self.fields["group"].empty_label = None  # type: ignore[attr-defined]


class SessionChangeForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    scheduled_on = date_field(_("date"))


class AnswerForm(forms.Form):
    """One text field per prompt of the session, filled with the person's answers so far."""

    def __init__(
        self, *args: Any, session: ReflectionSession, prompts: list[Any], mine: list[Answer], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        existing = {a.prompt_id: a.text for a in mine}
        self.prompts = prompts
        for prompt in prompts:
            self.fields[answer_field(prompt)] = forms.CharField(
                label=prompt.text,
                required=False,
                max_length=ANSWER_LENGTH,
                initial=existing.get(prompt.pk, ""),
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def answers(self) -> dict[int, str]:
        return {prompt.pk: self.cleaned_data[answer_field(prompt)] for prompt in self.prompts}


class CloseForm(forms.Form):
    summary = forms.CharField(
        label=_("summary"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the participants said, where they agree and differ, and what you conclude together."),
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = User.objects.filter(pk__in=partnership.members.active().values("user_id"), is_active=True).order_by(
            "name", "email"
        )
        for row in range(1, FOLLOW_UP_ROWS + 1):
            self.fields[follow_up_field(row, "title")] = forms.CharField(
                label=_("follow-up action"), max_length=300, required=False
            )
            self.fields[follow_up_field(row, "owner")] = forms.ModelChoiceField(
                label=_("owner"), queryset=people, required=False
            )
            self.fields[follow_up_field(row, "due_on")] = date_field(_("due"), required=False)

    def rows(self) -> list[list[forms.BoundField]]:
        """The follow-up fields by row, for the template."""
        return [
            [self[follow_up_field(row, name)] for name in ("title", "owner", "due_on")]
            for row in range(1, FOLLOW_UP_ROWS + 1)
        ]

    def follow_ups(self) -> list[FollowUp]:
        """The rows in which something was filled in; empty rows are no action."""
        found = []
        for row in range(1, FOLLOW_UP_ROWS + 1):
            values = [self.cleaned_data.get(follow_up_field(row, name)) for name in ("title", "owner", "due_on")]
            if any(values):
                title, owner, due_on = values
                found.append(FollowUp(row=row, title=title or "", owner=owner, due_on=due_on))
        return found

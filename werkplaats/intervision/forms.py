from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from werkplaats.core.forms import ModelMultipleChoiceField, date_field
from werkplaats.partnerships.models import Partnership, PartnershipMember

from .models import MAX_PARTICIPANTS, MIN_PARTICIPANTS, IntervisionSession, Method

WORK_QUESTION_LENGTH = 2000
NOTES_LENGTH = 20000


def _member_label(member: Any) -> str:
    if member.partner is not None:
        return f"{member.user} ({member.partner.organisation})"
    return str(member.user)


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _member_label(obj)


class MembersChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _member_label(obj)


def _members(partnership: Partnership) -> Any:
    return (
        PartnershipMember.objects.active()
        .filter(partnership=partnership, user__is_active=True)
        .select_related("user", "partner__organisation")
        .order_by("user__name", "user__email")
    )


class MembershipForm(forms.Form):
    """The participants and the facilitator; the service checks the size and the overlap."""

    participants = MembersChoiceField(
        label=_("participants"),
        queryset=PartnershipMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    facilitator = MemberChoiceField(
        label=_("facilitator"),
        queryset=PartnershipMember.objects.none(),
        error_messages={"required": _("Choose the facilitator who guides the sessions.")},
        help_text=_("Guides the sessions and manages who takes part. The facilitator is not a participant."),
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sizes = {"min": MIN_PARTICIPANTS, "max": MAX_PARTICIPANTS}
        participants = self.fields["participants"]
        participants.help_text = (
            gettext("Choose %(min)s to %(max)s members who bring in cases from their own work.") % sizes
        )
        participants.error_messages["required"] = (
            gettext("An intervision group has %(min)s to %(max)s participants; choose them here.") % sizes
        )
        for name in ("participants", "facilitator"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = _members(partnership)


class FacilitatorForm(forms.Form):
    """The new facilitator. Every member is offered, participants included, so that the list does
    not tell the manager who takes part; the service refuses a participant at the field."""

    facilitator = MemberChoiceField(
        label=_("new facilitator"),
        queryset=PartnershipMember.objects.none(),
        error_messages={
            "required": _("Choose the new facilitator."),
            "invalid_choice": _("Choose a facilitator from the members of the partnership."),
        },
        help_text=_(
            "A member of the partnership who does not take part in the group. The new facilitator guides the "
            "sessions, manages who takes part and sees the group's sessions, past ones included."
        ),
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["facilitator"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = _members(partnership)


class GroupForm(MembershipForm):
    name = forms.CharField(label=_("name"), max_length=200, help_text=_("For example: intervision of trainers."))

    field_order = ["name", "participants", "facilitator"]


class MethodsForm(forms.Form):
    methods = forms.CharField(
        label=_("methods"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "One method per line, in the order in which they are offered. A method you take off the list stays "
            "with the sessions that used it."
        ),
    )

    def names(self) -> list[str]:
        return self.cleaned_data["methods"].splitlines()


class SessionForm(forms.Form):
    held_on = date_field(_("date"))
    case_contributor = MemberChoiceField(
        label=_("case contributor"),
        queryset=PartnershipMember.objects.none(),
        error_messages={"required": _("Choose the participant who brings in the case.")},
        help_text=_("The participant who brings in a situation from their own work."),
    )
    method = forms.ModelChoiceField(
        label=_("method"),
        queryset=Method.objects.none(),
        error_messages={"required": _("Choose a method.")},
    )
    work_question = forms.CharField(
        label=_("work question"),
        max_length=WORK_QUESTION_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the case contributor wants to find out or learn."),
    )
    notes = forms.CharField(
        label=_("notes"),
        max_length=NOTES_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Only the group's participants and its facilitator can read them."),
    )

    def __init__(
        self,
        *args: Any,
        participant_ids: list[int],
        partnership: Partnership,
        session: IntervisionSession | None = None,
        **kwargs: Any,
    ) -> None:
        if session is not None:
            kwargs.setdefault(
                "initial",
                {
                    "held_on": session.held_on,
                    "case_contributor": session.case_contributor_id,
                    "method": session.method_id,
                    "work_question": session.work_question,
                    "notes": session.notes,
                },
            )
        super().__init__(*args, **kwargs)
        # A past session keeps its case contributor and method, even after they left the list.
        contributors = set(participant_ids) | ({session.case_contributor_id} if session else set())
        contributor = self.fields["case_contributor"]
        assert isinstance(contributor, forms.ModelChoiceField)
        contributor.queryset = (
            PartnershipMember.objects.filter(partnership=partnership, pk__in=contributors)
            .select_related("user", "partner__organisation")
            .order_by("user__name", "user__email")
        )
        method = self.fields["method"]
        assert isinstance(method, forms.ModelChoiceField)
        methods = Method.objects.filter(partnership=partnership)
        method.queryset = (
            methods.filter(is_active=True) | methods.filter(pk=session.method_id) if session else methods.active()
        )

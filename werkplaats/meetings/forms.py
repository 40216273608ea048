from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from werkplaats.accounts.models import User
from werkplaats.partnerships.models import Group, Partnership

from .models import Event, EventKind

# What the browser's date-and-time picker sends, and what people type in the Netherlands.
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M"]


class DateTimePickerInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


def datetime_field(label: Any, **kwargs: Any) -> forms.DateTimeField:
    """A local date and time (Europe/Amsterdam): Django makes it timezone-aware, and refuses a time
    that does not exist (the hour skipped when summer time starts) with a clear message."""
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_FORMATS,
        widget=DateTimePickerInput(),
        error_messages={"invalid": _("Enter a date and time as DD-MM-YYYY HH:MM.")},
        **kwargs,
    )


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    group = GroupChoiceField(
        label=_("Group"),
        queryset=Group.objects.none(),
        required=False,
        help_text=_("For a group meeting: the group that meets."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = datetime_field(_("Start"))
    ends_at = datetime_field(_("End"))
    location = forms.CharField(
        label=_("Address"), max_length=300, required=False, help_text=_("Where the meeting takes place, if in person.")
    )
    online_url = forms.URLField(
        label=_("Online link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("The link to join online, if online."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The programme, who it is for and what to bring."),
    )
    signup_required = forms.BooleanField(
        label=_("Sign-up required"),
        required=False,
        help_text=_("Members sign up, so the organiser knows who comes."),
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=10000,
        required=False,
        help_text=_("The most people who can come; when it is full, others join a waiting list. Empty: no limit."),
    )
    signup_deadline = datetime_field(_("Sign up before"), required=False, help_text=_("Empty: until the start."))
    organiser = forms.ModelChoiceField(
        label=_("Organiser"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Empty: you."),
    )

    def __init__(
        self,
        *args: Any,
        partnership: Partnership,
        groups: Any,
        may_plan_any: bool,
        event: Event | None = None,
        **kwargs: Any,
    ) -> None:
        if event is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": event.kind,
                "group": event.group_id,
                "title": event.title,
                "starts_at": event.starts_at,
                "ends_at": event.ends_at,
                "location": event.location,
                "online_url": event.online_url,
                "description": event.description,
                "signup_required": event.signup_required,
                "capacity": event.capacity,
                "signup_deadline": event.signup_deadline,
                "organiser": event.organiser_id,
            }
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        if not may_plan_any:
            # A group's coordinator plans the meetings of that group, nothing else.
            kind.choices = [(EventKind.GROUP_MEETING.value, EventKind.GROUP_MEETING.label)]
            kind.initial = EventKind.GROUP_MEETING
        group = self.fields["group"]
        assert isinstance(group, forms.ModelChoiceField)
        group.queryset = groups
        organiser = self.fields["organiser"]
        assert isinstance(organiser, forms.ModelChoiceField)
        organiser.queryset = User.objects.filter(
            pk__in=partnership.members.active().values("user_id"), is_active=True
        ).order_by("name", "email")
        if event is not None:
            organiser.help_text = ""


class CancelEventForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to everyone who signed up, with the news that it is off."),
    )

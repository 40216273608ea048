from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.html import escape
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
    guest_signup = forms.BooleanField(
        label=_("Open sign-up for guests"),
        required=False,
        help_text=_(
            "Employers and candidates without an account sign up on a public page, which you can share. "
            "They take places like members do. Only for information sessions with sign-up."
        ),
    )
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
                "guest_signup": event.guest_signup,
                "organiser": event.organiser_id,
            }
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        if not may_plan_any:
            # A group's coordinator plans the meetings of that group, nothing else.
            kind.choices = [(EventKind.GROUP_MEETING.value, EventKind.GROUP_MEETING.label)]
            kind.initial = EventKind.GROUP_MEETING
            # Only information sessions open to guests, and those are not a coordinator's to plan.
            del self.fields["guest_signup"]
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


PHONE = RegexValidator(
    r"^\+?[0-9][0-9 ()\-]{5,24}$",
    _("Enter a phone number in digits, for example 050 123 4567 or +31 50 123 4567."),
)

# The honeypot: a field people never see (it is hidden), which form-filling robots fill in.
HONEYPOT = "homepage"


class GuestSignUpForm(forms.Form):
    """Signing up for an information session as a guest, on its public page."""

    name = forms.CharField(label=_("Name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send the confirmation here, with a link to cancel."),
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        required=False,
        validators=[PHONE],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        help_text=_("So the organiser can reach you on the day, should something change."),
    )
    consent = forms.BooleanField(
        label=_("I agree to this use of my data"),
        error_messages={"required": _("We can only sign you up if you agree to this use of your data.")},
    )
    homepage = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    VISIBLE = ("name", "email", "organisation", "phone", "consent")

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.fields["organisation"]
        if event.kind == EventKind.EMPLOYER_SESSION:
            organisation.required = True
            organisation.label = _("Company or organisation")
        self.fields["consent"].help_text = _(
            "%(partnership)s, who organises this session, uses your name, e-mail address, organisation and "
            "phone number only for this session: to confirm your sign-up, to remind you the day before and "
            "to tell you of changes. Only the organiser and the partnership's managers see them. They are "
            "deleted 30 days after the session. You can cancel your sign-up at any time with the link in the "
            "confirmation e-mail."
        ) % {"partnership": escape(event.partnership.name)}  # help texts are shown as HTML

    def shown_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.VISIBLE]

    def is_robot(self) -> bool:
        """Whether the hidden field was filled in, which no person does."""
        return bool(str(self.data.get(HONEYPOT, "")).strip())

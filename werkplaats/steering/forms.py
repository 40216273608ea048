from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from werkplaats.accounts.models import User
from werkplaats.core.forms import date_field
from werkplaats.partnerships.models import (
    ActionStatus,
    Group,
    GroupKind,
    Partnership,
    PartnershipMember,
)


def member_users(partnership: Partnership) -> Any:
    """The people who are active members of ``partnership``: owners and coordinators come from them."""
    return User.objects.filter(pk__in=partnership.members.active().values("user_id"), is_active=True).order_by(
        "name", "email"
    )


def _choices(form: forms.BaseForm, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class GroupForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=GroupKind.choices, initial=GroupKind.WORKING)
    name = forms.CharField(label=_("Name"), max_length=200)
    theme = forms.CharField(label=_("Theme"), max_length=200, required=False)
    assignment = forms.CharField(
        label=_("Assignment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the group is asked to do."),
    )
    result = forms.CharField(
        label=_("Result"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The concrete, measurable result by which the group knows its assignment is done."),
    )
    starts_on = date_field(_("Start date"), required=False)
    ends_on = date_field(_("End date"), required=False)
    coordinator = forms.ModelChoiceField(label=_("Coordinator"), queryset=User.objects.none(), required=False)
    accountable_to = forms.ModelChoiceField(
        label=_("Accounts to"),
        queryset=Group.objects.none(),
        required=False,
        help_text=_("The group it reports its progress to, usually the steering group."),
    )
    report_every_weeks = forms.IntegerField(
        label=_("Reports every (weeks)"),
        min_value=1,
        max_value=52,
        required=False,
        help_text=_(
            "How often the group reports its progress. The first report is due this many weeks after the start."
        ),
    )

    def __init__(self, *args: Any, partnership: Partnership, group: Group | None = None, **kwargs: Any) -> None:
        if group is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": group.kind,
                "name": group.name,
                "theme": group.theme,
                "assignment": group.assignment,
                "result": group.result,
                "starts_on": group.starts_on,
                "ends_on": group.ends_on,
                "coordinator": group.coordinator_id,
                "accountable_to": group.accountable_to_id,
                "report_every_weeks": group.report_every_weeks,
            }
        super().__init__(*args, **kwargs)
        _choices(self, "coordinator", member_users(partnership))
        targets = partnership.groups.open().order_by("kind", "name")
        if group is not None:
            targets = targets.exclude(pk=group.pk)
        _choices(self, "accountable_to", targets)


class MemberChoiceField(forms.ModelChoiceField):
    """A partnership member by name and the organisation they represent."""

    def label_from_instance(self, obj: Any) -> str:
        if obj.partner is not None:
            return f"{obj.user} ({obj.partner.organisation})"
        return str(obj.user)


class GroupMemberForm(forms.Form):
    member = MemberChoiceField(label=_("Member"), queryset=PartnershipMember.objects.none())
    quality = forms.CharField(
        label=_("Chosen for"),
        max_length=200,
        required=False,
        help_text=_("The quality this person brings to the group, for example: knows the employers in the region."),
    )

    def __init__(self, *args: Any, candidates: list[PartnershipMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, MemberChoiceField)
        field.queryset = PartnershipMember.objects.filter(pk__in=[c.pk for c in candidates]).select_related(
            "user", "partner__organisation"
        )


class CloseGroupForm(forms.Form):
    closing_note = forms.CharField(
        label=_("Closing note"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What was achieved and how it is anchored in everyday work."),
        error_messages={"required": _("Write what the group achieved and how it is anchored before closing it.")},
    )


class ReportForm(forms.Form):
    progress = forms.CharField(
        label=_("Progress on the assignment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What the group did and achieved since its last report, against its assignment and result. "
            "Needed to submit the report."
        ),
    )
    goals_progress = forms.CharField(
        label=_("Contribution to the partnership's goals"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "How the work moved the partnership's goals linked to this group, with figures where you have them."
        ),
    )
    obstacles = forms.CharField(label=_("Obstacles"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    needs = forms.CharField(
        label=_("What the group needs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("From the steering group or the partners: people, money, a decision."),
    )
    next_steps = forms.CharField(
        label=_("Next steps"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed to submit the report."),
    )


class DecisionForm(forms.Form):
    decision = forms.CharField(
        label=_("Decision or response of the steering group"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write the decision or response of the steering group.")},
    )


class ActionRowForm(forms.Form):
    """One action agreed with the decision; a row left empty is no action."""

    title = forms.CharField(label=_("Action"), max_length=300, required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    due_on = date_field(_("Due date"), required=False)

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "owner", member_users(partnership))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        title = (data.get("title") or "").strip()
        if not title and (data.get("owner") or data.get("due_on")):
            self.add_error("title", _("Describe the action, or leave its owner and due date empty."))
        if title and not data.get("owner"):
            self.add_error("owner", _("Choose who owns the action."))
        if title and not data.get("due_on"):
            self.add_error("due_on", _("Give the action a due date."))
        return data


ActionRowFormSet = forms.formset_factory(ActionRowForm, extra=3, max_num=10, validate_max=True)


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    due_on = date_field(_("Due date"), required=False)
    group = forms.ModelChoiceField(
        label=_("Group"),
        queryset=Group.objects.none(),
        required=False,
        help_text=_("The group the action belongs to, if any."),
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "owner", member_users(partnership))
        _choices(self, "group", partnership.groups.open().order_by("kind", "name"))


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)


REPORT_STATES = [
    ("", _("All")),
    ("overdue", _("Overdue")),
    ("due", _("Due")),
    ("submitted", _("Submitted, awaiting a decision")),
    ("answered", _("Answered")),
]


class ReportFilterForm(forms.Form):
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=Group.objects.none(), required=False, empty_label=_("All groups")
    )
    state = forms.ChoiceField(label=_("Status"), choices=REPORT_STATES, required=False)

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "group", partnership.groups.exclude(kind=GroupKind.STEERING).order_by("kind", "name"))


ACTION_SHOW = [
    ("open", _("Open")),
    ("done", _("Done or dropped")),
    ("all", _("All")),
]


class ActionFilterForm(forms.Form):
    show = forms.ChoiceField(label=_("Show"), choices=ACTION_SHOW, required=False)
    mine = forms.BooleanField(label=_("Only my actions"), required=False)

"""Forms of the stakeholder map. They parse input; the services check it, so a form is a plain
``Form`` with the model's labels and choices (``fields_for_model``), not a ``ModelForm`` that
would validate half the rules a second time and show them away from their fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.forms.models import fields_for_model, model_to_dict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from werkplaats.core.forms import date_field
from werkplaats.organisations.models import Organisation, OrganisationKind
from werkplaats.partnerships.models import Partnership, PartnershipMember

from .models import Relation, Stakeholder, Tension

INFLUENCE_CHOICES = [
    (1, _("1 - hardly any")),
    (2, _("2 - little")),
    (3, _("3 - some")),
    (4, _("4 - much")),
    (5, _("5 - decisive")),
]
INTEREST_CHOICES = [
    (1, _("1 - hardly any")),
    (2, _("2 - little")),
    (3, _("3 - some")),
    (4, _("4 - much")),
    (5, _("5 - very high")),
]


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        member: PartnershipMember = obj
        if member.partner is not None:
            return f"{member.user} ({member.partner.organisation.name})"
        return str(member.user)


def _model_fields(form: forms.Form, model: type, names: list[str], **kwargs: Any) -> None:
    form.fields.update(fields_for_model(model, fields=names, **kwargs))


def _scale(label: Any, help_text: Any, choices: list[tuple[int, Any]]) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=[("", "—"), *choices],
        coerce=int,
        error_messages={"invalid_choice": _("Choose a value from 1 to 5.")},
    )


STAKEHOLDER_FIELDS = [
    "name",
    "kind",
    "organisation",
    "interests",
    "influence",
    "interest",
    "stance",
    "engagement",
    "desired_engagement",
    "owner",
]


class StakeholderForm(forms.Form):
    def __init__(
        self, *args: Any, partnership: Partnership, stakeholder: Stakeholder | None = None, **kwargs: Any
    ) -> None:
        if stakeholder is not None:
            kwargs.setdefault("initial", model_to_dict(stakeholder, fields=STAKEHOLDER_FIELDS))
        super().__init__(*args, **kwargs)
        _model_fields(self, Stakeholder, STAKEHOLDER_FIELDS, widgets={"interests": forms.Textarea(attrs={"rows": 4})})
        influence, interest = Stakeholder._meta.get_field("influence"), Stakeholder._meta.get_field("interest")
        self.fields["influence"] = _scale(influence.verbose_name.capitalize(), influence.help_text, INFLUENCE_CHOICES)
        self.fields["interest"] = _scale(interest.verbose_name.capitalize(), interest.help_text, INTEREST_CHOICES)
        # An organisation is usually a partner, or a school, municipality, UWV, SBB… rather than
        # one of the many employers; an employer that is a partner is on the list.
        partners = partnership.partners.active().values("organisation_id")
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)
        organisation.queryset = (
            Organisation.objects.active()
            .filter(Q(pk__in=partners) | ~Q(kind=OrganisationKind.EMPLOYER))
            .order_by("name")
        )
        self.fields["owner"] = OwnerChoiceField(
            label=_("Relation owner"),
            help_text=Stakeholder._meta.get_field("owner").help_text,
            queryset=partnership.members.active()
            .select_related("user", "partner__organisation")
            .order_by("user__name", "user__email"),
            required=False,
        )


class StakeholderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _stakeholder_field(label: Any, partnership: Partnership) -> StakeholderChoiceField:
    return StakeholderChoiceField(
        label=label,
        queryset=Stakeholder.objects.active().filter(partnership=partnership).order_by("name", "id"),
        error_messages={"invalid_choice": _("Choose a stakeholder on this map.")},
    )


class RelationForm(forms.Form):
    def __init__(self, *args: Any, partnership: Partnership, relation: Relation | None = None, **kwargs: Any) -> None:
        if relation is not None:
            kwargs.setdefault("initial", model_to_dict(relation, fields=["source", "target", "kind", "note"]))
        super().__init__(*args, **kwargs)
        self.fields["source"] = _stakeholder_field(pgettext_lazy("stakeholder relation", "From"), partnership)
        _model_fields(self, Relation, ["kind"])
        self.fields["target"] = _stakeholder_field(pgettext_lazy("stakeholder relation", "To"), partnership)
        _model_fields(self, Relation, ["note"], widgets={"note": forms.Textarea(attrs={"rows": 3})})


TENSION_FIELDS = ["first", "second", "title", "note", "status", "raised_on", "resolved_on"]


class TensionForm(forms.Form):
    def __init__(self, *args: Any, partnership: Partnership, tension: Tension | None = None, **kwargs: Any) -> None:
        if tension is not None:
            kwargs.setdefault("initial", model_to_dict(tension, fields=TENSION_FIELDS))
        super().__init__(*args, **kwargs)
        self.fields["first"] = _stakeholder_field(pgettext_lazy("stakeholder tension", "Between"), partnership)
        self.fields["second"] = _stakeholder_field(pgettext_lazy("stakeholder tension", "And"), partnership)
        _model_fields(self, Tension, ["title", "note", "status"], widgets={"note": forms.Textarea(attrs={"rows": 4})})
        self.fields["raised_on"] = date_field(_("Noticed on"), initial=timezone.localdate)
        self.fields["resolved_on"] = date_field(
            _("Resolved on"),
            required=False,
            help_text=_("When the status is resolved; today if you leave it empty."),
        )


class MapForm(forms.Form):
    """The map's choice of an earlier date to compare with (from the query string)."""

    since = date_field(
        _("Compare with"),
        required=False,
        help_text=_("Show where each stakeholder stood at the end of this day, and how it moved since."),
    )

    def clean_since(self) -> Any:
        since = self.cleaned_data.get("since")
        if since is not None and since >= timezone.localdate():
            raise forms.ValidationError(_("Choose a date before today."))
        return since

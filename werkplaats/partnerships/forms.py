from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from werkplaats.accounts.models import User
from werkplaats.core.forms import ModelMultipleChoiceField, date_field
from werkplaats.organisations.models import Organisation, Region

from .models import Level, MemberRole, Partner, Partnership, PartnershipKind, PartnershipMember, Perspective


def _choices(form: forms.BaseForm, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class PartnershipForm(forms.ModelForm):
    started_on = date_field(_("started on"), required=False)

    class Meta:
        model = Partnership
        fields = ["name", "kind", "regions", "vision", "ambition", "started_on"]
        widgets = {
            "regions": forms.CheckboxSelectMultiple,
            "vision": forms.Textarea(attrs={"rows": 4}),
            "ambition": forms.Textarea(attrs={"rows": 4}),
        }


class FoundPartnershipForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        help_text=_("Your organisation becomes the first partner; you become the partnership's manager."),
    )
    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=PartnershipKind.choices)
    regions = ModelMultipleChoiceField(
        label=_("labour-market regions"),
        queryset=Region.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    vision = forms.CharField(label=_("vision"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    ambition = forms.CharField(label=_("shared ambition"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    started_on = date_field(_("started on"), required=False)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "organisation", organisations)


class PartnerForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("organisation"), queryset=Organisation.objects.none())
    contribution = forms.CharField(
        label=_("contribution"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the organisation brings to the partnership and wants from it."),
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "organisation", organisations)


class MemberForm(forms.Form):
    user: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("person"),
        queryset=User.objects.none(),  # set per form: the candidates
        help_text=_("People who work for one of the partner organisations."),
    )
    partner = forms.ModelChoiceField(label=_("represents"), queryset=Partner.objects.none(), required=False)
    role = forms.ChoiceField(
        label=_("role in the partnership"), choices=MemberRole.choices, initial=MemberRole.INTERNAL
    )
    level = forms.ChoiceField(label=_("level"), choices=[("", "—"), *Level.choices], required=False)
    perspective = forms.ChoiceField(
        label=_("perspective"),
        choices=[("", _("from the organisation")), *Perspective.choices],
        required=False,
        help_text=_("Health-scan results are split by perspective."),
    )
    position = forms.CharField(label=_("position"), max_length=150, required=False)

    def __init__(self, *args: Any, people: list[Any], partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "user", User.objects.filter(pk__in=[p.pk for p in people]).order_by("name", "email"))
        _choices(self, "partner", partnership.partners.active().select_related("organisation"))


class MemberChangeForm(forms.ModelForm):
    class Meta:
        model = PartnershipMember
        fields = ["partner", "role", "level", "perspective", "position"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "partner", self.instance.partnership.partners.active().select_related("organisation"))

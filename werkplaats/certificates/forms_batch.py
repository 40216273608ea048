from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from werkplaats.core.forms import date_field
from werkplaats.organisations.models import Organisation

from .batches import MAX_BATCH_SIZE


class SchoolChoiceForm(forms.Form):
    """For school staff of several schools: a batch holds the trajectories of one."""

    school = forms.TypedChoiceField(label=_("School"), coerce=int)

    def __init__(self, *args: Any, schools: Iterable[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—"), *((school.pk, school.name) for school in schools)]


class BatchForm(forms.Form):
    trajectories = forms.TypedMultipleChoiceField(
        label=_("Trajectories"),
        coerce=int,
        error_messages={
            "required": _("Select at least one trajectory."),
            # Also for a trajectory of another school or someone's typing: say nothing about it.
            "invalid_choice": _(
                "One of the selected trajectories cannot be issued from this list: it is not, or no longer, "
                "ready for a praktijkverklaring at this school. Look at the list again and select."
            ),
        },
    )
    issued_on = date_field(_("Date of issue"), help_text=_("The same for every praktijkverklaring of the batch."))

    def __init__(self, *args: Any, ready_ids: Iterable[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["trajectories"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(pk, str(pk)) for pk in ready_ids]
        self.fields["issued_on"].initial = timezone.localdate()

    def clean_trajectories(self) -> list[int]:
        ids = list(dict.fromkeys(self.cleaned_data["trajectories"]))
        if len(ids) > MAX_BATCH_SIZE:
            raise ValidationError(
                ngettext_lazy(
                    "A batch holds at most %(max)d trajectory; select fewer and issue the others in another batch.",
                    "A batch holds at most %(max)d trajectories; select fewer and issue the others in another batch.",
                    "max",
                ),
                params={"max": MAX_BATCH_SIZE},
            )
        return ids

    def clean_issued_on(self) -> datetime.date:
        issued_on: datetime.date = self.cleaned_data["issued_on"]
        if issued_on > timezone.localdate():
            raise ValidationError(_("The date of issue cannot be in the future."))
        return issued_on

    def selected(self) -> set[str]:
        """The ids ticked in the submitted form, to tick them again when it is shown with an error."""
        return set(self.data.getlist("trajectories")) if self.is_bound and hasattr(self.data, "getlist") else set()

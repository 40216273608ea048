"""What the trajectory routes share: fetching through ``visible_to``, the interface's forms as the
validation of request bodies, and a service's refusal as a problem answer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Organisation
from werkplaats.trajectories.models import Trajectory

from ..auth import acting_user
from ..problems import ApiProblem

# A key no row has: a reference that names nothing reaches the form as a choice it refuses,
# with the form's own message.
NO_SUCH_ROW = "-1"


def visible_trajectory(request: HttpRequest, pk: int) -> Trajectory:
    """The trajectory ``pk`` if the token may see it, else a 404 (as ``views.visible_trajectory``)."""
    return get_object_or_404(Trajectory.objects.visible_to(acting_user(request)).for_page(), pk=pk)


def organisation_key(slug: str | None) -> str:
    """The form value for the organisation with ``slug``: its key, or one no row has."""
    if not slug:
        return ""
    pk = Organisation.objects.filter(slug=slug).values_list("pk", flat=True).first()
    return str(pk) if pk is not None else NO_SUCH_ROW


def person_key(email: str | None) -> str:
    """The form value for the person with e-mail address ``email``."""
    if not email or not email.strip():
        return ""
    pk = User.objects.filter(email__iexact=email.strip()).values_list("pk", flat=True).first()
    return str(pk) if pk is not None else NO_SUCH_ROW


def form_value(value: Any) -> str:
    """A schema value as a browser would send it to the form."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(getattr(value, "value", value))


def validated(form: forms.BaseForm) -> dict[str, Any]:
    """The form's cleaned data, or a 400 naming each field the form refused, with its message."""
    if not form.is_valid():
        raise ValidationError(
            {
                (NON_FIELD_ERRORS if name == NON_FIELD_ERRORS else name): errors
                for name, errors in form.errors.as_data().items()
            }
        )
    return form.cleaned_data


def refusal(exc: ValidationError, *, status: int = 409) -> Exception:
    """A service's ValidationError as the API answers it. Errors that name a field are bad input
    (400, with the fields); a refusal because of the state of things (a guard, or a change made
    since the client looked) is a ``status`` (409) with the service's messages."""
    if hasattr(exc, "error_dict"):
        return exc
    messages = exc.messages
    code = getattr(exc, "code", None) or next((e.code for e in exc.error_list if e.code), None) or "refused"
    return ApiProblem(
        status,
        " ".join(messages),
        errors=[{"in": "body", "field": "", "pointer": "", "code": code, "message": m} for m in messages],
    )

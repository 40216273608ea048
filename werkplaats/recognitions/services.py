"""Writes to the recognition register, and the single rule later guards call."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Organisation, OrganisationKind, Role

from .models import Recognition
from .registry import get_registry

MANAGING_ROLES = (Role.COORDINATOR, Role.SCHOOL_STAFF)


def is_recognised(employer: Organisation, qualification: Any, *, on: datetime.date) -> bool:
    """Is ``employer`` an erkend leerbedrijf for ``qualification`` (a Qualification or a crebo)
    on the day ``on``? The one rule every placement guard uses."""
    crebo = qualification if isinstance(qualification, str) else qualification.crebo
    return get_registry().is_recognised(employer, crebo, on)


def can_manage_recognitions(user: Any, employer: Organisation) -> bool:
    """Coordinators of the employer's region and school staff in that region keep the register."""
    access = get_access(user)
    if access.is_platform_admin:
        return True
    if employer.region_id is None:
        return False
    return employer.region_id in access.region_ids(*MANAGING_ROLES)


# --- Dependents: who must hear about a withdrawal ----------------------------------------------


@dataclass(frozen=True)
class Dependent:
    """Something that relies on a recognition (an open trajectory), and the people responsible."""

    description: str
    url: str
    recipients: tuple[Any, ...]


DependentsProvider = Callable[[Recognition, datetime.date], Iterable[Dependent]]
_providers: list[DependentsProvider] = []


def register_dependents_provider(provider: DependentsProvider) -> DependentsProvider:
    """Apps whose records depend on recognitions (trajectories) register a provider here."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def dependents_of(recognition: Recognition, from_date: datetime.date) -> list[Dependent]:
    return [d for provider in _providers for d in provider(recognition, from_date)]


@transaction.atomic
def withdraw_recognition(recognition: Recognition, *, end_date: datetime.date, reason: str, by: Any) -> list[Dependent]:
    """End a recognition on ``end_date`` and warn the people responsible for whatever depends
    on it. Returns the dependents that were warned."""
    if not can_manage_recognitions(by, recognition.employer):
        raise PermissionDenied
    recognition = Recognition.objects.select_for_update().select_related("employer").get(pk=recognition.pk)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the recognition is withdrawn.")})
    if end_date < recognition.start_date:
        raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
    recognition.end_date = end_date
    recognition.withdrawn_at = timezone.now()
    recognition.withdrawal_reason = reason.strip()
    recognition.save(update_fields=["end_date", "withdrawn_at", "withdrawal_reason", "updated_at"])
    dependents = dependents_of(recognition, end_date + datetime.timedelta(days=1))
    if dependents:
        from werkplaats.notifications.services import notify

        first_day = end_date + datetime.timedelta(days=1)
        for dependent in dependents:

            def message(dependent: Dependent = dependent) -> str:
                return _("%(employer)s is no longer recognised for crebo %(crebo)s from %(date)s: %(what)s") % {
                    "employer": recognition.employer.name,
                    "crebo": recognition.crebo,
                    "date": first_day.strftime("%d-%m-%Y"),
                    "what": dependent.description,
                }

            notify(
                dependent.recipients,
                message=message,
                url=dependent.url,
                key=f"recognition-withdrawn:{recognition.pk}:{dependent.url}",
            )
    return dependents


def check_employer(organisation: Organisation) -> None:
    if organisation.kind != OrganisationKind.EMPLOYER:
        raise ValidationError({"employer": _("Only employers can be recognised as learning companies.")})

"""Logging, changing and removing the successes members celebrate."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from werkplaats.partnerships.access import PartnershipAccess
from werkplaats.partnerships.models import Group, Partnership

from .models import Success


def may_change(pa: PartnershipAccess, success: Success) -> bool:
    """Who added a success may change or remove it, and so may the partnership's manager."""
    return pa.is_manager or (success.created_by_id is not None and success.created_by_id == pa.user_id)


def _check(partnership: Partnership, *, title: str, happened_on: datetime.date, group: Group | None) -> str:
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Say in a few words what the success is.")
    if happened_on > timezone.localdate():
        errors["happened_on"] = _("A success is something that has happened: choose today or an earlier date.")
    if group is not None and group.partnership_id != partnership.pk:
        errors["group"] = _("Choose one of the partnership's groups.")
    if errors:
        raise ValidationError(errors)
    return title


@transaction.atomic
def log_success(
    partnership: Partnership,
    *,
    by: Any,
    title: str,
    happened_on: datetime.date,
    description: str = "",
    group: Group | None = None,
) -> Success:
    title = _check(partnership, title=title, happened_on=happened_on, group=group)
    return Success.objects.create(
        partnership=partnership,
        title=title,
        description=description.strip(),
        happened_on=happened_on,
        group=group,
        created_by=by,
    )


@transaction.atomic
def change_success(
    success: Success,
    *,
    title: str,
    happened_on: datetime.date,
    description: str = "",
    group: Group | None = None,
) -> Success:
    success = Success.objects.select_for_update().get(pk=success.pk)
    success.title = _check(success.partnership, title=title, happened_on=happened_on, group=group)
    success.description = description.strip()
    success.happened_on = happened_on
    success.group = group
    success.save(update_fields=["title", "description", "happened_on", "group", "updated_at"])
    return success


@transaction.atomic
def remove_success(success: Success) -> None:
    Success.objects.filter(pk=success.pk).delete()

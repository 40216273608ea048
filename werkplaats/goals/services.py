"""Setting goals and indicators, and entering measured values."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from werkplaats.partnerships.access import PartnershipAccess
from werkplaats.partnerships.models import Group, Partnership

from .metrics import METRICS
from .models import Direction, Goal, Indicator, IndicatorSource, IndicatorValue


def can_enter_values(pa: PartnershipAccess, goal: Goal) -> bool:
    """The manager, and the members of the groups linked to the goal (they report against it).
    Uses the goal's prefetched groups when there are."""
    return pa.is_manager or any(pa.in_group(group) for group in goal.groups.all())


def _check_groups(partnership: Partnership, groups: Iterable[Group]) -> list[Group]:
    groups = list(groups)
    if any(group.partnership_id != partnership.pk for group in groups):
        raise ValidationError({"groups": _("Choose groups of this partnership.")})
    return groups


def _check_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Give the goal a title.")})
    return title


@transaction.atomic
def create_goal(
    partnership: Partnership,
    *,
    by: Any,
    title: str,
    description: str = "",
    groups: Iterable[Group] = (),
    order: int = 0,
) -> Goal:
    chosen = _check_groups(partnership, groups)
    goal = Goal.objects.create(
        partnership=partnership,
        title=_check_title(title),
        description=description.strip(),
        order=order,
        created_by=by,
    )
    goal.groups.set(chosen)
    return goal


@transaction.atomic
def update_goal(goal: Goal, *, title: str, description: str = "", groups: Iterable[Group] = (), order: int = 0) -> Goal:
    chosen = _check_groups(goal.partnership, groups)
    goal.title = _check_title(title)
    goal.description = description.strip()
    goal.order = order
    goal.save(update_fields=["title", "description", "order"])
    goal.groups.set(chosen)
    return goal


@transaction.atomic
def delete_goal(goal: Goal) -> None:
    goal.delete()


def _period_text(start: datetime.date, end: datetime.date) -> str:
    return _("%(start)s to %(end)s") % {"start": date_format(start, "j F Y"), "end": date_format(end, "j F Y")}


@transaction.atomic
def save_indicator(
    goal: Goal,
    *,
    indicator: Indicator | None = None,
    name: str,
    source: str,
    target: Decimal,
    period_start: datetime.date,
    period_end: datetime.date,
    direction: str = Direction.HIGHER,
    unit: str = "",
    cumulative: bool = False,
    order: int = 0,
) -> Indicator:
    """Add an indicator to ``goal``, or change ``indicator``. A computed indicator grows as its
    metric does (and shows its metric's unit when none is given); an entered one keeps its
    values inside its period."""
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Name the indicator.")]
    if source not in IndicatorSource.values:
        errors["source"] = [_("Choose where the value comes from.")]
    if direction not in Direction.values:
        errors["direction"] = [_("Choose whether higher or lower is better.")]
    if period_end < period_start:
        errors["period_end"] = [_("The end of the period cannot be before its start.")]
    if indicator is not None and indicator.goal_id != goal.pk:
        raise ValueError("The indicator belongs to another goal.")
    if indicator is not None and not errors:
        values = indicator.values.all()
        if source != IndicatorSource.ENTERED and values.exists():
            errors["source"] = [_("This indicator has entered values. Remove them before computing it instead.")]
        elif values.exclude(measured_on__range=(period_start, period_end)).exists():
            errors["period_start"] = [
                _("Some entered values fall outside %(period)s. Remove them or choose a longer period.")
                % {"period": _period_text(period_start, period_end)}
            ]
    if errors:
        raise ValidationError(errors)
    metric = METRICS.get(source)
    if indicator is None:
        indicator = Indicator(goal=goal)
    indicator.name = name.strip()
    indicator.source = source
    indicator.unit = unit.strip()  # empty for a computed one: its metric's unit, in the reader's language
    indicator.target = target
    indicator.direction = direction
    indicator.cumulative = metric.cumulative if metric is not None else cumulative
    indicator.period_start = period_start
    indicator.period_end = period_end
    indicator.order = order
    indicator.full_clean(exclude=["goal"])
    indicator.save()
    return indicator


@transaction.atomic
def delete_indicator(indicator: Indicator) -> None:
    indicator.delete()


@transaction.atomic
def enter_value(
    indicator: Indicator,
    *,
    by: Any,
    value: Decimal,
    measured_on: datetime.date,
    source: str = "",
    today: datetime.date | None = None,
) -> IndicatorValue:
    """Record a value of an entered indicator as measured on ``measured_on``."""
    today = today or timezone.localdate()
    if not indicator.is_entered:
        raise ValidationError(_("The value of this indicator is computed; it cannot be entered."))
    # Serialise entries for one indicator, so two people entering the same day get a message.
    Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
    errors: dict[str, list[str]] = {}
    if not indicator.period_start <= measured_on <= indicator.period_end:
        errors["measured_on"] = [
            _("Choose a date in the indicator's period, %(period)s.")
            % {"period": _period_text(indicator.period_start, indicator.period_end)}
        ]
    elif measured_on > today:
        errors["measured_on"] = [_("A value cannot be measured in the future.")]
    elif indicator.values.filter(measured_on=measured_on).exists():
        errors["measured_on"] = [_("There is already a value for this date. Remove it first to correct it.")]
    if errors:
        raise ValidationError(errors)
    return IndicatorValue.objects.create(
        indicator=indicator, value=value, measured_on=measured_on, source=source.strip(), entered_by=by
    )


@transaction.atomic
def delete_value(value: IndicatorValue) -> None:
    value.delete()

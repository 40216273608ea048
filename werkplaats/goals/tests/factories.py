"""Goals and indicators for tests."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from werkplaats.goals.models import Goal, Indicator, IndicatorSource, IndicatorValue
from werkplaats.partnerships.models import Group, Partnership


def this_year() -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    return today.replace(month=1, day=1), today.replace(month=12, day=31)


def goal(partnership: Partnership, *groups: Group, **fields: Any) -> Goal:
    fields.setdefault("title", f"Doel {Goal.objects.count() + 1}")
    created = Goal.objects.create(partnership=partnership, **fields)
    created.groups.set(groups)
    return created


def indicator(parent: Goal, source: str = IndicatorSource.ENTERED, **fields: Any) -> Indicator:
    start, end = this_year()
    fields.setdefault("name", f"Indicator {Indicator.objects.count() + 1}")
    fields.setdefault("target", Decimal(40))
    fields.setdefault("period_start", start)
    fields.setdefault("period_end", end)
    return Indicator.objects.create(goal=parent, source=source, **fields)


def value(parent: Indicator, amount: str, on: datetime.date, **fields: Any) -> IndicatorValue:
    return IndicatorValue.objects.create(indicator=parent, value=Decimal(amount), measured_on=on, **fields)

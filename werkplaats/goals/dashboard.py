"""The goals panel of the partnership's overview: every indicator's value, target and status."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from werkplaats.partnerships.access import PartnershipAccess

from .models import Goal, Indicator
from .progress import Judgement, readings


def panel(pa: PartnershipAccess) -> dict[str, Any] | None:
    """Three queries for the goals, indicators and entered values, two for the scope and a few
    per computed metric in use; none per goal or indicator."""
    goals = list(
        Goal.objects.filter(partnership=pa.partnership).prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.prefetch_related("values"))
        )
    )
    found = readings(pa.partnership, [i for goal in goals for i in goal.indicators.all()])
    rows = [(goal, found[i.pk]) for goal in goals for i in goal.indicators.all()]
    return {
        "rows": rows,
        "met": sum(1 for _goal, r in rows if r.status == Judgement.MET),
        "behind": sum(1 for _goal, r in rows if r.status == Judgement.BEHIND),
    }

"""The outcome figures of the partnership's overview: this year so far, from platform data,
beside the latest health scan (how the partnership works beside what it achieves)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from werkplaats.partnerships.access import PartnershipAccess

from .metrics import METRICS, Evaluator, Scope
from .models import IndicatorSource

FIGURES = [
    IndicatorSource.CERTIFICATES_ISSUED,
    IndicatorSource.TRAJECTORIES_STARTED,
    IndicatorSource.MEDIAN_LEAD_TIME,
    IndicatorSource.WITHIN_SIX_MONTHS,
]


def panel(pa: PartnershipAccess, *, today: datetime.date | None = None) -> dict[str, Any] | None:
    """The figures from 1 January through today; None when the partnership has no regions or
    partner schools to count in."""
    scope = Scope.of(pa.partnership)
    if scope.is_empty:
        return None
    today = today or timezone.localdate()
    start = today.replace(month=1, day=1)
    evaluator = Evaluator(scope, today=today)
    evaluator.prepare((key, start, today) for key in FIGURES)
    return {
        "start": start,
        "today": today,
        # (label, value, unit): counts say what they count in their label, so only days and
        # percentages carry a unit.
        "figures": [
            (
                METRICS[key].label,
                evaluator.value(key, start, today),
                METRICS[key].unit
                if key in (IndicatorSource.MEDIAN_LEAD_TIME, IndicatorSource.WITHIN_SIX_MONTHS)
                else "",
            )
            for key in FIGURES
        ],
    }

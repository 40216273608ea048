"""Where each indicator stands: its current value against its target, and how it got there.

``readings`` reads the indicators of one partnership in a fixed number of queries: the entered
values come with the indicators (``prefetch_related("values")``), the computed ones from one
``metrics.Evaluator`` that fetches each metric once for all periods.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from werkplaats.partnerships.models import Partnership

from .metrics import METRICS, Evaluator, Metric, Point, Scope
from .models import Direction, Indicator


class Judgement(models.TextChoices):
    MET = "met", _("met")
    ON_TRACK = "on_track", _("on track")
    BEHIND = "behind", _("behind")
    NO_DATA = "no_data", _("no value yet")
    NOT_STARTED = "not_started", _("period not started")


# The shared status classes of static/css/partnerships.css.
STATUS_CLASS: dict[str, str] = {
    Judgement.MET: "werkplaats-status--done",
    Judgement.ON_TRACK: "werkplaats-status--open",
    Judgement.BEHIND: "werkplaats-status--late",
}


def elapsed_share(start: datetime.date, end: datetime.date, today: datetime.date) -> Decimal:
    """The part of the period from ``start`` through ``end`` that has passed by the end of ``today``."""
    if today < start:
        return Decimal(0)
    if today >= end:
        return Decimal(1)
    return Decimal((today - start).days + 1) / Decimal((end - start).days + 1)


def expected_by(target: Decimal, start: datetime.date, end: datetime.date, today: datetime.date) -> Decimal:
    """For a count that grows during the period: how far it should be by ``today`` to reach the
    target at the end, going at an even pace."""
    return (target * elapsed_share(start, end, today)).quantize(Decimal("0.1"))


def judge(
    *,
    value: Decimal | None,
    target: Decimal,
    direction: str,
    cumulative: bool,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date,
    as_of: datetime.date | None = None,
) -> str:
    """Met, on track or behind, on ``today`` for a value measured on ``as_of`` (default: today).

    - Met: the value reaches the target, and that cannot change any more: the period is over,
      or it is a count that only grows and the target is a minimum.
    - On track: the period runs and the value is where it should be: at the target (for a value
      that can still move either way), or, for a growing count, at least the part of the target
      that belongs to the part of the period that had passed when it was measured.
    - Behind: otherwise.
    """
    if today < start:
        return Judgement.NOT_STARTED
    if value is None:
        return Judgement.NO_DATA
    higher = direction == Direction.HIGHER
    meets = value >= target if higher else value <= target
    finished = today >= end
    if meets:
        return Judgement.MET if finished or (cumulative and higher) else Judgement.ON_TRACK
    if finished or not cumulative or not higher:
        return Judgement.BEHIND
    return Judgement.ON_TRACK if value >= expected_by(target, start, end, as_of or today) else Judgement.BEHIND


@dataclass(frozen=True)
class Reading:
    indicator: Indicator
    metric: Metric | None
    value: Decimal | None
    as_of: datetime.date | None  # the day the value is for
    status: str
    points: Sequence[Point]  # per month (computed) or per entered value; only when asked for
    expected: Decimal | None  # for a growing count in a running period: where it should be on ``as_of``

    @property
    def unit(self) -> str:
        if self.indicator.unit:
            return self.indicator.unit
        return str(self.metric.unit) if self.metric is not None else ""

    @property
    def status_label(self) -> str:
        return str(Judgement(self.status).label)

    @property
    def status_class(self) -> str:
        return STATUS_CLASS.get(self.status, "")

    @property
    def cumulative(self) -> bool:
        return self.metric.cumulative if self.metric is not None else self.indicator.cumulative

    @property
    def definition(self) -> str:
        return str(self.metric.definition) if self.metric is not None else ""


def _entered(
    indicator: Indicator, today: datetime.date, *, series: bool
) -> tuple[Decimal | None, datetime.date | None, list[Point]]:
    values = sorted(indicator.values.all(), key=lambda v: (v.measured_on, v.pk))  # prefetched
    known = [v for v in values if v.measured_on <= today]
    points = [Point(on=v.measured_on, value=v.value) for v in values] if series else []
    if not known:
        return None, None, points
    return known[-1].value, known[-1].measured_on, points


def readings(
    partnership: Partnership,
    indicators: Iterable[Indicator],
    *,
    today: datetime.date | None = None,
    series: bool = False,
    scope: Scope | None = None,
) -> dict[int, Reading]:
    """Each indicator's reading, by its id. Indicators must come with their values prefetched.

    Two queries for the scope, and a few per computed metric in use (not per indicator)."""
    today = today or timezone.localdate()
    indicators = list(indicators)
    computed = [i for i in indicators if not i.is_entered and i.source in METRICS and i.period_start <= today]
    evaluator: Evaluator | None = None
    if computed:
        evaluator = Evaluator(scope or Scope.of(partnership), today=today)
        evaluator.prepare((i.source, i.period_start, min(i.period_end, today)) for i in computed)
    result = {}
    for indicator in indicators:
        metric = METRICS.get(indicator.source)
        as_of: datetime.date | None = min(indicator.period_end, today)
        points: list[Point] = []
        if indicator.period_start > today:
            value, as_of = None, None
        elif metric is None:
            value, as_of, points = _entered(indicator, today, series=series)
        else:
            assert evaluator is not None and as_of is not None
            value = evaluator.value(indicator.source, indicator.period_start, as_of)
            if series:
                points = evaluator.series(indicator.source, indicator.period_start, as_of)
        cumulative = metric.cumulative if metric is not None else indicator.cumulative
        running = indicator.period_start <= today < indicator.period_end
        expected = None
        if cumulative and running and as_of is not None and indicator.direction == Direction.HIGHER:
            expected = expected_by(indicator.target, indicator.period_start, indicator.period_end, as_of)
        result[indicator.pk] = Reading(
            indicator=indicator,
            metric=metric,
            value=value,
            as_of=as_of,
            status=judge(
                value=value,
                target=indicator.target,
                direction=indicator.direction,
                cumulative=cumulative,
                start=indicator.period_start,
                end=indicator.period_end,
                today=today,
                as_of=as_of,
            ),
            points=points,
            expected=expected,
        )
    return result

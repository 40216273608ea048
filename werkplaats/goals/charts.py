"""The geometry of a progress chart: an indicator's values over its period and its target, as
coordinates for a server-rendered SVG (no JavaScript). Plain Python, no Django."""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH = 640
HEIGHT = 260
LEFT = 64
RIGHT = 24
TOP = 16
BOTTOM = 44
MAX_X_TICKS = 12


@dataclass(frozen=True)
class Tick:
    at: float  # x or y in the SVG
    label: str
    day: datetime.date | None = None  # for an x tick: the template formats the month


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    day: datetime.date
    value: Decimal


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: float  # x of the plot's right edge
    top: int
    bottom: float  # y of the plot's bottom edge (the x axis)
    line: str  # the polyline's points
    dots: list[Dot]
    target_y: float
    y_ticks: list[Tick]
    x_ticks: list[Tick]

    @property
    def y_label_x(self) -> int:
        return self.left - 6

    @property
    def tick_end_y(self) -> float:
        return self.bottom + 4

    @property
    def month_label_y(self) -> float:
        return self.bottom + 18

    @property
    def year_label_y(self) -> float:
        return self.bottom + 34

    @property
    def target_label_y(self) -> float:
        """Just above the target line, or just below it when it runs along the top."""
        return self.target_y - 6 if self.target_y - 6 > self.top + 8 else self.target_y + 16


def nice_step(span: float, intervals: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) that divides ``span`` in about ``intervals``."""
    if span <= 0:
        return 1.0
    raw = span / intervals
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power  # pragma: no cover


def _label(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def line_chart(
    points: Sequence[tuple[datetime.date, Decimal | None]],
    *,
    target: Decimal,
    start: datetime.date,
    end: datetime.date,
) -> Chart:
    """Values at their dates across the period from ``start`` to ``end``, with the target as a
    horizontal line. Points without a value are left out of the line."""
    known = [(day, value) for day, value in points if value is not None]
    numbers = [float(v) for _d, v in known] + [float(target), 0.0]
    low, high = min(numbers), max(numbers)
    step = nice_step(high - low)
    low = math.floor(low / step) * step
    high = math.ceil(high / step) * step
    if high == low:
        high = low + step
    plot_right = WIDTH - RIGHT
    plot_bottom = HEIGHT - BOTTOM
    days = max((end - start).days, 1)

    def x(day: datetime.date) -> float:
        return round(LEFT + (plot_right - LEFT) * (day - start).days / days, 1)

    def y(number: float) -> float:
        return round(plot_bottom - (plot_bottom - TOP) * (number - low) / (high - low), 1)

    dots = [Dot(x(day), y(float(value)), day, value) for day, value in known]
    y_ticks = []
    tick = low
    while tick <= high + step / 2:
        y_ticks.append(Tick(y(tick), _label(round(tick, 6))))
        tick += step
    months = []
    month = start.replace(day=1)
    if month < start:
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    every = max(1, math.ceil(len(months) / MAX_X_TICKS))
    x_ticks = [Tick(x(m), "", m) for m in months[::every]]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=plot_right,
        top=TOP,
        bottom=plot_bottom,
        line=" ".join(f"{d.x},{d.y}" for d in dots),
        dots=dots,
        target_y=y(float(target)),
        y_ticks=y_ticks,
        x_ticks=x_ticks,
    )

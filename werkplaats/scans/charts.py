"""Geometry of the server-rendered SVG charts: a radar of the six elements and a line chart of
the trend over rounds. Templates draw them; the same figures are always in a table beside."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .stats import MINIMUM, Cell

SCALE_MAX = 5


def _fmt(value: float) -> str:
    return f"{value:.1f}"


@dataclass(frozen=True)
class Point:
    x: str
    y: str
    value: str  # the mean it stands for
    label: str = ""  # the axis (element) or round it belongs to


@dataclass(frozen=True)
class Series:
    label: str
    style: int  # the CSS modifier scans-series--N
    points: list[Point]
    legend_y: int = 0

    @property
    def path(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)


@dataclass(frozen=True)
class Axis:
    label: str
    code: str
    x: str
    y: str
    label_x: str
    label_y: str
    anchor: str


@dataclass(frozen=True)
class Radar:
    width: int
    height: int
    cx: int
    cy: int
    rings: list[tuple[int, str]]  # (value, polygon points)
    ring_labels: list[tuple[int, str, str]]  # (value, x, y)
    axes: list[Axis]
    series: list[Series]
    left_out: list[str]  # series not drawn because a cell is hidden
    legend_x: int


def radar(
    elements: Sequence[tuple[str, str]], series: Sequence[tuple[str, int, Sequence[Cell]]], *, radius: int = 150
) -> Radar:
    """``elements`` as (code, label); ``series`` as (label, style, one cell per element). Only a
    series with every cell shown is drawn: a shape with a hole would mislead."""
    cx, cy = radius + 90, radius + 40
    n = len(elements)

    def at(i: int, r: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    rings = []
    for value in range(1, SCALE_MAX + 1):
        r = radius * value / SCALE_MAX
        rings.append((value, " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in (at(i, r) for i in range(n)))))
    ring_labels = [(value, _fmt(cx + 4), _fmt(cy - radius * value / SCALE_MAX - 2)) for value in range(1, 6)]
    axes = []
    for i, (code, label) in enumerate(elements):
        x, y = at(i, radius)
        lx, ly = at(i, radius + 18)
        anchor = "middle" if abs(lx - cx) < 1 else ("start" if lx > cx else "end")
        axes.append(
            Axis(label=label, code=code, x=_fmt(x), y=_fmt(y), label_x=_fmt(lx), label_y=_fmt(ly + 4), anchor=anchor)
        )
    drawn: list[Series] = []
    left_out: list[str] = []
    for label, style, cells in series:
        if not cells or not all(c.shown and c.mean is not None for c in cells):
            left_out.append(label)
            continue
        points = []
        for i, cell in enumerate(cells):
            assert cell.mean is not None
            x, y = at(i, radius * cell.mean / SCALE_MAX)
            points.append(Point(x=_fmt(x), y=_fmt(y), value=f"{cell.mean:.1f}", label=elements[i][0]))
        drawn.append(Series(label=label, style=style, points=points, legend_y=30 + 24 * len(drawn)))
    width = 2 * cx + 200
    return Radar(
        width=width,
        height=2 * cy,
        cx=cx,
        cy=cy,
        rings=rings,
        ring_labels=ring_labels,
        axes=axes,
        series=drawn,
        left_out=left_out,
        legend_x=2 * cx + 10,
    )


@dataclass(frozen=True)
class Line:
    label: str
    code: str
    style: int
    segments: list[list[Point]]  # broken where a round's figure is hidden
    legend_y: int = 0

    @property
    def paths(self) -> list[str]:
        return [" ".join(f"{p.x},{p.y}" for p in segment) for segment in self.segments]

    @property
    def points(self) -> list[Point]:
        return [p for segment in self.segments for p in segment]


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    gridlines: list[tuple[int, str]]  # (value, y)
    ticks: list[tuple[str, str]]  # (round label, x)
    lines: list[Line]
    legend_x: int


def trend_chart(rounds: Sequence[str], lines: Sequence[tuple[str, str, Sequence[Cell]]]) -> LineChart:
    """``rounds`` as labels, oldest first; ``lines`` as (code, label, one cell per round)."""
    left, top, plot_width, plot_height = 50, 20, max(120, 110 * len(rounds)), 220
    right, bottom = left + plot_width, top + plot_height

    def x_of(i: int) -> float:
        if len(rounds) == 1:
            return left + plot_width / 2
        return left + 20 + (plot_width - 40) * i / (len(rounds) - 1)

    def y_of(value: float) -> float:
        return bottom - plot_height * (value - 1) / (SCALE_MAX - 1)

    drawn = []
    for style, (code, label, cells) in enumerate(lines):
        segments: list[list[Point]] = []
        current: list[Point] = []
        for i, cell in enumerate(cells):
            if cell.shown and cell.mean is not None:
                point = Point(x=_fmt(x_of(i)), y=_fmt(y_of(cell.mean)), value=f"{cell.mean:.1f}", label=rounds[i])
                current.append(point)
            elif current:
                segments.append(current)
                current = []
        if current:
            segments.append(current)
        drawn.append(Line(label=label, code=code, style=style, segments=segments, legend_y=top + 10 + 24 * style))
    return LineChart(
        width=right + 260,
        height=bottom + 40,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        gridlines=[(v, _fmt(y_of(v))) for v in range(1, SCALE_MAX + 1)],
        ticks=[(label, _fmt(x_of(i))) for i, label in enumerate(rounds)],
        lines=drawn,
        legend_x=right + 20,
    )


__all__ = ["MINIMUM", "LineChart", "Radar", "radar", "trend_chart"]

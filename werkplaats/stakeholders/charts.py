"""Geometry of the stakeholder map's two pictures, in plain Python: the power/interest grid and
the network diagram. The templates draw SVG from these numbers; nothing here knows Django.

Both layouts are deterministic (the same data always gives the same picture), so a map printed
last month and today's can be compared by eye.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

SCALE = 5
HIGH_FROM = 3  # the grid's dividing lines lie between 2 and 3


@dataclass(frozen=True)
class Item:
    """One stakeholder to draw: its number in the tables, its label, where it stands now and,
    when movement is shown, where it stood before (None if it was not on the map yet)."""

    number: int
    label: str
    influence: int
    interest: int
    stance: str
    kind: str
    before: tuple[int, int] | None = None  # (influence, interest)


@dataclass(frozen=True)
class Marker:
    number: int
    label: str
    x: float
    y: float
    r: float
    stance: str
    ghost: bool = False


@dataclass(frozen=True)
class Arrow:
    number: int
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Tick:
    value: int
    x: float
    y: float


@dataclass(frozen=True)
class Box:
    key: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    anchor: str
    label: str = ""


@dataclass
class Grid:
    width: int
    height: int
    left: float
    top: float
    plot_width: float
    plot_height: float
    quadrants: list[Box] = field(default_factory=list)
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)
    cell_lines: list[tuple[float, float, float, float]] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    ghosts: list[Marker] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)
    x_title: tuple[float, float] = (0.0, 0.0)
    y_title: tuple[float, float] = (0.0, 0.0)


GRID_WIDTH, GRID_HEIGHT = 660, 520
GRID_LEFT, GRID_TOP, GRID_RIGHT, GRID_BOTTOM = 70, 16, 16, 60
LABEL_BAND = 20  # room at the top of each cell for the quadrant labels


def _slots(count: int, x0: float, y0: float, width: float, height: float) -> tuple[list[tuple[float, float]], float]:
    """``count`` points spread evenly over a box, row by row, and the radius that fits them."""
    columns = max(1, math.ceil(math.sqrt(count * width / height)))
    rows = max(1, math.ceil(count / columns))
    step_x, step_y = width / columns, height / rows
    radius = max(4.0, min(12.0, 0.42 * min(step_x, step_y)))
    points = [
        (round(x0 + step_x * (i % columns + 0.5), 1), round(y0 + step_y * (i // columns + 0.5), 1))
        for i in range(count)
    ]
    return points, round(radius, 1)


def grid(items: Sequence[Item], labels: Mapping[str, str] | None = None) -> Grid:
    """The power/interest grid: interest from left to right, influence from bottom to top, in
    5 by 5 cells; the stakeholders that share a cell are spread over it by their number.
    ``labels`` names the quadrants (by key)."""
    labels = labels or {}
    plot_width = GRID_WIDTH - GRID_LEFT - GRID_RIGHT
    plot_height = GRID_HEIGHT - GRID_TOP - GRID_BOTTOM
    cell_w, cell_h = plot_width / SCALE, plot_height / SCALE
    chart = Grid(GRID_WIDTH, GRID_HEIGHT, GRID_LEFT, GRID_TOP, plot_width, plot_height)

    def cell_x(interest: int) -> float:
        return GRID_LEFT + (interest - 1) * cell_w

    def cell_y(influence: int) -> float:
        return GRID_TOP + (SCALE - influence) * cell_h

    split_x = cell_x(HIGH_FROM)
    split_y = cell_y(HIGH_FROM - 1)  # the top of the row just below the high rows
    right, bottom = GRID_LEFT + plot_width, GRID_TOP + plot_height
    pad = 6
    chart.quadrants = [
        Box("keep_satisfied", GRID_LEFT, GRID_TOP, split_x - GRID_LEFT, split_y - GRID_TOP,
            GRID_LEFT + pad, GRID_TOP + 14, "start"),
        Box("manage_closely", split_x, GRID_TOP, right - split_x, split_y - GRID_TOP,
            right - pad, GRID_TOP + 14, "end"),
        Box("monitor", GRID_LEFT, split_y, split_x - GRID_LEFT, bottom - split_y,
            GRID_LEFT + pad, split_y + 14, "start"),
        Box("keep_informed", split_x, split_y, right - split_x, bottom - split_y,
            right - pad, split_y + 14, "end"),
    ]  # fmt: skip
    chart.quadrants = [replace(box, label=labels.get(box.key, box.key)) for box in chart.quadrants]
    chart.cell_lines = [
        *((round(cell_x(v), 1), GRID_TOP, round(cell_x(v), 1), bottom) for v in range(2, SCALE + 1) if v != HIGH_FROM),
        *((GRID_LEFT, round(cell_y(v), 1), right, round(cell_y(v), 1)) for v in range(1, SCALE) if v != HIGH_FROM - 1),
    ]
    chart.lines = [(split_x, GRID_TOP, split_x, bottom), (GRID_LEFT, split_y, right, split_y)]
    chart.x_ticks = [Tick(v, round(cell_x(v) + cell_w / 2, 1), bottom + 18) for v in range(1, SCALE + 1)]
    chart.y_ticks = [Tick(v, GRID_LEFT - 10, round(cell_y(v) + cell_h / 2 + 4, 1)) for v in range(1, SCALE + 1)]
    chart.x_title = (GRID_LEFT + plot_width / 2, bottom + 44)
    chart.y_title = (22, GRID_TOP + plot_height / 2)

    # Who goes in which cell: the current positions and, when movement is shown, the earlier
    # ones that differ from them (as ghosts).
    cells: dict[tuple[int, int], list[tuple[Item, bool]]] = defaultdict(list)
    for item in sorted(items, key=lambda i: i.number):
        cells[(item.influence, item.interest)].append((item, False))
        if item.before is not None and item.before != (item.influence, item.interest):
            cells[item.before].append((item, True))
    placed: dict[tuple[int, bool], Marker] = {}
    for (influence, interest), members in sorted(cells.items()):
        points, radius = _slots(
            len(members),
            cell_x(interest) + pad,
            cell_y(influence) + LABEL_BAND,
            cell_w - 2 * pad,
            cell_h - LABEL_BAND - pad,
        )
        for (item, ghost), (x, y) in zip(members, points, strict=True):
            marker = Marker(item.number, item.label, x, y, radius, item.stance, ghost)
            placed[(item.number, ghost)] = marker
            (chart.ghosts if ghost else chart.markers).append(marker)
    chart.markers.sort(key=lambda m: m.number)
    chart.ghosts.sort(key=lambda m: m.number)
    for earlier in chart.ghosts:
        now = placed[(earlier.number, False)]
        chart.arrows.append(_shortened(earlier.number, earlier.x, earlier.y, now.x, now.y, earlier.r, now.r + 3))
    return chart


def _shortened(number: int, x1: float, y1: float, x2: float, y2: float, start: float, end: float) -> Arrow:
    """A line between two circles' centres, cut back to their edges (``end`` leaves room for
    an arrowhead)."""
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    dx, dy = (x2 - x1) / length, (y2 - y1) / length
    return Arrow(
        number,
        round(x1 + dx * start, 1),
        round(y1 + dy * start, 1),
        round(x2 - dx * end, 1),
        round(y2 - dy * end, 1),
    )


@dataclass(frozen=True)
class Node:
    number: int
    label: str
    full_label: str
    kind: str
    stance: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str

    @property
    def corner_x(self) -> float:
        """The top-left corner of the square a group of people is drawn as."""
        return round(self.x - NODE_RADIUS, 1)

    @property
    def corner_y(self) -> float:
        return round(self.y - NODE_RADIUS, 1)

    @property
    def side(self) -> int:
        return 2 * NODE_RADIUS


@dataclass(frozen=True)
class Edge:
    source: int
    target: int
    x1: float
    y1: float
    x2: float
    y2: float
    tension: bool


@dataclass
class Network:
    width: int
    height: int
    radius: float
    nodes: list[Node] = field(default_factory=list)
    relations: list[Edge] = field(default_factory=list)
    tensions: list[Edge] = field(default_factory=list)


NETWORK_WIDTH, NETWORK_HEIGHT = 860, 560
NODE_RADIUS = 11
MAX_LABEL = 32
RELATION_SHIFT = 4.0


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def network(
    items: Sequence[Item], relations: Sequence[tuple[int, int]], tensions: Sequence[tuple[int, int]]
) -> Network:
    """The stakeholders on a circle in the order of their numbers, starting at the top and going
    clockwise; relations (by number, from → to) as lines with an arrowhead, tensions as lines
    without. Lines run between the nodes' edges."""
    cx, cy = NETWORK_WIDTH / 2, NETWORK_HEIGHT / 2
    ring = 200.0
    chart = Network(NETWORK_WIDTH, NETWORK_HEIGHT, NODE_RADIUS)
    ordered = sorted(items, key=lambda i: i.number)
    count = len(ordered)
    where: dict[int, tuple[float, float]] = {}
    for index, item in enumerate(ordered):
        angle = -math.pi / 2 + 2 * math.pi * index / max(count, 1)
        cos, sin = math.cos(angle), math.sin(angle)
        x, y = round(cx + ring * cos, 1), round(cy + ring * sin, 1)
        where[item.number] = (x, y)
        anchor = "start" if cos > 0.2 else "end" if cos < -0.2 else "middle"
        label_ring = ring + NODE_RADIUS + 8
        label_y = cy + label_ring * sin + (4 if abs(sin) < 0.9 else (14 if sin > 0 else -6))
        chart.nodes.append(
            Node(
                number=item.number,
                label=_short(item.label),
                full_label=item.label,
                kind=item.kind,
                stance=item.stance,
                x=x,
                y=y,
                label_x=round(cx + label_ring * cos, 1),
                label_y=round(label_y, 1),
                anchor=anchor,
            )
        )

    def edge(source: int, target: int, tension: bool) -> Edge | None:
        if source not in where or target not in where or source == target:
            return None
        (x1, y1), (x2, y2) = where[source], where[target]
        # Relations A → B and B → A run side by side (each shifted to its own right), a tension
        # between them runs through the middle.
        shift = 0.0 if tension else RELATION_SHIFT
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        ox, oy = -(y2 - y1) / length * shift, (x2 - x1) / length * shift
        arrow = _shortened(0, x1 + ox, y1 + oy, x2 + ox, y2 + oy, NODE_RADIUS + 2, NODE_RADIUS + (2 if tension else 6))
        return Edge(source, target, arrow.x1, arrow.y1, arrow.x2, arrow.y2, tension)

    chart.relations = [e for e in (edge(s, t, False) for s, t in relations) if e is not None]
    chart.tensions = [e for e in (edge(s, t, True) for s, t in tensions) if e is not None]
    return chart

"""Bar charts of the dashboard, drawn on the server as SVG. Each chart shows the numbers of a table
on the page (the table follows it, for screen readers and for exact values); a hidden small number
("< 5") gets no bar, so that its length does not give the number away."""

from __future__ import annotations

from dataclasses import dataclass, field

from .figures import Table

WIDTH = 640
LABEL_WIDTH = 230
BAR_HEIGHT = 22
GAP = 8
VALUE_SPACE = 56


@dataclass
class Bar:
    label: str
    text: str  # the value as the table shows it
    x: float
    y: float
    width: float
    height: float
    series: int = 0

    @property
    def value_x(self) -> float:
        """Where the value is written: just after the end of the bar."""
        return round(self.x + self.width + 6, 1)


@dataclass
class Chart:
    key: str
    title: str
    description: str
    width: int
    height: int
    bars: list[Bar]
    horizontal: bool = True
    label_width: int = LABEL_WIDTH
    axis_y: float = 0
    ticks: list[Bar] = field(default_factory=list)  # month labels of a vertical chart
    legend: list[str] = field(default_factory=list)


def horizontal(table: Table, description: str, column: int = 0) -> Chart:
    """One bar per row, for the count in ``column``."""
    values = [row.cells[column] for row in table.rows]
    largest = max((cell.value for cell in values if not cell.hidden), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_SPACE
    bars = []
    for n, (row, cell) in enumerate(zip(table.rows, values, strict=True)):
        length = 0.0 if cell.hidden else room * cell.value / largest
        bars.append(
            Bar(
                label=row.label,
                text=str(cell),
                x=LABEL_WIDTH,
                y=n * (BAR_HEIGHT + GAP),
                width=round(length, 1),
                height=BAR_HEIGHT,
            )
        )
    height = max(len(bars) * (BAR_HEIGHT + GAP) - GAP, BAR_HEIGHT)
    return Chart(key=table.key, title=table.title, description=description, width=WIDTH, height=height, bars=bars)


def per_month(table: Table, description: str, columns: tuple[int, ...] = (0, 1)) -> Chart:
    """Bars per month for the counts in ``columns`` (side by side), months along the bottom."""
    plot_height = 180
    top, bottom_space = 8, 36
    count = max(len(table.rows), 1)
    slot = (WIDTH - 40 - 30) / count  # room for the last month's label on the right
    bar_width = max(slot / (len(columns) + 1), 1.0)
    largest = (
        max(
            (row.cells[c].value for row in table.rows for c in columns if not row.cells[c].hidden),
            default=0,
        )
        or 1
    )
    bars, ticks = [], []
    every = -(-count // 8)  # at most eight month labels, so that they do not overlap
    for n, row in enumerate(table.rows):
        for s, c in enumerate(columns):
            cell = row.cells[c]
            height = 0.0 if cell.hidden else plot_height * cell.value / largest
            bars.append(
                Bar(
                    label=row.label,
                    text=str(cell),
                    x=round(40 + n * slot + s * bar_width, 1),
                    y=round(top + plot_height - height, 1),
                    width=round(bar_width, 1),
                    height=round(height, 1),
                    series=s,
                )
            )
        if n % every == 0:
            ticks.append(
                Bar(
                    label=row.label,
                    text="",
                    x=round(40 + n * slot + slot / 2, 1),
                    y=top + plot_height + 16,
                    width=0,
                    height=0,
                )
            )
    return Chart(
        key=table.key,
        title=table.title,
        description=description,
        width=WIDTH,
        height=top + plot_height + bottom_space,
        bars=bars,
        horizontal=False,
        axis_y=top + plot_height,
        ticks=ticks,
        legend=[table.headings[c] for c in columns],
    )

"""Met, on track or behind; and the chart's geometry."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from werkplaats.goals.charts import line_chart, nice_step
from werkplaats.goals.models import Direction
from werkplaats.goals.progress import Judgement, elapsed_share, expected_by, judge

START = datetime.date(2026, 1, 1)
END = datetime.date(2026, 12, 31)
MID = datetime.date(2026, 7, 2)  # day 183 of 365: the middle of the year


def _judge(value: str | None, *, target: str = "40", direction: str = Direction.HIGHER, cumulative: bool = True,
           today: datetime.date = MID) -> str:  # fmt: skip
    return judge(
        value=Decimal(value) if value is not None else None,
        target=Decimal(target),
        direction=direction,
        cumulative=cumulative,
        start=START,
        end=END,
        today=today,
    )


def test_the_elapsed_share_counts_today_as_passed() -> None:
    assert elapsed_share(START, END, START) == Decimal(1) / Decimal(365)
    assert elapsed_share(START, END, END) == 1
    assert elapsed_share(START, END, START - datetime.timedelta(days=1)) == 0
    assert expected_by(Decimal(40), START, END, MID) == Decimal("20.1")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("40", Judgement.MET),  # a count that reached its target cannot fall back
        ("25", Judgement.ON_TRACK),  # ahead of the even pace (20.1 by now)
        ("20.1", Judgement.ON_TRACK),
        ("20", Judgement.BEHIND),
        (None, Judgement.NO_DATA),
    ],
)
def test_a_growing_count_is_compared_with_the_even_pace(value: str | None, expected: str) -> None:
    assert _judge(value) == expected


def test_a_finished_period_is_met_or_behind() -> None:
    after = END + datetime.timedelta(days=1)
    assert _judge("40", today=after) == Judgement.MET
    assert _judge("39", today=after) == Judgement.BEHIND
    assert _judge("150", target="150", direction=Direction.LOWER, cumulative=False, today=END) == Judgement.MET


def test_a_value_that_can_move_either_way_is_on_track_only_while_at_its_target() -> None:
    assert _judge("80", target="70", cumulative=False) == Judgement.ON_TRACK
    assert _judge("60", target="70", cumulative=False) == Judgement.BEHIND
    assert _judge("120", target="150", direction=Direction.LOWER, cumulative=False) == Judgement.ON_TRACK
    assert _judge("160", target="150", direction=Direction.LOWER, cumulative=False) == Judgement.BEHIND


def test_a_growing_count_with_a_maximum_is_behind_once_past_it() -> None:
    assert _judge("3", target="5", direction=Direction.LOWER) == Judgement.ON_TRACK
    assert _judge("6", target="5", direction=Direction.LOWER) == Judgement.BEHIND


def test_before_the_period_nothing_is_judged() -> None:
    assert _judge("40", today=START - datetime.timedelta(days=1)) == Judgement.NOT_STARTED


@pytest.mark.parametrize(("span", "step"), [(40, 10), (7, 2), (100, 25), (0.9, 0.25), (0, 1)])
def test_axis_steps_are_round_numbers(span: float, step: float) -> None:
    assert nice_step(span) == step


def test_the_chart_spans_the_period_and_draws_the_target() -> None:
    points = [(datetime.date(2026, 1, 31), Decimal(4)), (datetime.date(2026, 2, 28), None)]
    chart = line_chart(points, target=Decimal(40), start=START, end=END)
    assert [t.label for t in chart.y_ticks] == ["0", "10", "20", "30", "40"]
    assert chart.target_y == chart.y_ticks[-1].at  # the target is the top of the axis
    assert len(chart.dots) == 1  # a point without a value is left out
    assert chart.left < chart.dots[0].x < chart.right
    assert len(chart.x_ticks) == 12
    assert chart.x_ticks[0].at == chart.left


def test_an_entered_count_is_judged_by_the_pace_on_the_day_it_was_measured() -> None:
    kwargs: dict[str, Any] = {
        "target": Decimal(120),
        "direction": Direction.HIGHER,
        "cumulative": True,
        "start": START,
        "end": END,
    }
    today = datetime.date(2026, 11, 21)
    # 92 on 30 September: the even pace asked 89.8 then (but 106.8 by today).
    assert judge(value=Decimal(92), today=today, as_of=datetime.date(2026, 9, 30), **kwargs) == Judgement.ON_TRACK
    assert judge(value=Decimal(92), today=today, **kwargs) == Judgement.BEHIND

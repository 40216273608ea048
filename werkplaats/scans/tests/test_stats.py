"""The statistics module alone: no database, no Django."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

from werkplaats.scans import stats
from werkplaats.scans.stats import Response

ELEMENTS = ["LOS", "GOC", "LEA", "SRI", "VMM", "VOR"]
PERSPECTIVES = ["education", "work_field", "public", "learners", "other"]


def aggregate(responses: list[Response]) -> stats.RoundStats:
    return stats.aggregate(responses, elements=ELEMENTS, perspectives=PERSPECTIVES)


def r(perspective: str, **scores: list[int]) -> Response:
    return Response(perspective=perspective, scores=scores)


def test_the_module_imports_without_django() -> None:
    path = Path(stats.__file__)
    code = f"import sys, runpy; runpy.run_path({str(path)!r}); assert 'django' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603


def test_spread_is_the_sample_standard_deviation() -> None:
    assert stats.spread([2, 3, 4]) == pytest.approx(1.0)  # population formula would give 0.816
    assert stats.spread([4]) is None
    assert stats.mean([]) is None


def test_a_respondents_element_score_is_the_mean_of_their_statements_ignoring_dont_know() -> None:
    response = r("education", LOS=[4, 5], GOC=[])
    assert response.element_score("LOS") == 4.5
    assert response.element_score("GOC") is None
    assert response.element_score("VOR") is None


def test_fewer_than_three_respondents_show_nothing() -> None:
    result = aggregate([r("education", LOS=[5]), r("work_field", LOS=[1])])
    assert result.respondents == 2
    assert not result.shown
    assert all(not cell.shown and cell.mean is None for cell in result.overall.values())
    assert all(not cell.shown for cells in result.by_perspective.values() for cell in cells.values())
    assert result.lowest() == []


def test_three_respondents_show_the_overall_figures() -> None:
    result = aggregate([r("education", LOS=[4, 5]), r("work_field", LOS=[2]), r("public", LOS=[3])])
    assert result.shown
    los = result.overall["LOS"]
    assert los.count == 3
    assert los.mean == pytest.approx((4.5 + 2 + 3) / 3)
    assert los.spread == pytest.approx(math.sqrt(((4.5 - 19 / 6) ** 2 + (2 - 19 / 6) ** 2 + (3 - 19 / 6) ** 2) / 2))
    # ...but no perspective, each resting on one person.
    assert not any(result.by_perspective[p]["LOS"].shown for p in PERSPECTIVES)


def test_an_element_scored_by_fewer_than_three_is_hidden_even_if_enough_answered() -> None:
    result = aggregate([r("education", LOS=[4], GOC=[2]), r("education", LOS=[4], GOC=[]), r("education", LOS=[3])])
    assert result.overall["LOS"].shown
    assert not result.overall["GOC"].shown
    assert result.overall["GOC"].count == 1


def test_per_perspective_means_and_spreads_by_hand() -> None:
    responses = [
        r("education", LOS=[4], VMM=[2, 3]),
        r("education", LOS=[4], VMM=[2]),
        r("education", LOS=[5], VMM=[1]),
        r("work_field", LOS=[2], VMM=[4]),
        r("work_field", LOS=[3], VMM=[4]),
        r("work_field", LOS=[4], VMM=[5]),
    ]
    result = aggregate(responses)
    education, work = result.by_perspective["education"], result.by_perspective["work_field"]
    # LOS, education: 4, 4, 5 -> mean 13/3; sample sd sqrt(((1/3)^2*2 + (2/3)^2)/2) = sqrt(1/3)
    assert education["LOS"].mean == pytest.approx(13 / 3)
    assert education["LOS"].spread == pytest.approx(math.sqrt(1 / 3))
    # LOS, work field: 2, 3, 4 -> mean 3, sd 1
    assert work["LOS"].mean == pytest.approx(3.0)
    assert work["LOS"].spread == pytest.approx(1.0)
    # VMM, education: 2.5, 2, 1 -> mean 5.5/3; sd sqrt(sum of squares / 2)
    m = 5.5 / 3
    assert education["VMM"].mean == pytest.approx(m)
    assert education["VMM"].spread == pytest.approx(math.sqrt(((2.5 - m) ** 2 + (2 - m) ** 2 + (1 - m) ** 2) / 2))
    # overall LOS: 4, 4, 5, 2, 3, 4 -> mean 22/6
    assert result.overall["LOS"].mean == pytest.approx(22 / 6)
    assert result.overall["LOS"].count == 6
    assert result.perspective_counts["education"] == 3
    assert result.perspective_counts["public"] == 0


def test_a_perspective_with_fewer_than_three_people_is_hidden() -> None:
    responses = (
        [r("education", LOS=[4])] * 3
        + [r("work_field", LOS=[3])] * 3
        + [r("public", LOS=[1])] * 2
        + [r("other", LOS=[5])]
    )
    result = aggregate(responses)
    assert not result.by_perspective["public"]["LOS"].shown
    assert not result.by_perspective["other"]["LOS"].shown
    # Three people are left out of the shown cells, enough to hide each of them.
    assert result.by_perspective["education"]["LOS"].shown
    assert result.by_perspective["work_field"]["LOS"].shown
    assert result.perspective_shown("education")
    assert not result.perspective_shown("public")


def test_a_lone_hidden_respondent_cannot_be_found_by_subtracting_the_shown_perspectives() -> None:
    responses = [r("education", LOS=[4])] * 3 + [r("work_field", LOS=[3])] * 4 + [r("public", LOS=[1])]
    result = aggregate(responses)
    cells = result.by_perspective
    assert result.overall["LOS"].shown
    assert not cells["public"]["LOS"].shown
    # One of the shown perspectives (the smallest) is hidden as well, so the overall mean minus
    # the shown ones leaves at least three people.
    assert not cells["education"]["LOS"].shown
    assert cells["work_field"]["LOS"].shown
    hidden = result.overall["LOS"].count - cells["work_field"]["LOS"].count
    assert hidden >= stats.MINIMUM


def test_when_nothing_is_left_out_every_perspective_of_three_is_shown() -> None:
    responses = [r("education", LOS=[4])] * 3 + [r("work_field", LOS=[3])] * 3
    result = aggregate(responses)
    assert result.by_perspective["education"]["LOS"].shown
    assert result.by_perspective["work_field"]["LOS"].shown


def test_the_lowest_elements_are_the_discussion_points() -> None:
    scores = {"LOS": [4], "GOC": [3], "LEA": [2], "SRI": [5], "VMM": [2], "VOR": [4]}
    result = aggregate([r("education", **scores)] * 3)
    assert [element for element, _cell in result.lowest(2)] == ["LEA", "VMM"]


def test_trend_over_rounds_and_the_change_between_the_last_two() -> None:
    march = aggregate([r("education", LOS=[2]), r("education", LOS=[3]), r("work_field", LOS=[4])])
    june = aggregate([r("education", LOS=[5])])  # too few answers
    september = aggregate([r("education", LOS=[4]), r("education", LOS=[4]), r("work_field", LOS=[4])])
    points = stats.trend([("march", march), ("june", june), ("september", september)], "LOS")
    assert [p.round for p in points] == ["march", "june", "september"]
    assert points[0].cell.mean == pytest.approx(3.0)
    assert not points[1].cell.shown
    assert points[2].cell.mean == pytest.approx(4.0)
    assert stats.change(points) == pytest.approx(1.0)
    assert stats.change(points[:2]) is None


def test_group_answers_counts_a_respondent_who_only_said_dont_know() -> None:
    rows = [(1, "education", "LOS", 4), (1, "education", "LOS", None), (2, "public", "LOS", None)]
    responses = stats.group_answers(rows)
    assert len(responses) == 2
    assert responses[0].scores == {"LOS": [4]}
    assert responses[1].scores == {"LOS": []}

"""Statistics of a health-scan round, in plain Python (no Django), so they can be tested alone.

A respondent's score on an element is the mean of the scores they gave to that element's
statements; "don't know" gives no score. The figures per element (overall, and per perspective)
are then taken over respondents, so everyone weighs the same however many statements they
scored:

- ``count``: the respondents with a score on the element;
- ``mean``: the arithmetic mean of their element scores;
- ``spread``: the *sample* standard deviation of their element scores (divisor n - 1, as
  ``statistics.stdev``): the people who answered are read as a sample of the partnership,
  and with the small groups of a scan the population formula would understate disagreement.

Anonymity: nothing of a round is shown when fewer than ``MINIMUM`` people answered, and no
cell is shown that rests on fewer than ``MINIMUM`` scores. Because the overall figure and the
perspective figures could be subtracted from each other to reveal the one or two people of a
hidden perspective, a perspective cell is also hidden while the people left out of the shown
cells number one or two ("secondary suppression"): the smallest shown cell joins them until
they are none or at least ``MINIMUM``.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

MINIMUM = 3  # the fewest respondents a shown figure may rest on


@dataclass(frozen=True)
class Cell:
    """The figures of one element in one group of respondents. ``shown`` is False when the
    anonymity rule hides them; ``mean`` and ``spread`` are then None."""

    count: int
    mean: float | None
    spread: float | None
    shown: bool

    @classmethod
    def hidden(cls, count: int) -> Cell:
        return cls(count=count, mean=None, spread=None, shown=False)


@dataclass(frozen=True)
class Response:
    """One respondent's answers: their perspective and, per element, the scores (1-5) they gave;
    "don't know" answers are simply left out."""

    perspective: str
    scores: dict[str, list[int]]

    def element_score(self, element: str) -> float | None:
        values = self.scores.get(element) or []
        return statistics.fmean(values) if values else None


def mean(values: Sequence[float]) -> float | None:
    return statistics.fmean(values) if values else None


def spread(values: Sequence[float]) -> float | None:
    """The sample standard deviation (n - 1); None for fewer than two values."""
    return statistics.stdev(values) if len(values) >= 2 else None


def summarise(values: Sequence[float], *, minimum: int = MINIMUM) -> Cell:
    if len(values) < minimum:
        return Cell.hidden(len(values))
    return Cell(count=len(values), mean=mean(values), spread=spread(values), shown=True)


@dataclass(frozen=True)
class RoundStats:
    respondents: int
    shown: bool  # at least MINIMUM respondents: anything is shown at all
    elements: tuple[str, ...]
    overall: dict[str, Cell]
    perspective_counts: dict[str, int]  # respondents per perspective (all perspectives given)
    by_perspective: dict[str, dict[str, Cell]] = field(default_factory=dict)

    def perspective_shown(self, perspective: str) -> bool:
        return any(cell.shown for cell in self.by_perspective.get(perspective, {}).values())

    def lowest(self, n: int = 2) -> list[tuple[str, Cell]]:
        """The ``n`` shown elements with the lowest overall mean (ties in element order)."""
        shown = [(element, self.overall[element]) for element in self.elements if self.overall[element].shown]
        order = {element: i for i, element in enumerate(self.elements)}
        shown.sort(key=lambda pair: (pair[1].mean, order[pair[0]]))
        return shown[:n]


def _suppress(cells: dict[str, list[float]], total: int, minimum: int) -> dict[str, Cell]:
    """The perspective cells of one element, after primary and secondary suppression."""
    result = {key: summarise(values, minimum=minimum) for key, values in cells.items()}
    while True:
        left_out = total - sum(cell.count for cell in result.values() if cell.shown)
        if left_out == 0 or left_out >= minimum:
            return result
        shown = [key for key, cell in result.items() if cell.shown]
        if not shown:
            return result
        smallest = min(shown, key=lambda key: (result[key].count, list(result).index(key)))
        result[smallest] = Cell.hidden(result[smallest].count)


def aggregate(
    responses: Iterable[Response],
    *,
    elements: Sequence[str],
    perspectives: Sequence[str],
    minimum: int = MINIMUM,
) -> RoundStats:
    """The figures of one round: per element overall and per perspective, anonymity applied."""
    responses = list(responses)
    respondents = len(responses)
    perspective_counts = dict.fromkeys(perspectives, 0)
    for response in responses:
        perspective_counts[response.perspective] = perspective_counts.get(response.perspective, 0) + 1
    keys = list(perspectives) + [p for p in perspective_counts if p not in perspectives]
    if respondents < minimum:
        hidden_overall = {e: Cell.hidden(0) for e in elements}
        return RoundStats(
            respondents=respondents,
            shown=False,
            elements=tuple(elements),
            overall=hidden_overall,
            perspective_counts=perspective_counts,
            by_perspective={p: {e: Cell.hidden(0) for e in elements} for p in keys},
        )
    overall: dict[str, Cell] = {}
    by_perspective: dict[str, dict[str, Cell]] = {p: {} for p in keys}
    for element in elements:
        per_perspective: dict[str, list[float]] = {p: [] for p in keys}
        for response in responses:
            score = response.element_score(element)
            if score is not None:
                per_perspective[response.perspective].append(score)
        everyone = [score for values in per_perspective.values() for score in values]
        overall[element] = summarise(everyone, minimum=minimum)
        if not overall[element].shown:
            cells = {p: Cell.hidden(len(per_perspective[p])) for p in keys}
        else:
            cells = _suppress(per_perspective, len(everyone), minimum)
        for p in keys:
            by_perspective[p][element] = cells[p]
    return RoundStats(
        respondents=respondents,
        shown=True,
        elements=tuple(elements),
        overall=overall,
        perspective_counts=perspective_counts,
        by_perspective=by_perspective,
    )


@dataclass(frozen=True)
class TrendPoint:
    round: Hashable
    cell: Cell


def trend(rounds: Sequence[tuple[Hashable, RoundStats]], element: str) -> list[TrendPoint]:
    """The overall figure of ``element`` in each round, in the order given (oldest first)."""
    return [TrendPoint(round=key, cell=stats.overall[element]) for key, stats in rounds]


def change(points: Sequence[TrendPoint]) -> float | None:
    """The difference in mean between the last two rounds in which the element was shown."""
    shown = [p.cell.mean for p in points if p.cell.shown and p.cell.mean is not None]
    return shown[-1] - shown[-2] if len(shown) >= 2 else None


def group_answers(rows: Iterable[tuple[Hashable, str, str, int | None]]) -> list[Response]:
    """Responses from rows of (response key, perspective, element, score or None); a response
    whose every answer is "don't know" still counts as a respondent."""
    perspective_of: dict[Hashable, str] = {}
    scores: dict[Hashable, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for key, perspective, element, score in rows:
        perspective_of[key] = perspective
        bucket = scores[key][element]
        if score is not None:
            bucket.append(score)
    return [Response(perspective=perspective_of[key], scores=dict(scores[key])) for key in perspective_of]

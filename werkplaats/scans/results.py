"""Reading a round's answers into the statistics of ``stats`` and shaping them for the pages.

Every function here reads a fixed number of queries, whatever the number of answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.functional import Promise

from werkplaats.partnerships.models import Perspective

from . import stats
from .models import Element, ScanAnswer, ScanComment, ScanRound
from .stats import Cell, RoundStats


def perspectives() -> list[tuple[str, Promise | str]]:
    return list(Perspective.choices)


def _rows(round_ids: Sequence[int]) -> dict[int, list[tuple[int, str, str, int | None]]]:
    by_round: dict[int, list[tuple[int, str, str, int | None]]] = {pk: [] for pk in round_ids}
    rows = ScanAnswer.objects.filter(response__round_id__in=round_ids).values_list(
        "response__round_id", "response_id", "response__perspective", "statement__element", "score"
    )
    for round_id, response_id, perspective, element, score in rows:
        by_round[round_id].append((response_id, perspective, element, score))
    return by_round


def _aggregate(rows: list[tuple[int, str, str, int | None]]) -> RoundStats:
    return stats.aggregate(
        stats.group_answers(rows),
        elements=Element.values,
        perspectives=[key for key, _label in perspectives()],
    )


def round_stats(scan_round: ScanRound) -> RoundStats:
    return _aggregate(_rows([scan_round.pk])[scan_round.pk])


def rounds_stats(rounds: Sequence[ScanRound]) -> dict[int, RoundStats]:
    rows = _rows([r.pk for r in rounds])
    return {r.pk: _aggregate(rows[r.pk]) for r in rounds}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    respondents: int
    shown: bool  # at least MINIMUM respondents of this perspective


@dataclass(frozen=True)
class Row:
    element: str
    label: str
    overall: Cell
    cells: list[Cell]  # in the order of the columns


@dataclass(frozen=True)
class Table:
    columns: list[Column]
    rows: list[Row]


def table(result: RoundStats) -> Table:
    """Rows per element; a column per perspective that anyone answered from."""
    columns = [
        Column(
            key=key,
            label=str(label),
            respondents=result.perspective_counts.get(key, 0),
            shown=result.perspective_counts.get(key, 0) >= stats.MINIMUM,
        )
        for key, label in perspectives()
        if result.perspective_counts.get(key, 0) > 0
    ]
    rows = [
        Row(
            element=element,
            label=str(Element(element).label),
            overall=result.overall[element],
            cells=[result.by_perspective[c.key][element] for c in columns],
        )
        for element in result.elements
    ]
    return Table(columns=columns, rows=rows)


@dataclass(frozen=True)
class ElementComments:
    element: str
    label: str
    texts: list[str]


def comments(scan_round: ScanRound, result: RoundStats) -> list[ElementComments]:
    """The comments per element, without names and in alphabetical order (not the order in
    which people answered); none at all while the round has too few respondents."""
    if not result.shown:
        return []
    texts: dict[str, list[str]] = {element: [] for element in Element.values}
    for element, text in ScanComment.objects.filter(response__round=scan_round).values_list("element", "text"):
        texts[element].append(text)
    return [
        ElementComments(element=element, label=str(Element(element).label), texts=sorted(texts[element], key=str.lower))
        for element in Element.values
        if texts[element]
    ]

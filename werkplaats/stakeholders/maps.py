"""Reading the stakeholder map: what is on it now, where each stakeholder stood on an earlier
date, and the two pictures. A fixed number of queries however many stakeholders there are."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from werkplaats.partnerships.models import Partnership

from . import charts
from .models import HIGH_FROM, Quadrant, Relation, Stakeholder, StakeholderSnapshot, Tension


@dataclass
class Row:
    """A stakeholder as the map shows it: its number on the pictures and where it stood on
    the comparison date (None: it was not on the map yet)."""

    number: int
    stakeholder: Stakeholder
    before: StakeholderSnapshot | None = None

    @property
    def moved(self) -> bool:
        return self.before is not None and (self.before.influence, self.before.interest) != (
            self.stakeholder.influence,
            self.stakeholder.interest,
        )


@dataclass
class StakeholderMap:
    rows: list[Row]
    relations: list[Relation]
    tensions: list[Tension]
    since: datetime.date | None
    grid: charts.Grid
    network: charts.Network
    quadrant_counts: dict[str, int] = field(default_factory=dict)

    @property
    def open_tensions(self) -> list[Tension]:
        return [t for t in self.tensions if t.is_open]

    @property
    def quadrant_summary(self) -> list[tuple[str, str, int]]:
        return [(value, str(label), self.quadrant_counts.get(value, 0)) for value, label in Quadrant.choices]


# Names are sorted in Python, not by the database: PostgreSQL's collation and SQLite's byte
# order disagree about case and punctuation, and the numbers on the pictures must not.
def _name_key(name: str) -> str:
    return name.casefold()


def stakeholders_of(partnership: Partnership) -> list[Stakeholder]:
    found = Stakeholder.objects.active().filter(partnership=partnership).select_related("owner__user", "organisation")
    return sorted(found, key=lambda s: (_name_key(s.name), s.pk))


def relations_of(partnership: Partnership) -> list[Relation]:
    found = Relation.objects.active().filter(partnership=partnership).select_related("source", "target")
    return sorted(found, key=lambda r: (_name_key(r.source.name), _name_key(r.target.name), r.kind, r.pk))


def tensions_of(partnership: Partnership) -> list[Tension]:
    return list(
        Tension.objects.active()
        .filter(partnership=partnership)
        .select_related("first", "second")
        .order_by("status", "-raised_on", "id")
    )


def end_of_day(day: datetime.date) -> datetime.datetime:
    start = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(start) - datetime.timedelta(microseconds=1)


def build_map(partnership: Partnership, *, since: datetime.date | None = None) -> StakeholderMap:
    stakeholders = stakeholders_of(partnership)
    relations = relations_of(partnership)
    tensions = tensions_of(partnership)
    before: dict[int, StakeholderSnapshot] = {}
    if since is not None:
        before = StakeholderSnapshot.objects.filter(stakeholder__in=[s.pk for s in stakeholders]).as_of(
            end_of_day(since)
        )
    rows = [Row(number, s, before.get(s.pk)) for number, s in enumerate(stakeholders, start=1)]
    number_of = {row.stakeholder.pk: row.number for row in rows}
    items = [
        charts.Item(
            number=row.number,
            label=row.stakeholder.name,
            influence=row.stakeholder.influence,
            interest=row.stakeholder.interest,
            stance=row.stakeholder.stance,
            kind=row.stakeholder.kind,
            before=(row.before.influence, row.before.interest) if row.before is not None else None,
        )
        for row in rows
    ]
    counts = dict.fromkeys(Quadrant.values, 0)
    for stakeholder in stakeholders:
        counts[stakeholder.quadrant] += 1
    return StakeholderMap(
        rows=rows,
        relations=relations,
        tensions=tensions,
        since=since,
        grid=charts.grid(items, {value: str(label) for value, label in Quadrant.choices}),
        network=charts.network(
            items,
            [(number_of[r.source_id], number_of[r.target_id]) for r in relations],
            [(number_of[t.first_id], number_of[t.second_id]) for t in tensions if t.is_open],
        ),
        quadrant_counts=counts,
    )


def quadrant_filters() -> dict[str, Q]:
    high_influence, high_interest = Q(influence__gte=HIGH_FROM), Q(interest__gte=HIGH_FROM)
    return {
        Quadrant.MANAGE_CLOSELY: high_influence & high_interest,
        Quadrant.KEEP_SATISFIED: high_influence & ~high_interest,
        Quadrant.KEEP_INFORMED: ~high_influence & high_interest,
        Quadrant.MONITOR: ~high_influence & ~high_interest,
    }


def quadrant_counts(partnership: Partnership) -> dict[str, int]:
    """How many stakeholders on the map are in each quadrant, in one query."""
    return dict(
        Stakeholder.objects.active()
        .filter(partnership=partnership)
        .aggregate(**{str(key): Count("pk", filter=condition) for key, condition in quadrant_filters().items()})
    )

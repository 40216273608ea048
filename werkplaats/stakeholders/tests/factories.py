"""Stakeholder maps for tests: stakeholders, relations and tensions made through the services,
as the pages make them."""

from __future__ import annotations

import itertools
from typing import Any

from werkplaats.partnerships.models import Partnership
from werkplaats.stakeholders import services
from werkplaats.stakeholders.models import Relation, Stakeholder, StakeholderKind, Tension


def stakeholder(partnership: Partnership, name: str, **fields: Any) -> Stakeholder:
    fields.setdefault("kind", StakeholderKind.ORGANISATION)
    fields.setdefault("influence", 3)
    fields.setdefault("interest", 3)
    return services.add_stakeholder(partnership, by=None, name=name, **fields)


def relation(source: Stakeholder, target: Stakeholder, kind: str = "works_with", **fields: Any) -> Relation:
    return services.add_relation(source.partnership, by=None, source=source, target=target, kind=kind, **fields)


def tension(first: Stakeholder, second: Stakeholder, title: str = "Botsende belangen", **fields: Any) -> Tension:
    return services.add_tension(first.partnership, by=None, first=first, second=second, title=title, **fields)


def small_map(partnership: Partnership, size: int) -> list[Stakeholder]:
    """``size`` stakeholders in a chain of relations, with a tension between the first and last."""
    made = [
        stakeholder(
            partnership,
            f"Stakeholder {i:02d}",
            influence=1 + i % 5,
            interest=1 + (i * 2) % 5,
            kind=StakeholderKind.GROUP if i % 3 == 0 else StakeholderKind.ORGANISATION,
        )
        for i in range(size)
    ]
    for source, target in itertools.pairwise(made):
        relation(source, target)
    tension(made[0], made[-1])
    return made

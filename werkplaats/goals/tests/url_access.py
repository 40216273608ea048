"""This app's part of the URL-walking access test; see werkplaats/partnerships/tests/url_access.py.

Goal pages are for every member; setting goals and indicators is for the manager; entering a
value is for the manager and the members of the groups linked to the goal (the manager of the
world sits in the working group, which the goal is linked to)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from werkplaats.goals.models import Goal, Indicator, IndicatorSource, IndicatorValue
from werkplaats.partnerships.tests.url_access import manager, partnership_of, working_group

TITLE = "Meer praktijkverklaringen in de regio"


def goal(w: Any) -> Goal:
    partnership = partnership_of(w)
    found = Goal.objects.filter(partnership=partnership, title=TITLE).first()
    if found is not None:
        return found
    created = Goal.objects.create(partnership=partnership, title=TITLE)
    created.groups.set([working_group(w)])
    return created


def indicator(w: Any) -> Indicator:
    parent = goal(w)
    year = datetime.date.today().year
    found, _created = Indicator.objects.get_or_create(
        goal=parent,
        name="Werkgevers gesproken",
        defaults={
            "source": IndicatorSource.ENTERED,
            "unit": "werkgevers",
            "target": Decimal(30),
            "period_start": datetime.date(year, 1, 1),
            "period_end": datetime.date(year, 12, 31),
        },
    )
    return found


def value(w: Any) -> IndicatorValue:
    parent = indicator(w)
    found, _created = IndicatorValue.objects.get_or_create(
        indicator=parent, measured_on=parent.period_start, defaults={"value": Decimal(4), "source": "Werkgroep"}
    )
    return found


def _goal(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug, "pk": goal(w).pk}


def _indicator(w: Any) -> dict[str, Any]:
    return {**_goal(w), "indicator_pk": indicator(w).pk}


def _indicator_to_delete(w: Any) -> dict[str, Any]:
    """An indicator of its own, so that removing it leaves the others for the other URLs."""
    parent = goal(w)
    found, _created = Indicator.objects.get_or_create(
        goal=parent,
        name="Te verwijderen",
        defaults={
            "source": IndicatorSource.CERTIFICATES_ISSUED,
            "target": Decimal(10),
            "period_start": datetime.date(datetime.date.today().year, 1, 1),
            "period_end": datetime.date(datetime.date.today().year, 12, 31),
        },
    )
    return {**_goal(w), "indicator_pk": found.pk}


def _goal_to_delete(w: Any) -> dict[str, Any]:
    found, _created = Goal.objects.get_or_create(partnership=partnership_of(w), title="Te verwijderen doel")
    return {"slug": partnership_of(w).slug, "pk": found.pk}


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "goals:list": lambda w: {"slug": partnership_of(w).slug},
    "goals:create": lambda w: {"slug": partnership_of(w).slug},
    "goals:detail": _goal,
    "goals:edit": _goal,
    "goals:delete": _goal_to_delete,
    "goals:indicator-create": _goal,
    "goals:indicator-edit": _indicator,
    "goals:indicator-delete": _indicator_to_delete,
    "goals:value-add": _indicator,
    "goals:value-delete": lambda w: {**_indicator(w), "value_pk": value(w).pk},
}

RESTRICTED: dict[str, Callable[[Any], Any]] = {
    "goals:create": manager,
    "goals:edit": manager,
    "goals:delete": manager,
    "goals:indicator-create": manager,
    "goals:indicator-edit": manager,
    "goals:indicator-delete": manager,
    "goals:value-add": manager,
    "goals:value-delete": manager,
}

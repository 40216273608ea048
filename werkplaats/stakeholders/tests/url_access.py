"""This app's part of the URL-walking access test; see werkplaats/partnerships/tests/url_access.py.

The map, a stakeholder's page and the exports are open to every member; adding and changing is
for the steering group and the manager (the coordinator of the world); the consultant and the
administrator own no stakeholder, so they get a 403 there too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkplaats.partnerships.tests.url_access import manager, partnership_of, slug
from werkplaats.stakeholders.models import Relation, Stakeholder, StakeholderKind, Tension


def _stakeholder(w: Any, name: str) -> Stakeholder:
    """An active stakeholder called ``name``; a new one if an earlier check took it off the map."""
    partnership = partnership_of(w)
    found = Stakeholder.objects.active().filter(partnership=partnership, name=name).first()
    if found is not None:
        return found
    return Stakeholder.objects.create(
        partnership=partnership, name=name, kind=StakeholderKind.ORGANISATION, influence=4, interest=3
    )


def _relation(w: Any) -> Relation:
    source, target = _stakeholder(w, "Gemeente Haren"), _stakeholder(w, "UWV")
    return Relation.objects.get_or_create(partnership=partnership_of(w), source=source, target=target, kind="funds")[0]


def _tension(w: Any) -> Tension:
    first, second = _stakeholder(w, "Gemeente Haren"), _stakeholder(w, "UWV")
    return Tension.objects.get_or_create(
        partnership=partnership_of(w), first=first, second=second, defaults={"title": "Snelle uitstroom"}
    )[0]


def _with(pk: Callable[[Any], int]) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {"slug": partnership_of(w).slug, "pk": pk(w)}


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "stakeholders:map": slug,
    "stakeholders:add": slug,
    "stakeholders:detail": _with(lambda w: _stakeholder(w, "Gemeente Haren").pk),
    "stakeholders:edit": _with(lambda w: _stakeholder(w, "Gemeente Haren").pk),
    "stakeholders:remove": _with(lambda w: _stakeholder(w, "Weg te halen").pk),
    "stakeholders:relation-add": slug,
    "stakeholders:relation-edit": _with(lambda w: _relation(w).pk),
    "stakeholders:relation-remove": _with(lambda w: _relation(w).pk),
    "stakeholders:tension-add": slug,
    "stakeholders:tension-edit": _with(lambda w: _tension(w).pk),
    "stakeholders:export-xlsx": slug,
    "stakeholders:export-elements": slug,
    "stakeholders:export-connections": slug,
}

RESTRICTED: dict[str, Callable[[Any], Any]] = {
    "stakeholders:add": manager,
    "stakeholders:edit": manager,
    "stakeholders:remove": manager,
    "stakeholders:relation-add": manager,
    "stakeholders:relation-edit": manager,
    "stakeholders:relation-remove": manager,
    "stakeholders:tension-add": manager,
    "stakeholders:tension-edit": manager,
}

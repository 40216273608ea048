"""This app's part of the URL-walking access test; see werkplaats/partnerships/tests/url_access.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from werkplaats.partnerships.tests.url_access import manager, partnership_of
from werkplaats.successes.models import Success


def success(w: Any) -> Success:
    """A success the manager added: only they (and other managers) may change it."""
    partnership = partnership_of(w)
    found, _created = Success.objects.get_or_create(
        partnership=partnership,
        title="Eerste werkgeversontbijt",
        defaults={"happened_on": timezone.localdate(), "created_by": w.coordinator},
    )
    return found


def slug(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug}


def success_kwargs(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug, "pk": success(w).pk}


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "successes:list": slug,
    "successes:add": slug,
    "successes:edit": success_kwargs,
    "successes:delete": success_kwargs,
}
RESTRICTED: dict[str, Callable[[Any], Any]] = {
    "successes:edit": manager,
    "successes:delete": manager,
}

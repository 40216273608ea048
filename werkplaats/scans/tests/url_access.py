"""This app's part of the URL-walking access test; see werkplaats/partnerships/tests/url_access.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from werkplaats.partnerships.tests.url_access import manager, partnership_of
from werkplaats.scans.models import RoundStatus, ScanRound, Statement
from werkplaats.scans.services import ensure_template


def open_round(w: Any) -> ScanRound:
    partnership = partnership_of(w)
    found = ScanRound.objects.filter(partnership=partnership, title="Open ronde").first()
    return found or ScanRound.objects.create(partnership=partnership, title="Open ronde")


def closed_round(w: Any) -> ScanRound:
    partnership = partnership_of(w)
    found = ScanRound.objects.filter(partnership=partnership, title="Gesloten ronde").first()
    return found or ScanRound.objects.create(
        partnership=partnership, title="Gesloten ronde", status=RoundStatus.CLOSED, closed_at=timezone.now()
    )


def statement(w: Any) -> Statement:
    partnership = partnership_of(w)
    ensure_template(partnership)
    return Statement.objects.filter(partnership=partnership).order_by("pk").first()  # type: ignore[return-value]


def slug(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug}


def with_open_round(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug, "pk": open_round(w).pk}


def with_closed_round(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug, "pk": closed_round(w).pk}


def with_statement(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug, "pk": statement(w).pk}


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "scans:list": slug,
    "scans:open": slug,
    "scans:trend": slug,
    "scans:template": slug,
    "scans:statement-add": slug,
    "scans:statement-edit": with_statement,
    "scans:statement-move": with_statement,
    "scans:answer": with_open_round,
    "scans:close": with_open_round,
    "scans:results": with_closed_round,
    "scans:plan-action": with_closed_round,
}
RESTRICTED: dict[str, Callable[[Any], Any]] = {
    "scans:open": manager,
    "scans:template": manager,
    "scans:statement-add": manager,
    "scans:statement-edit": manager,
    "scans:statement-move": manager,
    "scans:close": manager,
    "scans:plan-action": manager,
}

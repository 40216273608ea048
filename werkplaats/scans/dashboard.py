"""The health scan's panel on the partnership's overview: the latest closed round's means per
element, and whether the member has answered an open round. Four queries at most."""

from __future__ import annotations

from typing import Any

from werkplaats.partnerships.access import PartnershipAccess

from . import results
from .models import Element, ScanResponse, ScanRound
from .stats import MINIMUM


def panel(pa: PartnershipAccess) -> dict[str, Any] | None:
    rounds = ScanRound.objects.filter(partnership=pa.partnership)
    latest = rounds.closed().order_by("-closed_at", "-id").first()
    open_round = rounds.open().order_by("-opened_at").first()
    if latest is None and open_round is None:
        return None
    rows: list[tuple[str, str, Any]] = []
    figures = None
    if latest is not None:
        figures = results.round_stats(latest)
        rows = [(e, str(Element(e).label), figures.overall[e]) for e in Element.values]
    answered = open_round is not None and ScanResponse.objects.filter(round=open_round, member=pa.member).exists()
    return {
        "latest": latest,
        "figures": figures,
        "rows": rows,
        "open_round": open_round,
        "answered": answered,
        "minimum": MINIMUM,
    }

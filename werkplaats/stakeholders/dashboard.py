"""The stakeholder map's panel on the partnership's overview: how many stakeholders are in each
quadrant of the power/interest grid, and the tensions still open. Three queries."""

from __future__ import annotations

from typing import Any

from werkplaats.partnerships.access import PartnershipAccess

from .maps import quadrant_counts
from .models import Quadrant, Tension

SHOWN_TENSIONS = 3


def panel(pa: PartnershipAccess) -> dict[str, Any] | None:
    counts = quadrant_counts(pa.partnership)
    total = sum(counts.values())
    if not total:
        return None
    open_tensions = Tension.objects.active().unresolved().filter(partnership=pa.partnership)
    return {
        "total": total,
        "quadrants": [(value, label, counts[value]) for value, label in Quadrant.choices],
        "open_tension_count": open_tensions.count(),
        "open_tensions": list(
            open_tensions.select_related("first", "second").order_by("raised_on", "id")[:SHOWN_TENSIONS]
        ),
    }

"""The overview's panel: the partnership's latest successes."""

from __future__ import annotations

from typing import Any

from werkplaats.partnerships.access import PartnershipAccess

from . import timeline

RECENT = 5


def panel(pa: PartnershipAccess) -> dict[str, Any] | None:
    """The last five successes, logged or reached: three queries."""
    return {"entries": timeline.recent(pa.partnership, RECENT)}

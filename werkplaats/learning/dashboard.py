"""The overview's panel: what the learning communities achieved lately, and where each open
action-research project of an open group is in its cycle."""

from __future__ import annotations

from typing import Any

from werkplaats.partnerships.access import PartnershipAccess

from .models import CommunityResult, Phase, ResearchProject

RESULTS = 5
PROJECTS = 8


def panel(pa: PartnershipAccess) -> dict[str, Any] | None:
    """Two queries; nothing to show when there are neither results nor projects."""
    results = list(
        CommunityResult.objects.filter(group__partnership=pa.partnership)
        .select_related("group")
        .order_by("-achieved_on", "-id")[:RESULTS]
    )
    projects = list(
        ResearchProject.objects.filter(partnership=pa.partnership)
        .exclude(phase=Phase.COMPLETED)
        .filter(group__closed_on__isnull=True)  # a closed group's research is its record, not under way
        .select_related("group")
        .order_by("-updated_at", "-id")[:PROJECTS]
    )
    if not results and not projects:
        return None
    return {"results": results, "projects": projects}

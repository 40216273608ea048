"""The overview's panel, for participants and facilitators only: the next session of their groups.

Everyone else gets no panel at all, so the overview does not even say that intervision groups exist."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from werkplaats.partnerships.access import PartnershipAccess

from .models import IntervisionGroup, IntervisionSession


def panel(pa: PartnershipAccess) -> dict[str, Any] | None:
    """Two queries."""
    group_ids = list(
        IntervisionGroup.objects.filter(partnership=pa.partnership)
        .taken_part_by(pa.user_id)
        .values_list("pk", flat=True)
    )
    if not group_ids:
        return None
    upcoming = (
        IntervisionSession.objects.filter(group_id__in=group_ids, held_on__gte=timezone.localdate())
        .select_related("group", "method")
        .order_by("held_on", "id")
        .first()
    )
    return {"next": upcoming, "group_count": len(group_ids)}

"""The overview's panel: the next planned reflection session and what the last one concluded."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from werkplaats.partnerships.access import PartnershipAccess

from .models import ReflectionSession


def panel(pa: PartnershipAccess) -> dict[str, Any] | None:
    """Two queries."""
    sessions = ReflectionSession.objects.filter(partnership=pa.partnership).select_related("group")
    upcoming = sessions.planned().filter(scheduled_on__gte=timezone.localdate()).order_by("scheduled_on", "id").first()
    last = sessions.closed().order_by("-closed_at", "-id").first()
    return {"next": upcoming, "last": last}

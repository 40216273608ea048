"""The calendar panel of the partnership's overview: the next three events, marked where the
reader signed up, in one query."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from werkplaats.partnerships.access import PartnershipAccess

from .models import Event

SHOWN = 3


def panel(pa: PartnershipAccess) -> dict[str, Any] | None:
    events = Event.objects.filter(partnership=pa.partnership).not_cancelled().for_reader(pa.user_id)
    return {"events": list(events.upcoming(timezone.now()).order_by("starts_at", "pk")[:SHOWN])}

"""The forum on the partnership's overview: the latest announcements and the most recent
threads, in two queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from werkplaats.partnerships.access import PartnershipAccess

from .models import Thread

ANNOUNCEMENTS = 3
THREADS = 5


def panel(pa: PartnershipAccess) -> dict[str, Any] | None:
    threads = Thread.objects.filter(partnership=pa.partnership).select_related("partnership", "author", "group")
    announcements = list(threads.filter(is_announcement=True).order_by("-created_at", "-id")[:ANNOUNCEMENTS])
    recent = list(
        threads.filter(is_announcement=False)
        .annotate(post_count=Count("posts"))
        .order_by("-last_activity_at", "-id")[:THREADS]
    )
    return {"announcements": announcements, "threads": recent}

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from werkplaats.core import header


def unread_count(request: HttpRequest) -> int:
    """The logged-in user's unread notifications (``Notification.objects.visible_to(user).unread()``),
    counted once per request with the header's other facts: the header shows it on every page,
    the notifications page uses it too."""
    return header.facts(request).unread_notifications


def notifications(request: HttpRequest) -> dict[str, Any]:
    """``unread_notification_count`` for the header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Counted when a template shows it (the header), not for every template rendered.
    return {"unread_notification_count": SimpleLazyObject(lambda: unread_count(request))}

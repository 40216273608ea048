from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import Notification

_CACHE_ATTR = "_werkplaats_unread_notifications"


def unread_count(request: HttpRequest) -> int:
    """The logged-in user's unread notifications, counted once per request (on the index of
    recipient and read_at): the header shows it on every page, the notifications page uses it too."""
    count = getattr(request, _CACHE_ATTR, None)
    if count is None:
        count = Notification.objects.visible_to(request.user).unread().count()
        setattr(request, _CACHE_ATTR, count)
    return count


def notifications(request: HttpRequest) -> dict[str, Any]:
    """``unread_notification_count`` for the header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notification_count": unread_count(request)}

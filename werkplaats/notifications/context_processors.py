from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import Notification


def notifications(request: HttpRequest) -> dict[str, Any]:
    """``unread_notification_count`` for the header: one COUNT query per page for a logged-in user
    (on the index of recipient and read_at)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notification_count": Notification.objects.visible_to(user).unread().count()}

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from .models import Notification

Message = str | Callable[[], str]


def notify(recipients: Iterable[Any], *, message: Message, url: str = "", key: str) -> list[Notification]:
    """Notify each recipient once per ``key``. ``message`` may be a callable: it is then
    rendered in each recipient's own language."""
    created = []
    for user in {r.pk: r for r in recipients if r is not None}.values():
        with translation.override(getattr(user, "language", None) or translation.get_language()):
            text = message() if callable(message) else str(message)
        try:
            with transaction.atomic():
                created.append(Notification.objects.create(recipient=user, message=text, url=url, key=key[:200]))
        except IntegrityError:
            continue  # already notified about this event
    return created


def mark_read(user: Any, notification_ids: Iterable[int] | None = None) -> int:
    notifications = Notification.objects.visible_to(user).unread()
    if notification_ids is not None:
        notifications = notifications.filter(pk__in=list(notification_ids))
    return notifications.update(read_at=timezone.now())

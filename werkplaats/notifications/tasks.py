"""Notification e-mail on the task worker: each one as it happens, and the daily run of digests
(with a second chance for e-mails that failed)."""

from __future__ import annotations

from django_tasks import task

from werkplaats.core.scheduling import schedule_daily

from .services import deliver, send_digests


@task()
def send_notification_digests() -> int:
    """Runs daily at 07:00 on the worker, then queues tomorrow's run. Cron can run
    ``manage.py send_notification_digests`` instead."""
    sent = send_digests()
    schedule_daily(send_notification_digests)
    return sent


@task()
def deliver_notifications(notification_ids: list[int]) -> int:
    """E-mail these notifications (queued by ``services.notify`` after its transaction commits)."""
    return deliver(notification_ids)

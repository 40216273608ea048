"""Background work for the calendar: the reminder the day before an event, and the notes to
people whose event was cancelled or who moved up from the waiting list.

The reminder goes once per sign-up (so once per event and person), however often the task runs and
however many workers run it at once: see ``send_reminders`` for how, and for what a crash between
sending and marking does.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from werkplaats.notifications.services import notify
from werkplaats.partnerships.models import PartnershipMember

from .models import Event, Registration

logger = logging.getLogger(__name__)

REMINDER_HOUR = 7  # local time: reminders arrive at the start of the working day


def _when(event: Event) -> str:
    return formats.date_format(timezone.localtime(event.starts_at), "DATETIME_FORMAT")


def _mail(user: Any, template: str, context: dict[str, Any]) -> None:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {"user": user, "when": _when(context["event"]), **context}
        subject = render_to_string(f"meetings/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"meetings/email/{template}.txt", context)
    send_mail(subject, body, None, [user.email])


def _context(event: Event) -> dict[str, Any]:
    return {"event": event, "url": settings.WERKPLAATS_BASE_URL.rstrip("/") + event.get_absolute_url()}


# --- The reminder the day before --------------------------------------------------------------


def registrations_to_remind(now: datetime.datetime) -> list[Registration]:
    """Confirmed sign-ups not reminded yet, of events that start between now and the end of
    tomorrow (local time), for people who are still members; in one query.

    "Tomorrow" and not "exactly tomorrow": a run that was missed, or a sign-up made late, is
    still reminded before the event."""
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    horizon = timezone.make_aware(datetime.datetime.combine(tomorrow + datetime.timedelta(days=1), datetime.time()))
    still_member = PartnershipMember.objects.active().filter(
        partnership_id=OuterRef("event__partnership_id"), user_id=OuterRef("user_id")
    )
    return list(
        Registration.objects.confirmed()
        .filter(
            reminded_at__isnull=True,
            event__cancelled_at__isnull=True,
            event__partnership__is_active=True,
            event__starts_at__gt=now,
            event__starts_at__lt=horizon,
            user__is_active=True,
        )
        .filter(Exists(still_member))
        .select_related("event__partnership", "user")
        .order_by("event__starts_at", "pk")
    )


def reminder_key(registration: Registration) -> str:
    return f"event-reminder:{registration.event_id}:{registration.event.starts_at.date().isoformat()}"


def send_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind everyone with a place of an event that starts by the end of tomorrow. Returns the
    e-mails sent.

    Once per sign-up: each one is first *claimed* with a conditional UPDATE (``reminded_at`` from
    empty to now), committed on its own, and only the run whose UPDATE changed the row sends. So a
    second run, or a second worker running at the same moment, finds it claimed and sends nothing.

    A crash between claiming and sending (the worker is killed, the machine stops) leaves the
    sign-up marked as reminded without an e-mail: that person is not reminded. We choose that
    (at most once) over the opposite order (send, then mark), where the same crash would remind
    everyone again on the next run: a missed reminder costs little, since the event is in the
    person's calendar and in-app list already, and duplicates make people ignore the mail. An
    e-mail that fails with an error (the mail server refuses) is not a crash: the claim is released
    and the next run tries again."""
    now = now or timezone.now()
    sent = 0
    for registration in registrations_to_remind(now):
        claimed = Registration.objects.filter(pk=registration.pk, reminded_at__isnull=True).update(reminded_at=now)
        if not claimed:
            continue  # another run got there first
        event, user = registration.event, registration.user

        def message(event: Event = event) -> str:
            return gettext("Reminder: %(title)s starts on %(when)s.") % {"title": event.title, "when": _when(event)}

        notify([user], message=message, url=event.get_absolute_url(), key=reminder_key(registration))
        if not user.email:
            continue
        try:
            _mail(user, "reminder", _context(event))
        except Exception:
            Registration.objects.filter(pk=registration.pk).update(reminded_at=None)
            logger.exception("Event reminder for sign-up %s failed", registration.pk)
            continue
        sent += 1
    return sent


def next_run(now: datetime.datetime) -> datetime.datetime:
    """The next 07:00 local time after ``now``."""
    local = timezone.localtime(now)
    run = local.replace(hour=REMINDER_HOUR, minute=0, second=0, microsecond=0)
    return run if run > local else run + datetime.timedelta(days=1)


def schedule_event_reminders(*, now: datetime.datetime | None = None) -> bool:
    """Make sure the worker runs the event reminders at the next 07:00: enqueue the task unless a
    run is already waiting. Returns whether it enqueued one. Only the database backend keeps tasks
    waiting; with another backend this does nothing (use cron and ``send_event_reminders``)."""
    from django_tasks_db.models import DBTaskResult

    if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
        return False
    waiting = DBTaskResult.objects.filter(task_path=send_event_reminders.module_path, status="READY").exists()
    if waiting:
        return False
    send_event_reminders.using(run_after=next_run(now or timezone.now())).enqueue()
    return True


@task()
def send_event_reminders() -> int:
    """Runs daily on the worker: reminds, then schedules tomorrow's run. Cron can run
    ``manage.py send_event_reminders`` instead."""
    sent = send_reminders()
    schedule_event_reminders()
    return sent


# --- Cancellations and places that came free --------------------------------------------------


@task()
def notify_event_cancelled(event_id: int) -> int:
    """Tell everyone who signed up or waits that the event is off (in the app and by e-mail)."""
    event = Event.objects.select_related("partnership").filter(pk=event_id, cancelled_at__isnull=False).first()
    if event is None:
        return 0

    def message() -> str:
        return gettext("%(title)s on %(when)s has been cancelled.") % {"title": event.title, "when": _when(event)}

    people = [
        r.user
        for r in event.registrations.active().select_related("user")
        if r.user.is_active and r.user_id != event.cancelled_by_id
    ]
    sent = 0
    for notification in notify(
        people, message=message, url=event.get_absolute_url(), key=f"event-cancelled:{event.pk}"
    ):
        # Only those notified just now (the notification is unique per key) get the e-mail.
        if notification.recipient.email:
            _mail_quietly(notification.recipient, "cancelled", _context(event))
            sent += 1
    return sent


@task()
def notify_promoted(registration_id: int) -> int:
    """Tell someone that a place came free and is theirs now."""
    registration = (
        Registration.objects.confirmed()
        .select_related("event__partnership", "user")
        .filter(pk=registration_id, promoted_at__isnull=False)
        .first()
    )
    if registration is None or not registration.user.is_active:
        return 0
    event, user = registration.event, registration.user

    def message() -> str:
        return gettext("A place came free: you are now signed up for %(title)s on %(when)s.") % {
            "title": event.title,
            "when": _when(event),
        }

    if not notify([user], message=message, url=event.get_absolute_url(), key=f"event-promoted:{registration.pk}"):
        return 0
    if not user.email:
        return 0
    _mail_quietly(user, "promoted", _context(event))
    return 1


def _mail_quietly(user: Any, template: str, context: dict[str, Any]) -> None:
    """E-mail, and log rather than fail: the in-app notification has been made already."""
    try:
        _mail(user, template, context)
    except Exception:
        logger.exception("Calendar e-mail %s to user %s failed", template, user.pk)

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

from django.db.models import Exists, OuterRef
from django.utils import formats, timezone
from django.utils.translation import gettext
from django_tasks import task

from werkplaats.core import scheduling
from werkplaats.notifications.services import notify
from werkplaats.partnerships.models import PartnershipMember

from .models import Event, Registration

logger = logging.getLogger(__name__)

REMINDER_HOUR = 7  # local time: reminders arrive at the start of the working day


def _when(event: Event) -> str:
    return formats.date_format(timezone.localtime(event.starts_at), "DATETIME_FORMAT")


def _context(event: Event) -> dict[str, Any]:
    return {"event": event}


def _template(name: str) -> str:
    return f"meetings/email/{name}"


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
    # The start time is part of the key: an event moved to another time is reminded again.
    starts = timezone.localtime(registration.event.starts_at).strftime("%Y-%m-%dT%H:%M")
    return f"event-reminder:{registration.event_id}:{starts}"


def send_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind everyone with a place of an event that starts by the end of tomorrow, in the app and
    by e-mail as each person chose (``werkplaats.notifications``). Returns the people reminded.

    Once per sign-up: each one is first *claimed* with a conditional UPDATE (``reminded_at`` from
    empty to now), committed on its own, and only the run whose UPDATE changed the row reminds. A
    second run, or a second worker at the same moment, finds it claimed and does nothing; the
    notification's key is unique per person as well. The e-mail itself goes at most once: see
    ``werkplaats.notifications.services`` for what a crash or a refusing mail server does."""
    now = now or timezone.now()
    reminded = 0
    for registration in registrations_to_remind(now):
        claimed = Registration.objects.filter(pk=registration.pk, reminded_at__isnull=True).update(reminded_at=now)
        if not claimed:
            continue  # another run got there first
        event, user = registration.event, registration.user

        def message(event: Event = event) -> str:
            return gettext("Reminder: %(title)s starts on %(when)s.") % {"title": event.title, "when": _when(event)}

        if notify(
            [user],
            message=message,
            url=event.get_absolute_url(),
            key=reminder_key(registration),
            template=_template("reminder"),
            context=_context(event),
        ):
            reminded += 1
    return reminded


def next_run(now: datetime.datetime) -> datetime.datetime:
    """The next 07:00 local time after ``now``."""
    return scheduling.next_run(now, REMINDER_HOUR)


def schedule_event_reminders(*, now: datetime.datetime | None = None) -> bool:
    """Queue the daily reminders for the next 07:00 unless a run is waiting (see
    ``werkplaats.core.scheduling``)."""
    return scheduling.schedule_daily(send_event_reminders, now=now, hour=REMINDER_HOUR)


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
    told = notify(
        people,
        message=message,
        url=event.get_absolute_url(),
        key=f"event-cancelled:{event.pk}",
        template=_template("cancelled"),
        context=_context(event),
    )
    return len(told)


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

    told = notify(
        [user],
        message=message,
        url=event.get_absolute_url(),
        key=f"event-promoted:{registration.pk}",
        template=_template("promoted"),
        context=_context(event),
    )
    return len(told)

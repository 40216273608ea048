"""Background work for the guests of information sessions (people without an account, see
``models.GuestRegistration``): the confirmation with the private link to cancel, the notes when a
place came free or the session was cancelled, the reminder the day before, and deleting their
personal data 30 days after the session.

Guests are no users: they are written to by e-mail only (Django's ``send_mail``), in the language
of the page they signed up on. ``run_guest_jobs`` does the daily part (reminders, then the purge);
the worker runs it through the task ``send_guest_reminders``, cron through the management command
of the same name.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django_tasks import task

from werkplaats.audit.context import acting_as, system_actor
from werkplaats.audit.models import Action
from werkplaats.audit.recorder import record
from werkplaats.core import scheduling

from .models import Event, GuestRegistration

logger = logging.getLogger(__name__)

REMINDER_HOUR = 7  # local time, as the members' reminders
# How long after the session its guests' personal data is kept: time enough to send a follow-up
# and answer questions, and no longer.
KEEP_GUEST_DATA = datetime.timedelta(days=30)


def _absolute(path: str) -> str:
    return settings.WERKPLAATS_BASE_URL.rstrip("/") + path


def _mail(guest: GuestRegistration, template: str, context: dict[str, Any] | None = None) -> None:
    event = guest.event
    with translation.override(guest.language or settings.LANGUAGE_CODE):
        context = {
            "guest": guest,
            "event": event,
            "when": formats.date_format(timezone.localtime(event.starts_at), "DATETIME_FORMAT"),
            "page_url": _absolute(event.get_public_url()),
            **(context or {}),
        }
        subject = render_to_string(f"meetings/email/guest_{template}_subject.txt", context).strip()
        body = render_to_string(f"meetings/email/guest_{template}.txt", context)
    send_mail(subject, body, None, [guest.email])


def _mail_quietly(guest: GuestRegistration, template: str) -> bool:
    """E-mail, and log rather than fail, so one refused address does not stop the others."""
    try:
        _mail(guest, template)
    except Exception:
        logger.exception("Guest e-mail %s for guest sign-up %s failed", template, guest.pk)
        return False
    return True


# --- Right after signing up, and when something changes ----------------------------------------


@task()
def send_guest_confirmation(guest_id: int) -> bool:
    """Confirm a guest's sign-up (a place, or a place on the waiting list) with the private link
    to cancel it.

    The link's token is issued here, so the task queue never holds it (only its hash is stored).
    Should the task run twice, the second e-mail carries a new link and the first one stops
    working: never two valid links."""
    from .services import issue_guest_token

    guest = (
        GuestRegistration.objects.active().not_purged().select_related("event__partnership").filter(pk=guest_id).first()
    )
    if guest is None:
        return False
    token = issue_guest_token(guest)
    if token is None:
        return False
    guest.refresh_from_db(fields=["status"])  # a place may have come free meanwhile
    cancel_url = _absolute(reverse("meetings:guest-cancel", kwargs={"token": token}))
    _mail(guest, "confirmation", {"cancel_url": cancel_url})
    return True


@task()
def notify_guest_promoted(guest_id: int) -> bool:
    """Tell a guest that a place came free and is theirs now."""
    guest = (
        GuestRegistration.objects.confirmed()
        .not_purged()
        .select_related("event__partnership")
        .filter(pk=guest_id, promoted_at__isnull=False, event__cancelled_at__isnull=True)
        .first()
    )
    return guest is not None and _mail_quietly(guest, "promoted")


@task()
def notify_guests_of_cancellation(event_id: int) -> int:
    """Tell every guest who had a place or waited that the session is off. Queued once, when the
    session is cancelled (a cancelled session cannot be cancelled again)."""
    event = Event.objects.select_related("partnership").filter(pk=event_id, cancelled_at__isnull=False).first()
    if event is None:
        return 0
    sent = 0
    for guest in event.guests.active().not_purged():
        guest.event = event
        sent += _mail_quietly(guest, "cancelled")
    return sent


# --- The reminder the day before ---------------------------------------------------------------


def guests_to_remind(now: datetime.datetime) -> list[GuestRegistration]:
    """Guests with a place, not reminded yet, of sessions that start between now and the end of
    tomorrow (local time); in one query. As for members, "by the end of tomorrow" and not
    "exactly tomorrow": a missed run or a late sign-up is still reminded before the session."""
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    horizon = timezone.make_aware(datetime.datetime.combine(tomorrow + datetime.timedelta(days=1), datetime.time()))
    return list(
        GuestRegistration.objects.confirmed()
        .not_purged()
        .filter(
            reminded_at__isnull=True,
            event__cancelled_at__isnull=True,
            event__partnership__is_active=True,
            event__starts_at__gt=now,
            event__starts_at__lt=horizon,
        )
        .select_related("event__partnership")
        .order_by("event__starts_at", "pk")
    )


def remind_guests(*, now: datetime.datetime | None = None) -> int:
    """Remind every guest with a place of a session that starts by the end of tomorrow. Returns
    the e-mails sent.

    Once per guest sign-up: each one is first *claimed* with a conditional UPDATE (``reminded_at``
    from empty to now), committed on its own, and only the run whose UPDATE changed the row sends.
    So a second run, or a second worker running at the same moment, finds it claimed and sends
    nothing.

    A crash between claiming and sending (the worker is killed, the machine stops) leaves the
    sign-up marked as reminded without an e-mail: that guest is not reminded. We choose that (at
    most once) over the opposite order (send, then mark), where the same crash would remind every
    guest again on the next run: a missed reminder costs little, since the guest has the
    confirmation with the date already, and duplicates make people ignore the mail. An e-mail that
    fails with an error (the mail server refuses) is not a crash: the claim is released and the
    next run tries again."""
    now = now or timezone.now()
    sent = 0
    for guest in guests_to_remind(now):
        claimed = GuestRegistration.objects.filter(pk=guest.pk, reminded_at__isnull=True).update(reminded_at=now)
        if not claimed:
            continue  # another run got there first
        try:
            _mail(guest, "reminder")
        except Exception:
            GuestRegistration.objects.filter(pk=guest.pk, reminded_at=now).update(reminded_at=None)
            logger.exception("Guest reminder for guest sign-up %s failed", guest.pk)
            continue
        sent += 1
    return sent


# --- Deleting the personal data ---------------------------------------------------------------


def purge_guests(*, now: datetime.datetime | None = None) -> int:
    """Delete the personal data (name, e-mail address, organisation, phone number, cancel token)
    of the guests of every session that ended more than ``KEEP_GUEST_DATA`` ago, cancelled ones
    too. The rows stay, emptied, with their status: the numbers of guests who came, waited or
    cancelled remain. Returns the guest sign-ups emptied.

    One UPDATE per session, with one audit entry saying how many (a bulk update sends no
    signals, so the audit registry would not see it)."""
    now = now or timezone.now()
    cutoff = now - KEEP_GUEST_DATA
    events = Event.objects.filter(
        ends_at__lte=cutoff, pk__in=GuestRegistration.objects.not_purged().values("event_id")
    ).order_by("pk")
    purged = 0
    for event in events:
        with transaction.atomic():
            count = GuestRegistration.objects.filter(event=event, purged_at__isnull=True).update(
                name="", email="", organisation="", phone="", cancel_token_hash=None, purged_at=now
            )
            if count:
                record(
                    Action.UPDATE,
                    event,
                    object_repr=f"guest personal data deleted: {event}",
                    changes={"guests_purged": count, "personal_data": ["kept", "deleted"]},
                )
        purged += count
    return purged


# --- The daily run -----------------------------------------------------------------------------


def run_guest_jobs(now: datetime.datetime | None = None) -> dict[str, int]:
    """The daily work for guests: remind those coming tomorrow, then delete the personal data of
    guests of sessions that ended more than 30 days ago. Safe to run any number of times."""
    with acting_as(system_actor("guest jobs")):
        return {"reminded": remind_guests(now=now), "purged": purge_guests(now=now)}


def schedule_guest_jobs(*, now: datetime.datetime | None = None) -> bool:
    """Make sure the worker runs the guest jobs at the next 07:00 (see ``core.scheduling``)."""
    return scheduling.schedule_daily(send_guest_reminders, now=now, hour=REMINDER_HOUR)


@task()
def send_guest_reminders() -> dict[str, int]:
    """Runs daily on the worker: the guest jobs, then schedules tomorrow's run. Cron can run
    ``manage.py send_guest_reminders`` instead."""
    done = run_guest_jobs()
    schedule_guest_jobs()
    return done

"""Notifications: the one way every feature tells a person something.

``notify`` writes the notification once per person and event (its ``key``), in the person's own
language, together with the e-mail about it. How it then reaches the person by e-mail is their
choice (``NotificationSettings.email_frequency``): each one as it happens, one digest a day or a
week, or not at all. The in-app list always has it.

E-mail goes at most once per notification. Sending is preceded by a *claim*: a conditional
UPDATE of ``mail_status`` from "pending" to "sent", committed on its own; only the run whose
UPDATE changed the row sends. A second run, or a second worker at the same moment, finds it
claimed and sends nothing. If sending fails with an error (the mail server refuses), the claim is
released and the daily run tries again. If the process dies between the claim and the hand-over
to the mail server, that e-mail is lost, and the notification still waits in the app. We chose
that (at most once) over the other order (send, then mark), where the same crash would send the
e-mail again after every restart: duplicates teach people to ignore what we send.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .links import safe_link
from .models import EmailFrequency, MailStatus, Notification, NotificationSettings

logger = logging.getLogger(__name__)

Message = str | Callable[[], str]

DIGEST_HOUR = 7  # local time: digests arrive at the start of the working day
DIGEST_WEEKDAY = 0  # Monday
SUBJECT_LENGTH = 120


_without_email: ContextVar[bool] = ContextVar("notifications_without_email", default=False)


@contextlib.contextmanager
def without_email() -> Iterator[None]:
    """Notifications made inside are for the app only (loading demo data or history, say). Open
    the transaction inside it, so that work waiting for the commit runs while it holds."""
    token = _without_email.set(True)
    try:
        yield
    finally:
        _without_email.reset(token)


def language_of(user: Any) -> str:
    return getattr(user, "language", None) or settings.LANGUAGE_CODE


def absolute(url: str) -> str:
    """``url`` on this site as a full address for an e-mail; "" for anything but a local path."""
    path = safe_link(url)
    return settings.WERKPLAATS_BASE_URL.rstrip("/") + path if path else ""


def frequencies(user_ids: Iterable[int]) -> dict[int, str]:
    """Each person's e-mail choice (the default where they made none), in one query."""
    ids = list(user_ids)
    chosen = dict(NotificationSettings.objects.filter(user_id__in=ids).values_list("user_id", "email_frequency"))
    return {pk: chosen.get(pk, EmailFrequency.IMMEDIATE) for pk in ids}


def frequency_of(user: Any) -> str:
    return frequencies([user.pk])[user.pk]


def set_frequency(user: Any, frequency: str) -> NotificationSettings:
    """Store ``user``'s choice. Choosing no e-mail settles what was waiting for a digest; the
    other choices keep it, so that it arrives the new way (the next digest or the daily run)."""
    if frequency not in EmailFrequency.values:
        raise ValueError(frequency)
    with transaction.atomic():
        choice, _ = NotificationSettings.objects.update_or_create(user=user, defaults={"email_frequency": frequency})
        if frequency == EmailFrequency.NEVER:
            Notification.objects.filter(recipient=user, mail_status=MailStatus.PENDING).update(
                mail_status=MailStatus.SKIPPED
            )
    return choice


def _can_mail(user: Any) -> bool:
    return bool(user.is_active and user.email)


def _render(user: Any, text: str, url: str, template: str | None, context: dict[str, Any] | None) -> tuple[str, str]:
    """The e-mail about a notification, in the active language: the feature's own templates
    (``<template>_subject.txt`` and ``<template>.txt``) or the general one."""
    values = {"user": user, "message": text, "url": absolute(url), **(context or {})}
    if template is None:
        template = "notifications/email/notification"
    subject = " ".join(render_to_string(f"{template}_subject.txt", values).split())
    body = render_to_string(f"{template}.txt", values)
    if len(subject) > SUBJECT_LENGTH:
        subject = subject[: SUBJECT_LENGTH - 1].rstrip() + "…"
    return subject, body


def notify(
    recipients: Iterable[Any],
    *,
    message: Message,
    url: str = "",
    key: str,
    template: str | None = None,
    context: dict[str, Any] | None = None,
) -> list[Notification]:
    """Notify each recipient once per ``key``; returns the notifications made now (none for
    whoever had this one already).

    ``message`` may be a callable: it is then rendered in each recipient's own language, like the
    e-mail (``template`` with ``context``, or the general e-mail around ``message`` and ``url``).
    Those who want each notification by e-mail get it from the task worker once the surrounding
    transaction commits: nobody is e-mailed about work that was rolled back."""
    key = key[:200]
    people = {r.pk: r for r in recipients if r is not None}
    if not people:
        return []
    told = set(Notification.objects.filter(key=key, recipient_id__in=people).values_list("recipient_id", flat=True))
    choices = frequencies(pk for pk in people if pk not in told)
    created = []
    for pk, frequency in choices.items():
        user = people[pk]
        mailed = _can_mail(user) and frequency != EmailFrequency.NEVER and not _without_email.get()
        with translation.override(language_of(user)):
            text = message() if callable(message) else str(message)
            subject, body = _render(user, text, url, template, context) if mailed else ("", "")
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=user,
                    message=text,
                    url=url,
                    key=key,
                    email_subject=subject,
                    email_body=body,
                    mail_status=MailStatus.PENDING if mailed else MailStatus.SKIPPED,
                )
        except IntegrityError:
            continue  # told at this moment by a run beside this one
        created.append(notification)
    at_once = [
        n.pk
        for n in created
        if n.mail_status == MailStatus.PENDING and choices[n.recipient_id] == EmailFrequency.IMMEDIATE
    ]
    if at_once:
        transaction.on_commit(partial(_deliver_later, at_once), robust=True)
    return created


def _deliver_later(notification_ids: list[int]) -> None:
    """Hand the e-mails to the task worker, so that a request never waits for the mail server."""
    from .tasks import deliver_notifications

    deliver_notifications.enqueue(notification_ids)


def _claim(notification_ids: Sequence[int]) -> tuple[datetime.datetime, int]:
    """Mark the pending ones among ``notification_ids`` as sent; returns the mark and how many
    it took. The mark (``mailed_at``) tells this claim's rows from another run's."""
    mark = timezone.now()
    count = Notification.objects.filter(pk__in=list(notification_ids), mail_status=MailStatus.PENDING).update(
        mail_status=MailStatus.SENT, mailed_at=mark
    )
    return mark, count


def _release(notification_ids: Sequence[int]) -> None:
    Notification.objects.filter(pk__in=list(notification_ids)).update(mail_status=MailStatus.PENDING, mailed_at=None)


def _footer(user: Any) -> str:
    with translation.override(language_of(user)):
        return render_to_string(
            "notifications/email/footer.txt",
            {"user": user, "settings_url": absolute(reverse("notifications:settings"))},
        )


def _send(user: Any, subject: str, body: str, connection: Any = None) -> None:
    EmailMessage(subject, body.rstrip() + "\n\n" + _footer(user), None, [user.email], connection=connection).send()


def deliver(notification_ids: Iterable[int]) -> int:
    """E-mail each of these notifications that still waits, on its own. Returns the e-mails sent."""
    waiting = list(
        Notification.objects.filter(pk__in=list(notification_ids), mail_status=MailStatus.PENDING)
        .select_related("recipient")
        .order_by("pk")
    )
    sent = 0
    connection = get_connection()
    for notification in waiting:
        user = notification.recipient
        if not _can_mail(user):
            Notification.objects.filter(pk=notification.pk).update(mail_status=MailStatus.SKIPPED)
            continue
        if not _claim([notification.pk])[1]:
            continue  # another run got there first
        subject, body = notification.email_subject, notification.email_body
        if not subject:
            with translation.override(language_of(user)):
                subject, body = _render(user, notification.message, notification.url, None, None)
        try:
            _send(user, subject, body, connection)
        except Exception:
            _release([notification.pk])
            logger.exception("E-mail about notification %s failed; the daily run tries again", notification.pk)
            continue
        sent += 1
    return sent


# --- Digests ------------------------------------------------------------------------------------


def digest_cutoff(now: datetime.datetime) -> datetime.datetime:
    """The start of the digest period's end: today's 07:00 local time, or yesterday's before
    then. A digest holds what came before it, so a second run on the same day finds nothing new."""
    local = timezone.localtime(now)
    cutoff = local.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    return cutoff if cutoff <= local else cutoff - datetime.timedelta(days=1)


def _digest(user: Any, notifications: list[Notification], frequency: str) -> tuple[str, str]:
    items = [{"message": n.message, "url": absolute(n.url), "created_at": n.created_at} for n in notifications]
    values = {"user": user, "items": items, "count": len(items), "weekly": frequency == EmailFrequency.WEEKLY}
    subject = " ".join(render_to_string("notifications/email/digest_subject.txt", values).split())
    return subject, render_to_string("notifications/email/digest.txt", values)


def send_digests(*, now: datetime.datetime | None = None) -> int:
    """Runs daily: one e-mail per person who chose a daily digest (or a weekly one, on Mondays)
    with their unread notifications from before today's 07:00; and a second chance for the
    e-mails that failed for those who want each one. Returns the e-mails sent.

    Read notifications are not e-mailed any more: the person has seen them."""
    now = now or timezone.now()
    cutoff = digest_cutoff(now)
    weekly = timezone.localtime(cutoff).weekday() == DIGEST_WEEKDAY
    waiting = Notification.objects.filter(mail_status=MailStatus.PENDING, created_at__lt=now)
    waiting.filter(read_at__isnull=False).update(mail_status=MailStatus.SKIPPED)
    recipient_ids = set(waiting.values_list("recipient_id", flat=True).distinct())
    choices = frequencies(recipient_ids)
    users = get_user_model().objects.in_bulk(recipient_ids)
    sent = 0
    connection = get_connection()
    for pk in sorted(recipient_ids):
        user, frequency = users[pk], choices[pk]
        mine = waiting.filter(recipient_id=pk)
        if not _can_mail(user) or frequency == EmailFrequency.NEVER:
            mine.update(mail_status=MailStatus.SKIPPED)
        elif frequency == EmailFrequency.IMMEDIATE:
            sent += deliver(mine.values_list("pk", flat=True))  # those whose e-mail failed
        elif frequency == EmailFrequency.DAILY or weekly:
            due = list(mine.filter(created_at__lt=cutoff).values_list("pk", flat=True))
            sent += _send_digest(user, frequency, due, connection)
    return sent


def _send_digest(user: Any, frequency: str, notification_ids: list[int], connection: Any) -> int:
    """One e-mail with the notifications among ``notification_ids`` that this run claims."""
    mark, count = _claim(notification_ids)
    if not count:
        return 0
    claimed = list(Notification.objects.filter(pk__in=notification_ids, mailed_at=mark).order_by("created_at", "pk"))
    with translation.override(language_of(user)):
        subject, body = _digest(user, claimed, frequency)
    try:
        _send(user, subject, body, connection)
    except Exception:
        _release([n.pk for n in claimed])
        logger.exception("Digest e-mail to user %s failed; the next run tries again", user.pk)
        return 0
    return 1


def mark_read(user: Any, notification_ids: Iterable[int] | None = None) -> int:
    notifications = Notification.objects.visible_to(user).unread()
    if notification_ids is not None:
        notifications = notifications.filter(pk__in=list(notification_ids))
    return notifications.update(read_at=timezone.now())

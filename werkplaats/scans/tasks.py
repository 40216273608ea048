"""Background work for the health scan: telling the members that a round opened, and reminding
those who have not answered yet when its planned closing date is near.

Each goes once per round and person, however often it runs: the notification is the record
(unique per recipient and key), and the notifications app e-mails it as the person chose, at
most once (``werkplaats.notifications.services``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django_tasks import task

from werkplaats.core import scheduling
from werkplaats.notifications.services import notify
from werkplaats.partnerships.models import PartnershipMember

from .models import ScanResponse, ScanRound

REMIND_DAYS_BEFORE = 3  # the reminder comes this many days before the planned closing date


def answer_url(scan_round: ScanRound) -> str:
    return reverse("scans:answer", kwargs={"slug": scan_round.partnership.slug, "pk": scan_round.pk})


def _members_without_answer(scan_round: ScanRound) -> list[Any]:
    answered = ScanResponse.objects.filter(round=scan_round, member=OuterRef("pk"))
    return [
        m.user
        for m in PartnershipMember.objects.active()
        .filter(partnership_id=scan_round.partnership_id, user__is_active=True)
        .filter(~Exists(answered))
        .select_related("user")
        .order_by("pk")
    ]


@task()
def notify_round_opened(round_id: int) -> int:
    """Tell the members (but the one who opened it) that a round is open for their answers."""
    scan_round = ScanRound.objects.open().select_related("partnership").filter(pk=round_id).first()
    if scan_round is None:
        return 0

    def message() -> str:
        if scan_round.closes_on:
            return gettext("The health scan “%(title)s” of %(partnership)s is open until %(date)s: give your view.") % {
                "title": scan_round.title,
                "partnership": scan_round.partnership.name,
                "date": scan_round.closes_on.strftime("%d-%m-%Y"),
            }
        return gettext("The health scan “%(title)s” of %(partnership)s is open: give your view.") % {
            "title": scan_round.title,
            "partnership": scan_round.partnership.name,
        }

    people = [u for u in _members_without_answer(scan_round) if u.pk != scan_round.opened_by_id]
    return len(notify(people, message=message, url=answer_url(scan_round), key=f"scan-opened:{scan_round.pk}"))


def rounds_closing(today: datetime.date) -> list[ScanRound]:
    """Open rounds whose planned closing date is within ``REMIND_DAYS_BEFORE`` days from today."""
    return list(
        ScanRound.objects.open()
        .filter(
            partnership__is_active=True,
            closes_on__gte=today,
            closes_on__lte=today + datetime.timedelta(days=REMIND_DAYS_BEFORE),
        )
        .select_related("partnership")
        .order_by("closes_on", "pk")
    )


def send_reminders(*, today: datetime.date | None = None) -> int:
    """Remind each member who has not answered an open round that it closes soon. Returns the
    reminders made."""
    today = today or timezone.localdate()
    reminded = 0
    for scan_round in rounds_closing(today):

        def message(scan_round: ScanRound = scan_round) -> str:
            return gettext(
                "Reminder: the health scan “%(title)s” of %(partnership)s closes on %(date)s and you have not "
                "answered yet."
            ) % {
                "title": scan_round.title,
                "partnership": scan_round.partnership.name,
                "date": scan_round.closes_on.strftime("%d-%m-%Y") if scan_round.closes_on else "",
            }

        reminded += len(
            notify(
                _members_without_answer(scan_round),
                message=message,
                url=answer_url(scan_round),
                key=f"scan-closing:{scan_round.pk}",
            )
        )
    return reminded


@task()
def send_scan_reminders() -> int:
    """Runs daily on the worker, then queues tomorrow's run. Cron can run
    ``manage.py send_scan_reminders`` instead."""
    reminded = send_reminders()
    scheduling.schedule_daily(send_scan_reminders)
    return reminded

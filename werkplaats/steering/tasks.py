"""Background work for steering: reports that fall due, reminders to the groups that owe them,
and notes to the steering group when a report comes in (and to the group when it is answered).

Each reminder goes once per report, phase (due soon, overdue) and person, however often the task
runs: the notification is the record (unique per recipient and key), and the notifications app
e-mails it as the person chose, at most once (``werkplaats.notifications.services``).
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django_tasks import task

from werkplaats.core import scheduling
from werkplaats.notifications.services import notify
from werkplaats.partnerships.models import GroupMember, ProgressReport

from . import services

logger = logging.getLogger(__name__)

REMIND_DAYS_BEFORE = 7


def reminder_key(report: ProgressReport, *, overdue: bool) -> str:
    return f"report-{'overdue' if overdue else 'due'}:{report.pk}"


def report_url(report: ProgressReport) -> str:
    return reverse("steering:report", kwargs={"slug": report.group.partnership.slug, "pk": report.pk})


def _active_members_prefetch(prefix: str) -> Prefetch:
    return Prefetch(
        f"{prefix}members",
        queryset=GroupMember.objects.active().filter(member__left_on__isnull=True).select_related("member__user"),
        to_attr="active_members",
    )


def _notify(user: Any, *, key: str, message: Any, url: str, template: str, context: dict[str, Any]) -> bool:
    """Notify ``user`` once per ``key`` (with the e-mail ``steering/email/<template>``). Returns
    whether this call told them."""
    told = notify([user], message=message, url=url, key=key, template=f"steering/email/{template}", context=context)
    return bool(told)


def reports_to_remind(today: datetime.date) -> list[ProgressReport]:
    """Unsubmitted reports of open groups due within ``REMIND_DAYS_BEFORE`` days or overdue, with
    the people to remind, in a fixed number of queries."""
    return list(
        ProgressReport.objects.unsubmitted()
        .filter(
            group__closed_on__isnull=True,
            group__partnership__is_active=True,
            due_on__lte=today + datetime.timedelta(days=REMIND_DAYS_BEFORE),
        )
        .select_related("group__partnership", "group__coordinator", "group__accountable_to")
        .prefetch_related(_active_members_prefetch("group__"))
        .order_by("due_on", "pk")
    )


def send_reminders(*, today: datetime.date | None = None) -> int:
    """Create the reports that fell due, then remind each group's coordinator and members of a
    report due within a week, and once more when it is overdue. Returns the reminders made."""
    today = today or timezone.localdate()
    services.ensure_due_reports(today)
    sent = 0
    for report in reports_to_remind(today):
        overdue = report.due_on < today
        key = reminder_key(report, overdue=overdue)
        url = report_url(report)
        group = report.group

        def message(report: ProgressReport = report, overdue: bool = overdue) -> str:
            values = {"group": report.group.name, "date": report.due_on.strftime("%d-%m-%Y")}
            if overdue:
                return gettext("The progress report of %(group)s was due on %(date)s and is overdue.") % values
            return gettext("The progress report of %(group)s is due on %(date)s.") % values

        context = {"report": report, "group": group, "overdue": overdue}
        for user in services.report_recipients(group):
            if _notify(user, key=key, message=message, url=url, template="report_due", context=context):
                sent += 1
    return sent


@task()
def notify_report_submitted(report_id: int) -> int:
    """Tell the members of the group the report accounts to (the steering group) that it came in."""
    report = (
        ProgressReport.objects.select_related("group__partnership", "group__accountable_to", "submitted_by")
        .prefetch_related(_active_members_prefetch("group__accountable_to__"))
        .filter(pk=report_id)
        .first()
    )
    if report is None or report.group.accountable_to is None:
        return 0
    url = report_url(report)
    context = {"report": report, "group": report.group}

    def message() -> str:
        return gettext("%(group)s submitted its progress report: record the steering group's decision.") % {
            "group": report.group.name
        }

    sent = 0
    for group_member in report.group.accountable_to.active_members:  # type: ignore[attr-defined]
        user = group_member.member.user
        if not user.is_active or user.pk == report.submitted_by_id:
            continue
        key = f"report-submitted:{report.pk}"
        if _notify(user, key=key, message=message, url=url, template="report_submitted", context=context):
            sent += 1
    return sent


@task()
def notify_report_answered(report_id: int) -> int:
    """Tell the group's coordinator and members (in the app) that the steering group answered."""
    report = (
        ProgressReport.objects.select_related("group__partnership", "group__coordinator", "decided_by")
        .prefetch_related(_active_members_prefetch("group__"))
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        return 0

    def message() -> str:
        return gettext("The steering group answered the progress report of %(group)s.") % {"group": report.group.name}

    people = [u for u in services.report_recipients(report.group) if u.pk != report.decided_by_id]
    return len(notify(people, message=message, url=report_url(report), key=f"report-answered:{report.pk}"))


REMINDER_HOUR = 7  # local time: reminders arrive at the start of the working day


def next_run(now: datetime.datetime) -> datetime.datetime:
    """The next 07:00 local time after ``now``."""
    return scheduling.next_run(now, REMINDER_HOUR)


def schedule_report_reminders(*, now: datetime.datetime | None = None) -> bool:
    """Queue the daily reminders for the next 07:00 unless a run is waiting (see
    ``werkplaats.core.scheduling``)."""
    return scheduling.schedule_daily(send_report_reminders, now=now, hour=REMINDER_HOUR)


@task()
def send_report_reminders() -> int:
    """Runs daily on the worker: creates the reports that fell due, reminds, then schedules
    tomorrow's run. Cron can run ``manage.py send_report_reminders`` instead."""
    sent = send_reminders()
    schedule_report_reminders()
    return sent

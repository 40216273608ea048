"""Background work for trajectories: reminders of progress reviews that are due, and of the
aftercare check six months after a trajectory was completed."""

from __future__ import annotations

import calendar
import datetime
import logging

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django_tasks import task

from werkplaats.core import scheduling
from werkplaats.notifications.services import notify

from . import services
from .models import ProgressReview, Status, Trajectory

logger = logging.getLogger(__name__)


def reminder_key(trajectory: Trajectory, due: datetime.date) -> str:
    return f"review-due:{trajectory.pk}:{due.isoformat()}"


def trajectories_due(today: datetime.date) -> list[tuple[Trajectory, datetime.date]]:
    """Placed trajectories whose next progress review is due today or earlier, with that date.
    The last review's dates come in the same query (no query per trajectory)."""
    last = ProgressReview.objects.filter(trajectory=OuterRef("pk")).order_by("-held_on", "-id")
    rows = (
        Trajectory.objects.filter(status__in=services.PLACED_STATES)
        .select_related("learner", "consultant", "school_coach", "workplace_trainer")
        .annotate(
            last_held_on=Subquery(last.values("held_on")[:1]), last_next_on=Subquery(last.values("next_review_on")[:1])
        )
        .order_by("pk")
    )
    due_rows = []
    for trajectory in rows:
        due = services.next_review_due_after(
            trajectory,
            last_held_on=trajectory.last_held_on,  # type: ignore[attr-defined]
            last_next_on=trajectory.last_next_on,  # type: ignore[attr-defined]
        )
        if due is not None and due <= today:
            due_rows.append((trajectory, due))
    return due_rows


def send_reminders(*, today: datetime.date | None = None) -> int:
    """Remind the consultant, school coach and workplace trainer of every trajectory whose
    progress review is due. Returns the reminders made.

    Each reminder goes out once per trajectory, due date and person, even when this runs twice
    at the same time or again after a crash: the notification is the record, its key
    (``review-due:<trajectory>:<due date>``) unique per recipient in the database. The
    notifications app e-mails it as the person chose, at most once (see
    ``werkplaats.notifications.services`` for what a crash between claiming and sending does).
    """
    today = today or timezone.localdate()
    reminded = 0
    for trajectory, due in trajectories_due(today):
        people = (trajectory.consultant, trajectory.school_coach, trajectory.workplace_trainer)

        def message(trajectory: Trajectory = trajectory, due: datetime.date = due) -> str:
            return gettext("The progress review of %(learner)s is due (%(date)s).") % {
                "learner": trajectory.learner.full_name,
                "date": due.strftime("%d-%m-%Y"),
            }

        told = notify(
            [p for p in people if p is not None and p.is_active],
            message=message,
            url=reverse("trajectories:reviews", args=[trajectory.pk]),
            key=reminder_key(trajectory, due),
            template="trajectories/work/email/review_due",
            context={"trajectory": trajectory, "due": due, "overdue": due < today},
        )
        reminded += len(told)
    return reminded


# --- Aftercare ----------------------------------------------------------------------------------

AFTERCARE_AFTER_MONTHS = 6
# Trajectories completed longer ago than this are not reminded of any more: a reminder about a
# check that is half a year late helps nobody, and would flood a newly started installation.
AFTERCARE_HORIZON_MONTHS = 12


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` months earlier (the month's last day where it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1]))


def aftercare_key(trajectory: Trajectory) -> str:
    return f"aftercare-due:{trajectory.pk}"


def trajectories_for_aftercare(today: datetime.date) -> list[Trajectory]:
    """Completed trajectories whose six-month check is due and not recorded yet, in one query.
    A trajectory's completion is the moment it entered its present state (completed is final)."""
    tz = timezone.get_current_timezone()
    completed_by = months_before(today, AFTERCARE_AFTER_MONTHS)  # completed on this day or before
    due_before = datetime.datetime.combine(completed_by + datetime.timedelta(days=1), datetime.time(), tz)
    horizon = datetime.datetime.combine(months_before(today, AFTERCARE_HORIZON_MONTHS), datetime.time(), tz)
    return list(
        Trajectory.objects.filter(
            status=Status.COMPLETED,
            outcome_after_six_months="",
            status_changed_at__lt=due_before,
            status_changed_at__gte=horizon,
        )
        .select_related("learner", "consultant")
        .order_by("status_changed_at", "pk")
    )


def send_aftercare(*, today: datetime.date | None = None) -> int:
    """Remind the consultant that a trajectory completed six months ago needs its aftercare
    check: how is the learner doing now (work, further education, none)? Once per trajectory,
    as the review reminders. Returns the reminders made."""
    today = today or timezone.localdate()
    reminded = 0
    for trajectory in trajectories_for_aftercare(today):
        person = trajectory.consultant  # who records the outcome (``services.can_manage``)
        if person is None or not person.is_active:
            continue
        completed_on = timezone.localdate(trajectory.status_changed_at)

        def message(trajectory: Trajectory = trajectory, completed_on: datetime.date = completed_on) -> str:
            return gettext(
                "Aftercare: %(learner)s completed the trajectory on %(date)s. Ask how things are now and record it."
            ) % {"learner": trajectory.learner.full_name, "date": completed_on.strftime("%d-%m-%Y")}

        told = notify(
            [person],
            message=message,
            url=reverse("trajectories:outcome", args=[trajectory.pk]),
            key=aftercare_key(trajectory),
            template="trajectories/work/email/aftercare_due",
            context={"trajectory": trajectory, "completed_on": completed_on},
        )
        reminded += len(told)
    return reminded


REMINDER_HOUR = 7  # local time: reminders arrive at the start of the working day


def next_run(now: datetime.datetime) -> datetime.datetime:
    """The next 07:00 in Europe/Amsterdam after ``now``."""
    return scheduling.next_run(now, REMINDER_HOUR)


def schedule_review_reminders(*, now: datetime.datetime | None = None) -> bool:
    """Queue the daily reminders for the next 07:00 unless a run is waiting (see
    ``werkplaats.core.scheduling``)."""
    return scheduling.schedule_daily(send_review_reminders, now=now, hour=REMINDER_HOUR)


@task()
def send_review_reminders() -> int:
    """Runs daily on the worker: sends what is due, then schedules tomorrow's run (``make worker``
    schedules the first one). Cron can run ``manage.py send_review_reminders`` instead."""
    sent = send_reminders()
    schedule_review_reminders()
    return sent


@task()
def send_aftercare_reminders() -> int:
    """Runs daily on the worker, then queues tomorrow's run. Cron can run
    ``manage.py send_aftercare_reminders`` instead."""
    reminded = send_aftercare()
    scheduling.schedule_daily(send_aftercare_reminders, hour=REMINDER_HOUR)
    return reminded

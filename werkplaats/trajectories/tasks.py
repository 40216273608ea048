"""Background work for trajectories: reminders of progress reviews that are due."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import OuterRef, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from werkplaats.notifications.models import Notification
from werkplaats.notifications.services import notify

from . import services
from .models import ProgressReview, Trajectory

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


def _send(user: Any, trajectory: Trajectory, due: datetime.date, url: str) -> None:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "trajectory": trajectory,
            "due": due,
            "url": url,
            "overdue": due < timezone.localdate(),
        }
        subject = render_to_string("trajectories/work/email/review_due_subject.txt", context).strip()
        body = render_to_string("trajectories/work/email/review_due.txt", context)
    send_mail(subject, body, None, [user.email])


def send_reminders(*, today: datetime.date | None = None) -> int:
    """Remind the consultant, school coach and workplace trainer of every trajectory whose
    progress review is due. Returns the number of e-mails sent.

    Each reminder goes out once per trajectory, due date and person, even when this runs twice
    at the same time or again after a crash. The in-app notification is the record: its key
    (``review-due:<trajectory>:<due date>``) is unique per recipient in the database, so it is
    written first and only the run that inserted it sends the e-mail. Should sending fail, the
    record is removed again so that the next run retries. Should the process die between the
    insert and the e-mail, that one e-mail is lost but the person still sees the reminder in the
    app: we chose at most one e-mail over a chance of two, because a duplicate after every
    crash-and-rerun trains people to ignore reminders.
    """
    today = today or timezone.localdate()
    sent = 0
    for trajectory, due in trajectories_due(today):
        key = reminder_key(trajectory, due)
        url = reverse("trajectories:reviews", args=[trajectory.pk])
        full_url = settings.WERKPLAATS_BASE_URL.rstrip("/") + url
        people = (trajectory.consultant, trajectory.school_coach, trajectory.workplace_trainer)
        for user in {p.pk: p for p in people if p is not None and p.is_active}.values():

            def message(trajectory: Trajectory = trajectory, due: datetime.date = due) -> str:
                return gettext("The progress review of %(learner)s is due (%(date)s).") % {
                    "learner": trajectory.learner.full_name,
                    "date": due.strftime("%d-%m-%Y"),
                }

            if not notify([user], message=message, url=url, key=key):
                continue  # reminded before, by this run's predecessor or a run at the same time
            if not user.email:
                continue
            try:
                _send(user, trajectory, due, full_url)
            except Exception:
                Notification.objects.filter(recipient=user, key=key[:200]).delete()
                logger.exception("Review reminder for trajectory %s to user %s failed", trajectory.pk, user.pk)
                continue
            sent += 1
    return sent


REMINDER_HOUR = 7  # local time: reminders arrive at the start of the working day


def next_run(now: datetime.datetime) -> datetime.datetime:
    """The next 07:00 in Europe/Amsterdam after ``now``."""
    local = timezone.localtime(now)
    run = local.replace(hour=REMINDER_HOUR, minute=0, second=0, microsecond=0)
    return run if run > local else run + datetime.timedelta(days=1)


def schedule_review_reminders(*, now: datetime.datetime | None = None) -> bool:
    """Make sure the worker will run the reminders at the next 07:00: enqueue the task unless a
    run is already waiting. Returns whether it enqueued one. Only the database task backend keeps
    tasks waiting; with another backend this does nothing (use cron there)."""
    from django_tasks_db.models import DBTaskResult

    if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
        return False
    waiting = DBTaskResult.objects.filter(task_path=send_review_reminders.module_path, status="READY").exists()
    if waiting:
        return False
    send_review_reminders.using(run_after=next_run(now or timezone.now())).enqueue()
    return True


@task()
def send_review_reminders() -> int:
    """Runs daily on the worker: sends what is due, then schedules tomorrow's run (``make worker``
    schedules the first one). Cron can run ``manage.py send_review_reminders`` instead."""
    sent = send_reminders()
    schedule_review_reminders()
    return sent

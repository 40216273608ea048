"""Daily background work: each job is a task that does its work, then queues its own next run.

The database task backend keeps a queued run until its time (``run_after``); ``schedule_daily``
queues one unless one is already waiting, so calling it at every start (``make run``,
``make worker``, ``manage.py schedule_daily_work``) never doubles a job. With another task backend
nothing is kept waiting: run the jobs' management commands from cron instead.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

DAILY_HOUR = 7  # local time: reminders and digests arrive at the start of the working day

# Every daily job, as the dotted path of its task. Each one sends at most once per person and
# event however often it runs (see each module), so a late or doubled run does no harm.
DAILY_JOBS = [
    "werkplaats.trajectories.tasks.send_review_reminders",
    "werkplaats.trajectories.tasks.send_aftercare_reminders",
    "werkplaats.steering.tasks.send_report_reminders",
    "werkplaats.scans.tasks.send_scan_reminders",
    "werkplaats.meetings.tasks.send_event_reminders",
    "werkplaats.meetings.guest_tasks.send_guest_reminders",
    "werkplaats.notifications.tasks.send_notification_digests",
    "werkplaats.matching.counts.refresh_matching_counts",  # a recount: changes nothing when the counts are right
    "werkplaats.insights.facts.refresh_trajectory_facts",  # the same for the dashboard
    "werkplaats.privacy.tasks.erase_learners_past_retention",
    "werkplaats.imports.tasks.purge_imports_past_retention",  # removes uploaded files past their retention
]


def next_run(now: datetime.datetime, hour: int = DAILY_HOUR) -> datetime.datetime:
    """The next ``hour``:00 local time after ``now``."""
    local = timezone.localtime(now)
    run = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    return run if run > local else run + datetime.timedelta(days=1)


def keeps_waiting_tasks() -> bool:
    return "django_tasks_db" in settings.TASKS["default"]["BACKEND"]


def schedule_daily(task: Any, *, now: datetime.datetime | None = None, hour: int = DAILY_HOUR) -> bool:
    """Queue ``task`` for the next ``hour``:00 unless a run is already waiting. Returns whether it
    queued one."""
    from django_tasks_db.models import DBTaskResult

    if not keeps_waiting_tasks():
        return False
    if DBTaskResult.objects.filter(task_path=task.module_path, status="READY").exists():
        return False
    task.using(run_after=next_run(now or timezone.now(), hour)).enqueue()
    return True


def schedule_all(*, now: datetime.datetime | None = None) -> list[tuple[str, bool]]:
    """Queue every daily job that has no run waiting; returns (job, queued now) pairs."""
    return [(path, schedule_daily(import_string(path), now=now)) for path in DAILY_JOBS]

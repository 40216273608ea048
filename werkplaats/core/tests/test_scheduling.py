"""Daily jobs: one command queues each for the next 07:00, never twice."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from werkplaats.core import scheduling

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_every_daily_job_is_a_task_that_exists() -> None:
    for path in scheduling.DAILY_JOBS:
        assert hasattr(import_string(path), "enqueue"), path


def test_the_next_run_is_the_next_seven_oclock() -> None:
    early = timezone.make_aware(datetime.datetime(2026, 3, 2, 6, 59))
    late = timezone.make_aware(datetime.datetime(2026, 3, 2, 7, 0))

    assert scheduling.next_run(early) == timezone.make_aware(datetime.datetime(2026, 3, 2, 7, 0))
    assert scheduling.next_run(late) == timezone.make_aware(datetime.datetime(2026, 3, 3, 7, 0))


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_TASKS)
def test_the_command_queues_each_job_once() -> None:
    first, second = StringIO(), StringIO()
    call_command("schedule_daily_work", stdout=first)
    call_command("schedule_daily_work", stdout=second)

    waiting = DBTaskResult.objects.filter(status="READY")
    assert sorted(waiting.values_list("task_path", flat=True)) == sorted(scheduling.DAILY_JOBS)
    assert all(r.run_after is not None and timezone.localtime(r.run_after).hour == 7 for r in waiting)
    assert first.getvalue().count(": scheduled") == len(scheduling.DAILY_JOBS)
    assert second.getvalue().count("already scheduled") == len(scheduling.DAILY_JOBS)


@pytest.mark.django_db
def test_without_the_database_backend_the_command_says_to_use_cron() -> None:
    out = StringIO()
    call_command("schedule_daily_work", stdout=out)

    assert "cron" in out.getvalue()
    assert not DBTaskResult.objects.exists()

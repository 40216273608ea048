"""The worker runs the review reminders every day at 07:00 without cron: `make worker` queues
the first run, and every run queues the next one."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from werkplaats.trajectories.tasks import next_run, schedule_review_reminders, send_review_reminders

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def database_tasks(db: None) -> Iterator[None]:
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}):
        yield


def test_the_next_run_is_seven_in_the_morning_local_time() -> None:
    evening = datetime.datetime(2026, 3, 28, 22, 0, tzinfo=AMSTERDAM)
    early = datetime.datetime(2026, 3, 29, 6, 59, tzinfo=AMSTERDAM)  # the night the clocks go forward

    assert next_run(evening) == datetime.datetime(2026, 3, 29, 7, 0, tzinfo=AMSTERDAM)
    assert next_run(early) == datetime.datetime(2026, 3, 29, 7, 0, tzinfo=AMSTERDAM)
    assert next_run(datetime.datetime(2026, 3, 29, 7, 0, tzinfo=AMSTERDAM)).day == 30


def test_scheduling_twice_queues_one_run(database_tasks: None) -> None:
    now = datetime.datetime(2026, 11, 21, 9, 30, tzinfo=AMSTERDAM)

    assert schedule_review_reminders(now=now) is True
    assert schedule_review_reminders(now=now) is False

    waiting = DBTaskResult.objects.get()
    assert waiting.task_path == send_review_reminders.module_path
    assert waiting.run_after == datetime.datetime(2026, 11, 22, 7, 0, tzinfo=AMSTERDAM)


def test_a_run_queues_the_next_one(database_tasks: None) -> None:
    assert not DBTaskResult.objects.exists()

    send_review_reminders.call()

    assert DBTaskResult.objects.filter(status="READY", task_path=send_review_reminders.module_path).count() == 1


def test_without_the_database_backend_nothing_is_queued(db: None) -> None:
    assert schedule_review_reminders() is False
    assert not DBTaskResult.objects.exists()

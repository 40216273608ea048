"""The aftercare reminder: six months after a trajectory was completed, its consultant is asked
to check how the learner is doing now; once per trajectory, however often the task runs."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from werkplaats.notifications.models import Notification
from werkplaats.trajectories import tasks
from werkplaats.trajectories.models import Status, Trajectory

from . import work_world
from .work_world import WorkWorld


@pytest.fixture
def world(db: None) -> WorkWorld:
    return work_world.build(weeks_ago=40)


def _completed(world: WorkWorld, on: datetime.date) -> Trajectory:
    when = timezone.make_aware(datetime.datetime.combine(on, datetime.time(14, 0)))
    Trajectory.objects.filter(pk=world.trajectory.pk).update(status=Status.COMPLETED, status_changed_at=when)
    return world.refresh()


def test_months_before_keeps_the_day_or_takes_the_months_last() -> None:
    assert tasks.months_before(datetime.date(2026, 8, 31), 6) == datetime.date(2026, 2, 28)
    assert tasks.months_before(datetime.date(2026, 3, 15), 6) == datetime.date(2025, 9, 15)
    assert tasks.months_before(datetime.date(2026, 1, 10), 12) == datetime.date(2025, 1, 10)


def test_the_consultant_is_reminded_six_months_after_completion(
    world: WorkWorld, committed: Any, mailoutbox: list[Any]
) -> None:
    today = timezone.localdate()
    _completed(world, tasks.months_before(today, 6))

    assert committed(tasks.send_aftercare, today=today - datetime.timedelta(days=1)) == 0  # not yet
    assert committed(tasks.send_aftercare, today=today) == 1
    assert committed(tasks.send_aftercare, today=today) == 0
    call_command("send_aftercare_reminders", stdout=StringIO())

    (note,) = Notification.objects.filter(key=f"aftercare-due:{world.trajectory.pk}")
    assert note.recipient == world.consultant
    assert note.url == f"/trajectories/{world.trajectory.pk}/outcome/"
    (mail,) = mailoutbox
    assert mail.to == [world.consultant.email]
    assert mail.subject == "Aftercare check for Noor Jansen"  # the consultant reads English
    assert f"/trajectories/{world.trajectory.pk}/outcome/" in mail.body


def test_no_reminder_once_the_outcome_is_recorded_or_long_after(world: WorkWorld, committed: Any) -> None:
    today = timezone.localdate()
    _completed(world, tasks.months_before(today, 7))
    Trajectory.objects.filter(pk=world.trajectory.pk).update(
        outcome_after_six_months="work", aftercare_checked_on=today
    )
    assert committed(tasks.send_aftercare, today=today) == 0

    Trajectory.objects.filter(pk=world.trajectory.pk).update(outcome_after_six_months="")
    _completed(world, tasks.months_before(today, 13))
    assert committed(tasks.send_aftercare, today=today) == 0


def test_only_completed_trajectories_with_an_active_consultant(world: WorkWorld, committed: Any) -> None:
    today = timezone.localdate()
    _completed(world, tasks.months_before(today, 6))
    Trajectory.objects.filter(pk=world.trajectory.pk).update(status=Status.STOPPED)
    assert committed(tasks.send_aftercare, today=today) == 0

    Trajectory.objects.filter(pk=world.trajectory.pk).update(status=Status.COMPLETED, consultant=None)
    assert committed(tasks.send_aftercare, today=today) == 0


def test_finding_them_is_one_query(world: WorkWorld, django_assert_num_queries: Any) -> None:
    today = timezone.localdate()
    _completed(world, tasks.months_before(today, 6))

    with django_assert_num_queries(1):
        found = tasks.trajectories_for_aftercare(today)

    assert [t.pk for t in found] == [world.trajectory.pk]

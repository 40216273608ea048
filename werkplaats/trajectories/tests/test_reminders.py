"""Reminders of due progress reviews: to the consultant, coach and trainer, in each one's
language, once per trajectory and due date however often the task runs."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from werkplaats.accounts.models import User
from werkplaats.notifications.models import Notification
from werkplaats.trajectories import services, tasks
from werkplaats.trajectories.models import Status

from . import work_world
from .work_world import WorkWorld


@pytest.fixture
def world(db: None) -> WorkWorld:
    # Placed 8 weeks ago, reviewed never: the first review (after 6 weeks) is 2 weeks overdue.
    return work_world.build(weeks_ago=8)


def _due(world: WorkWorld) -> datetime.date:
    due = services.next_review_due(world.trajectory)
    assert due is not None
    return due


def test_the_consultant_coach_and_trainer_are_reminded_by_email_and_in_the_app(world: WorkWorld) -> None:
    sent = tasks.send_review_reminders.enqueue().return_value

    assert sent == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.consultant.email, world.school_staff.email, world.trainer.email]
    )
    key = f"review-due:{world.trajectory.pk}:{_due(world).isoformat()}"
    assert Notification.objects.filter(key=key).count() == 3
    assert all(f"/trajectories/{world.trajectory.pk}/reviews/" in m.body for m in mail.outbox)


def test_each_reminder_is_in_the_recipients_language(world: WorkWorld) -> None:
    languages: dict[str, str] = {}
    render = tasks.render_to_string

    def spy(template: str, context: dict[str, object]) -> str:
        languages[context["user"].email] = translation.get_language()  # type: ignore[attr-defined]
        return render(template, context)

    with mock.patch.object(tasks, "render_to_string", spy):
        tasks.send_reminders()

    assert languages == {world.consultant.email: "en", world.school_staff.email: "nl", world.trainer.email: "nl"}
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert by_recipient[world.consultant.email].subject == "Progress review of Noor Jansen is due"
    english = Notification.objects.get(recipient=world.consultant)
    assert english.message.startswith("The progress review of Noor Jansen is due")


def test_running_twice_sends_one_email_per_recipient(world: WorkWorld) -> None:
    assert tasks.send_reminders() == 3
    assert tasks.send_reminders() == 0
    call_command("send_review_reminders", stdout=StringIO())

    assert len(mail.outbox) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted({m.to[0] for m in mail.outbox})


def test_a_crash_after_recording_does_not_send_a_second_email(world: WorkWorld) -> None:
    """The process died after the notification was written and before the e-mail went: the
    next run does not send it (at most one e-mail; the reminder is still in the app)."""
    with mock.patch.object(tasks, "_send", side_effect=SystemExit("killed")), pytest.raises(SystemExit):
        tasks.send_reminders()
    assert Notification.objects.count() == 1

    tasks.send_reminders()

    assert len(mail.outbox) == 2  # the other two; never a duplicate
    assert Notification.objects.count() == 3


def test_a_failed_email_is_retried_on_the_next_run(world: WorkWorld) -> None:
    with mock.patch.object(tasks, "send_mail", side_effect=ConnectionRefusedError):
        assert tasks.send_reminders() == 0
    assert not Notification.objects.exists()

    assert tasks.send_reminders() == 3
    assert len(mail.outbox) == 3


def test_a_new_due_date_is_a_new_reminder(world: WorkWorld) -> None:
    tasks.send_reminders()
    # The review is held late; the next one is set in the past, so it is due again at once.
    today = timezone.localdate()
    services.record_review(
        world.trajectory,
        by=world.consultant,
        held_on=today - datetime.timedelta(days=3),
        attendees="Noor",
        next_review_on=today - datetime.timedelta(days=1),
    )

    assert tasks.send_reminders() == 3
    assert len(mail.outbox) == 6


def test_no_reminder_before_the_review_is_due_or_when_the_trajectory_is_not_placed(world: WorkWorld) -> None:
    services.record_review(world.trajectory, by=world.consultant, held_on=timezone.localdate(), attendees="Noor")
    assert tasks.send_reminders() == 0

    world.trajectory.__class__.objects.filter(pk=world.trajectory.pk).update(status=Status.PAUSED)
    assert tasks.send_reminders(today=timezone.localdate() + datetime.timedelta(weeks=10)) == 0
    assert mail.outbox == []


def test_an_inactive_or_missing_person_is_skipped(world: WorkWorld) -> None:
    User.objects.filter(pk=world.trainer.pk).update(is_active=False)
    world.trajectory.__class__.objects.filter(pk=world.trajectory.pk).update(school_coach=None)

    assert tasks.send_reminders() == 1
    assert [m.to[0] for m in mail.outbox] == [world.consultant.email]


def test_finding_the_due_trajectories_is_one_query(world: WorkWorld, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        due = tasks.trajectories_due(timezone.localdate())

    assert [(t.pk, day) for t, day in due] == [(world.trajectory.pk, _due(world))]

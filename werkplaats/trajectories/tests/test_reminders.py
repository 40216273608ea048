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
from werkplaats.notifications import services as notification_services
from werkplaats.notifications.models import Notification
from werkplaats.trajectories import services, tasks
from werkplaats.trajectories.models import Status

from . import work_world
from .work_world import WorkWorld


@pytest.fixture
def world(db: None) -> WorkWorld:
    # Placed 8 weeks ago, reviewed never: the first review (after 6 weeks) is 2 weeks overdue.
    return work_world.build(weeks_ago=8)


@pytest.fixture
def remind(django_capture_on_commit_callbacks: Any) -> Any:
    """Run the reminders as the worker does: e-mail goes out when the run's work is committed."""

    def run(**kwargs: Any) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return tasks.send_reminders(**kwargs)

    return run


def _due(world: WorkWorld) -> datetime.date:
    due = services.next_review_due(world.trajectory)
    assert due is not None
    return due


def test_the_consultant_coach_and_trainer_are_reminded_by_email_and_in_the_app(
    world: WorkWorld, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sent = tasks.send_review_reminders.enqueue().return_value

    assert sent == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.consultant.email, world.school_staff.email, world.trainer.email]
    )
    key = f"review-due:{world.trajectory.pk}:{_due(world).isoformat()}"
    assert Notification.objects.filter(key=key).count() == 3
    assert all(f"/trajectories/{world.trajectory.pk}/reviews/" in m.body for m in mail.outbox)


def test_each_reminder_is_in_the_recipients_language(world: WorkWorld, remind: Any) -> None:
    languages: dict[str, str] = {}
    render = notification_services.render_to_string

    def spy(template: str, context: dict[str, object]) -> str:
        if template.startswith("trajectories/"):
            languages[context["user"].email] = translation.get_language()  # type: ignore[attr-defined]
        return render(template, context)

    with mock.patch.object(notification_services, "render_to_string", spy):
        remind()

    assert languages == {world.consultant.email: "en", world.school_staff.email: "nl", world.trainer.email: "nl"}
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert by_recipient[world.consultant.email].subject == "Progress review of Noor Jansen is due"
    english = Notification.objects.get(recipient=world.consultant)
    assert english.message.startswith("The progress review of Noor Jansen is due")


def test_running_twice_sends_one_email_per_recipient(world: WorkWorld, remind: Any) -> None:
    assert remind() == 3
    assert remind() == 0
    call_command("send_review_reminders", stdout=StringIO())

    assert len(mail.outbox) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted({m.to[0] for m in mail.outbox})


def test_a_crash_between_claiming_and_sending_does_not_send_a_second_email(
    world: WorkWorld, remind: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The worker died after the first e-mail was claimed and before it went: no later run
    sends it (at most one e-mail; the reminder is still in the app)."""
    with django_capture_on_commit_callbacks(execute=False):
        assert tasks.send_reminders() == 3
    ids = list(Notification.objects.order_by("pk").values_list("pk", flat=True))
    with mock.patch.object(notification_services, "_send", side_effect=SystemExit("killed")), pytest.raises(SystemExit):
        notification_services.deliver(ids)
    lost = Notification.objects.get(mail_status="sent")  # claimed, never handed to the mail server

    assert remind() == 0
    assert notification_services.send_digests() == 2  # the two not tried yet

    assert len(mail.outbox) == 2
    assert lost.recipient.email not in {m.to[0] for m in mail.outbox}


def test_a_failed_email_is_retried_by_the_daily_run(world: WorkWorld, remind: Any) -> None:
    with mock.patch.object(notification_services, "_send", side_effect=ConnectionRefusedError):
        assert remind() == 3  # reminded in the app
    assert mail.outbox == []
    assert remind() == 0  # not reminded twice

    assert notification_services.send_digests() == 3
    assert len(mail.outbox) == 3
    assert notification_services.send_digests() == 0


def test_a_new_due_date_is_a_new_reminder(world: WorkWorld, remind: Any) -> None:
    remind()
    # The review is held late; the next one is set in the past, so it is due again at once.
    today = timezone.localdate()
    services.record_review(
        world.trajectory,
        by=world.consultant,
        held_on=today - datetime.timedelta(days=3),
        attendees="Noor",
        next_review_on=today - datetime.timedelta(days=1),
    )

    assert remind() == 3
    assert len(mail.outbox) == 6


def test_no_reminder_before_the_review_is_due_or_when_the_trajectory_is_not_placed(
    world: WorkWorld, remind: Any
) -> None:
    services.record_review(world.trajectory, by=world.consultant, held_on=timezone.localdate(), attendees="Noor")
    assert remind() == 0

    world.trajectory.__class__.objects.filter(pk=world.trajectory.pk).update(status=Status.PAUSED)
    assert remind(today=timezone.localdate() + datetime.timedelta(weeks=10)) == 0
    assert mail.outbox == []


def test_an_inactive_or_missing_person_is_skipped(world: WorkWorld, remind: Any) -> None:
    User.objects.filter(pk=world.trainer.pk).update(is_active=False)
    world.trajectory.__class__.objects.filter(pk=world.trajectory.pk).update(school_coach=None)

    assert remind() == 1
    assert [m.to[0] for m in mail.outbox] == [world.consultant.email]


def test_finding_the_due_trajectories_is_one_query(world: WorkWorld, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        due = tasks.trajectories_due(timezone.localdate())

    assert [(t.pk, day) for t, day in due] == [(world.trajectory.pk, _due(world))]

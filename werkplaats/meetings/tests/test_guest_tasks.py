"""The daily guest jobs: the reminder the day before (once per guest, however often it runs) and
deleting the guests' personal data 30 days after the session (the numbers stay)."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from werkplaats.audit.models import Action, AuditLogEntry
from werkplaats.meetings import guest_tasks, services
from werkplaats.meetings.models import Event, GuestRegistration, RegistrationStatus
from werkplaats.partnerships.tests.factories import Cast

from .conftest import MakeEvent, soon

pytestmark = pytest.mark.usefixtures("english")


def _guest(event: Event, email: str, **fields: Any) -> GuestRegistration:
    return services.sign_up_guest(
        event,
        name=fields.get("name", "Annemiek Dijkstra"),
        email=email,
        organisation=fields.get("organisation", "Bloemenhuis Dijkstra"),
        phone=fields.get("phone", "050 311 2233"),
        language=fields.get("language", "en"),
        consent=True,
    )


@pytest.fixture
def tomorrow(make_event: MakeEvent) -> Event:
    """A session tomorrow at 10:00, open to guests, with 2 places: two guests have one, a third
    waits."""
    event = make_event(starts_at=soon(days=1), capacity=2, guest_signup=True, title="Werkgeversontbijt")
    for email in ("a@bloemenhuis.example.nl", "b@hofstede.example.nl", "c@wacht.example.nl"):
        _guest(event, email)
    return event


# --- The reminder -------------------------------------------------------------------------------


def test_guests_with_a_place_are_reminded_the_day_before(tomorrow: Event, mailoutbox: list[Any]) -> None:
    sent = guest_tasks.remind_guests()

    assert sent == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["a@bloemenhuis.example.nl", "b@hofstede.example.nl"]
    assert mailoutbox[0].subject == "Tomorrow: Werkgeversontbijt"
    assert tomorrow.get_public_url() in mailoutbox[0].body


def test_running_the_jobs_twice_sends_one_email_each(tomorrow: Event, mailoutbox: list[Any]) -> None:
    assert guest_tasks.run_guest_jobs() == {"reminded": 2, "purged": 0}
    assert guest_tasks.run_guest_jobs() == {"reminded": 0, "purged": 0}
    out = StringIO()
    call_command("send_guest_reminders", stdout=out)

    assert len(mailoutbox) == 2
    assert "0 guest reminder e-mail(s) sent" in out.getvalue()


def test_a_crash_between_claiming_and_sending_does_not_remind_twice(tomorrow: Event, mailoutbox: list[Any]) -> None:
    """The claim stays, so nobody gets the e-mail twice (and the one whose e-mail was lost is not
    reminded: at most once, as remind_guests explains)."""
    with mock.patch.object(guest_tasks, "_mail", side_effect=SystemExit("worker killed")), pytest.raises(SystemExit):
        guest_tasks.remind_guests()

    assert guest_tasks.remind_guests() == 1  # the other one, not yet claimed when the worker died
    assert guest_tasks.remind_guests() == 0
    assert len(mailoutbox) == 1


def test_a_failed_email_is_tried_again_on_the_next_run(tomorrow: Event, mailoutbox: list[Any]) -> None:
    with mock.patch.object(guest_tasks, "send_mail", side_effect=ConnectionRefusedError("mail server down")):
        assert guest_tasks.remind_guests() == 0

    assert not tomorrow.guests.filter(reminded_at__isnull=False).exists()
    assert guest_tasks.remind_guests() == 2
    assert len(mailoutbox) == 2


def test_sessions_further_away_cancelled_ones_and_cancelled_guests_are_not_reminded(
    make_event: MakeEvent, tomorrow: Event, mailoutbox: list[Any]
) -> None:
    later = make_event(starts_at=soon(days=3), guest_signup=True)
    _guest(later, "later@example.nl")
    first = tomorrow.guests.get(email="a@bloemenhuis.example.nl")
    services.cancel_guest_sign_up(first)  # the one who waited moves up
    Event.objects.filter(pk=tomorrow.pk).update(cancelled_at=timezone.now())

    assert guest_tasks.remind_guests() == 0
    assert guest_tasks.remind_guests(now=later.starts_at - datetime.timedelta(days=1)) == 1


def test_a_moved_session_is_reminded_again(c: Cast, tomorrow: Event, mailoutbox: list[Any]) -> None:
    guest_tasks.remind_guests()
    fields = {name: getattr(tomorrow, name) for name in services.EDITABLE}
    later = tomorrow.starts_at + datetime.timedelta(hours=2)
    services.update_event(
        tomorrow, by=c.manager.user, **{**fields, "starts_at": later, "ends_at": later + datetime.timedelta(hours=1)}
    )

    assert guest_tasks.remind_guests() == 2
    assert len(mailoutbox) == 4


def test_the_reminder_is_in_the_language_of_the_sign_up_page(make_event: MakeEvent, mailoutbox: list[Any]) -> None:
    event = make_event(starts_at=soon(days=1), guest_signup=True, title="Ontbijt")
    _guest(event, "en@example.nl", language="en")
    _guest(event, "nl@example.nl", language="nl")

    with mock.patch.object(guest_tasks.translation, "override", wraps=guest_tasks.translation.override) as override:
        guest_tasks.remind_guests()

    assert sorted(call.args[0] for call in override.call_args_list) == ["en", "nl"]


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}})
def test_the_daily_run_is_queued_once(db: None) -> None:
    assert guest_tasks.schedule_guest_jobs() is True
    assert guest_tasks.schedule_guest_jobs() is False

    assert DBTaskResult.objects.filter(task_path=guest_tasks.send_guest_reminders.module_path).count() == 1


# --- Deleting the personal data 30 days after the session ----------------------------------------


@pytest.fixture
def past(c: Cast, make_event: MakeEvent) -> Event:
    """A session that was open to guests, with a guest who came, one who waited and one who
    cancelled, and a member; it is tomorrow."""
    event = make_event(starts_at=soon(days=1), capacity=2, guest_signup=True, title="Afgelopen ontbijt")
    _guest(event, "kwam@example.nl")
    services.sign_up(event, user=c.member.user)
    _guest(event, "wachtte@example.nl")
    services.cancel_guest_sign_up(_guest(event, "zegde-af@example.nl"))
    return event


def _after_end(event: Event, days: float) -> datetime.datetime:
    return event.ends_at + datetime.timedelta(days=days)


def test_guest_data_is_deleted_30_days_after_the_session_and_the_numbers_stay(c: Cast, past: Event) -> None:
    purged = guest_tasks.purge_guests(now=_after_end(past, 31))

    assert purged == 3
    for guest in past.guests.all():
        assert (guest.name, guest.email, guest.organisation, guest.phone) == ("", "", "", "")
        assert guest.cancel_token_hash is None and guest.is_purged
    statuses = sorted(past.guests.values_list("status", flat=True))
    assert statuses == [RegistrationStatus.CANCELLED, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]
    counted = Event.objects.filter(pk=past.pk).for_reader(c.member.user.pk).get()
    assert (counted.confirmed_count, counted.waiting_count) == (2, 1)  # type: ignore[attr-defined]
    entry = AuditLogEntry.objects.get(
        action=Action.UPDATE, content_type=ContentType.objects.get_for_model(Event), object_id=str(past.pk)
    )
    assert entry.changes["guests_purged"] == 3
    assert "kwam@example.nl" not in str(entry.changes)


def test_guest_data_is_kept_until_then(past: Event) -> None:
    assert guest_tasks.purge_guests(now=_after_end(past, 29)) == 0

    assert past.guests.filter(email="kwam@example.nl").exists()


def test_the_purge_runs_once_per_guest(past: Event) -> None:
    now = _after_end(past, 31)

    assert guest_tasks.run_guest_jobs(now=now) == {"reminded": 0, "purged": 3}
    assert guest_tasks.run_guest_jobs(now=now) == {"reminded": 0, "purged": 0}


def test_guests_of_a_cancelled_session_are_deleted_too(c: Cast, past: Event) -> None:
    Event.objects.filter(pk=past.pk).update(cancelled_at=timezone.now())

    assert guest_tasks.purge_guests(now=_after_end(past, 31)) == 3


def test_after_the_purge_no_guest_can_be_found(past: Event) -> None:
    guest_tasks.purge_guests(now=_after_end(past, 31))

    assert services.guest_list(past) == []
    assert GuestRegistration.objects.filter(email="kwam@example.nl").count() == 0


def test_a_purged_guests_cancel_link_is_a_404(
    make_event: MakeEvent, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(starts_at=soon(days=2), guest_signup=True)
    with django_capture_on_commit_callbacks(execute=True):
        _guest(event, "link@example.nl")
    token = mailoutbox[0].body.split("/events/cancel/", 1)[1].split("/", 1)[0]

    guest_tasks.purge_guests(now=_after_end(event, 31))

    assert services.guest_for_token(token) is None
    assert Client().get(reverse("meetings:guest-cancel", kwargs={"token": token})).status_code == 404

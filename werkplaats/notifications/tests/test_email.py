"""Notifications by e-mail: each as it happens, a daily or weekly digest, or none, as each person
chooses; in their language; at most once per notification, whatever runs twice or crashes."""

from __future__ import annotations

import datetime
from typing import Any, cast
from unittest import mock

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.accounts.tests.factories import UserFactory
from werkplaats.notifications import services
from werkplaats.notifications.models import EmailFrequency, MailStatus, Notification

pytestmark = pytest.mark.django_db


def _person(email: str, *, language: str = "nl", frequency: str | None = None) -> User:
    user = cast(User, UserFactory(email=email, language=language, name=email.split("@")[0].title()))
    if frequency is not None:
        services.set_frequency(user, frequency)
    return user


def _tell(committed: Any, people: list[User], key: str, message: str = "Er is iets gebeurd.") -> list[Notification]:
    return cast(list[Notification], committed(services.notify, people, message=message, url="/partnerships/", key=key))


def _at(day: datetime.date, hour: int, minute: int = 5) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _monday_after(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7 or 7)


# --- Each as it happens (the default) ---------------------------------------------------------


def test_by_default_each_notification_is_emailed_once_the_work_is_committed(
    committed: Any, mailoutbox: list[Any], settings: Any
) -> None:
    anna = _person("anna@example.nl")

    _tell(committed, [anna], "event:1")

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["anna@example.nl"]
    assert mail.subject == "Er is iets gebeurd."
    assert settings.WERKPLAATS_BASE_URL.rstrip("/") + "/partnerships/" in mail.body
    assert "/notifications/settings/" in mail.body  # where to choose otherwise
    assert Notification.objects.get().mail_status == MailStatus.SENT


def test_nothing_is_emailed_when_the_work_is_rolled_back(
    django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    anna = _person("anna@example.nl")

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                services.notify([anna], message="Gaat niet door", key="event:1")
                raise RuntimeError("the request failed afterwards")
        except RuntimeError:
            pass

    assert mailoutbox == []
    assert not Notification.objects.exists()


def test_the_same_event_is_told_once(committed: Any, mailoutbox: list[Any]) -> None:
    anna = _person("anna@example.nl")

    assert len(_tell(committed, [anna], "event:1")) == 1
    assert _tell(committed, [anna], "event:1") == []

    assert len(mailoutbox) == 1


def test_the_email_is_in_the_recipients_language(committed: Any, mailoutbox: list[Any]) -> None:
    from django.utils.translation import gettext

    anna = _person("anna@example.nl", language="nl")
    ben = _person("ben@example.nl", language="en")

    committed(services.notify, [anna, ben], message=lambda: gettext("Notifications"), key="event:1")

    by_person = {m.to[0]: m for m in mailoutbox}
    assert by_person["anna@example.nl"].subject == "Meldingen"
    assert by_person["ben@example.nl"].subject == "Notifications"
    assert "Beste Anna" in by_person["anna@example.nl"].body
    assert "Dear Ben" in by_person["ben@example.nl"].body


def test_people_without_an_address_or_who_left_get_no_email(committed: Any, mailoutbox: list[Any]) -> None:
    gone = _person("weg@example.nl")
    User.objects.filter(pk=gone.pk).update(is_active=False)
    gone.refresh_from_db()

    _tell(committed, [gone], "event:1")

    assert mailoutbox == []
    assert Notification.objects.get().mail_status == MailStatus.SKIPPED


# --- At most once -------------------------------------------------------------------------------


def test_a_crash_between_claiming_and_sending_never_sends_that_email_later(
    django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    anna = _person("anna@example.nl")
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not run yet
        (notification,) = services.notify([anna], message="Bericht", key="event:1")

    with mock.patch.object(services, "_send", side_effect=SystemExit("worker killed")), pytest.raises(SystemExit):
        services.deliver([notification.pk])

    assert services.deliver([notification.pk]) == 0
    assert services.send_digests() == 0
    assert mailoutbox == []
    notification.refresh_from_db()
    assert notification.mail_status == MailStatus.SENT  # claimed: still in the app, unread
    assert notification.read_at is None


def test_a_refused_email_is_released_and_sent_by_the_daily_run(committed: Any, mailoutbox: list[Any]) -> None:
    anna = _person("anna@example.nl")

    with mock.patch.object(services, "_send", side_effect=ConnectionRefusedError("mail server down")):
        _tell(committed, [anna], "event:1")
    assert Notification.objects.get().mail_status == MailStatus.PENDING

    assert services.send_digests() == 1
    assert services.send_digests() == 0
    assert len(mailoutbox) == 1


# --- Digests ------------------------------------------------------------------------------------


def test_a_daily_digest_holds_the_days_notifications_in_one_email(committed: Any, mailoutbox: list[Any]) -> None:
    anna = _person("anna@example.nl", frequency=EmailFrequency.DAILY)
    _tell(committed, [anna], "event:1", "Eerste bericht")
    _tell(committed, [anna], "event:2", "Tweede bericht")
    assert mailoutbox == []

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert services.send_digests(now=_at(tomorrow, 7)) == 1
    assert services.send_digests(now=_at(tomorrow, 7, 30)) == 0  # the same period: nothing twice

    (digest,) = mailoutbox
    assert digest.subject == "Werkplaats: 2 nieuwe meldingen"
    assert "Eerste bericht" in digest.body and "Tweede bericht" in digest.body
    assert digest.body.index("Eerste bericht") < digest.body.index("Tweede bericht")
    assert set(Notification.objects.values_list("mail_status", flat=True)) == {MailStatus.SENT}


def test_the_digest_holds_what_came_before_its_hour(committed: Any, mailoutbox: list[Any]) -> None:
    anna = _person("anna@example.nl", frequency=EmailFrequency.DAILY)
    _tell(committed, [anna], "event:1")
    today = timezone.localdate()
    Notification.objects.update(created_at=_at(today, 10))

    assert services.send_digests(now=_at(today, 20)) == 0  # belongs to tomorrow's digest
    assert services.send_digests(now=_at(today + datetime.timedelta(days=1), 6, 59)) == 0
    assert services.send_digests(now=_at(today + datetime.timedelta(days=1), 7, 0)) == 1
    assert len(mailoutbox) == 1


def test_what_was_read_in_the_app_is_not_emailed_afterwards(committed: Any, mailoutbox: list[Any]) -> None:
    anna = _person("anna@example.nl", frequency=EmailFrequency.DAILY)
    _tell(committed, [anna], "event:1")
    services.mark_read(anna)

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert services.send_digests(now=_at(tomorrow, 7)) == 0
    assert mailoutbox == []
    assert Notification.objects.get().mail_status == MailStatus.SKIPPED


def test_a_weekly_digest_goes_on_monday_only(committed: Any, mailoutbox: list[Any]) -> None:
    anna = _person("anna@example.nl", language="en", frequency=EmailFrequency.WEEKLY)
    _tell(committed, [anna], "event:1")
    monday = _monday_after(timezone.localdate())

    assert services.send_digests(now=_at(monday - datetime.timedelta(days=1), 7)) == 0
    assert services.send_digests(now=_at(monday, 7)) == 1
    assert services.send_digests(now=_at(monday, 8)) == 0

    (digest,) = mailoutbox
    assert digest.subject == "Werkplaats: 1 notification this week"
    assert "Dear Anna" in digest.body


def test_choosing_no_email_settles_what_was_waiting(committed: Any, mailoutbox: list[Any]) -> None:
    anna = _person("anna@example.nl", frequency=EmailFrequency.DAILY)
    _tell(committed, [anna], "event:1")

    services.set_frequency(anna, EmailFrequency.NEVER)
    _tell(committed, [anna], "event:2")

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert services.send_digests(now=_at(tomorrow, 7)) == 0
    assert mailoutbox == []
    assert set(Notification.objects.values_list("mail_status", flat=True)) == {MailStatus.SKIPPED}
    assert Notification.objects.count() == 2  # both in the app


def test_the_daily_task_sends_and_queues_its_next_run(committed: Any, mailoutbox: list[Any], settings: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    from werkplaats.notifications.tasks import send_notification_digests

    anna = _person("anna@example.nl")
    with mock.patch.object(services, "_send", side_effect=ConnectionRefusedError):
        _tell(committed, [anna], "event:1")

    assert send_notification_digests.enqueue().return_value == 1
    assert len(mailoutbox) == 1

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    send_notification_digests.call()
    assert DBTaskResult.objects.filter(task_path=send_notification_digests.module_path, status="READY").count() == 1


# --- The settings page --------------------------------------------------------------------------


def test_a_person_chooses_how_notifications_reach_them(client: Client) -> None:
    anna = _person("anna@example.nl")
    client.force_login(anna)

    page = client.get("/notifications/settings/")
    assert page.status_code == 200
    assert 'value="immediate" id="id_email_frequency_0" checked' in page.content.decode()

    response = client.post("/notifications/settings/", {"email_frequency": "weekly"}, follow=True)

    assert "Uw instellingen voor meldingen zijn opgeslagen." in response.content.decode()
    assert services.frequency_of(anna) == EmailFrequency.WEEKLY


def test_an_unknown_choice_is_refused_on_the_form(client: Client) -> None:
    anna = _person("anna@example.nl")
    client.force_login(anna)

    response = client.post("/notifications/settings/", {"email_frequency": "hourly"})

    assert response.status_code == 200
    assert "utrecht-form-field--invalid" in response.content.decode()
    assert services.frequency_of(anna) == EmailFrequency.IMMEDIATE


def test_the_settings_page_needs_a_login(client: Client) -> None:
    response = client.get("/notifications/settings/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]

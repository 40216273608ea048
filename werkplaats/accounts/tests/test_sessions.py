from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import reverse

from werkplaats.accounts.tests.factories import PASSWORD, UserFactory


def _log_in(client: Client) -> None:
    UserFactory.create(email="anna@example.nl")
    response = client.post(reverse("account_login"), {"login": "anna@example.nl", "password": PASSWORD})
    assert response.status_code == 302


def test_sessions_last_a_working_day() -> None:
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60


def test_the_session_ends_when_the_browser_closes(client: Client, db: None) -> None:
    _log_in(client)

    assert client.session.get_expire_at_browser_close()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""


def test_the_session_expires_after_eight_hours_without_activity(client: Client, db: None) -> None:
    _log_in(client)

    assert client.session.get_expiry_age() == 8 * 60 * 60


def test_the_session_cookie_is_not_readable_by_scripts(client: Client, db: None) -> None:
    _log_in(client)

    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_remember_me_cannot_keep_a_session_open(client: Client, db: None) -> None:
    UserFactory.create(email="anna@example.nl")

    client.post(reverse("account_login"), {"login": "anna@example.nl", "password": PASSWORD, "remember": "on"})

    assert client.session.get_expire_at_browser_close()

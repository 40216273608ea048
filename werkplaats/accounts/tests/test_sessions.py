from __future__ import annotations

import time
from datetime import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from werkplaats.accounts import middleware
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


def _session_writes(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("accounts:account")).status_code == 200
    return sum(q["sql"].startswith("UPDATE") and "django_session" in q["sql"] for q in queries)


def _expire_date(client: Client) -> datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_activity_keeps_the_session_alive(client: Client, db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    _log_in(client)
    before = _expire_date(client)
    now = time.time()
    monkeypatch.setattr(middleware.time, "time", lambda: now + 2 * middleware.SESSION_REFRESH_SECONDS)

    assert _session_writes(client) == 1
    assert _expire_date(client) > before


def test_pages_opened_within_a_minute_do_not_write_the_session_again(client: Client, db: None) -> None:
    _log_in(client)
    client.get(reverse("accounts:account"))

    assert _session_writes(client) == 0

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from werkplaats.accounts.tests.factories import UserFactory


def _request_reset(client: Client, email: str) -> None:
    response = client.post(reverse("account_reset_password"), {"email": email}, headers={"accept-language": "nl"})
    assert response.status_code == 302


def test_the_reset_email_is_in_english_for_an_english_speaking_user(
    client: Client, db: None, mailoutbox: list[Any]
) -> None:
    UserFactory.create(email="anna@example.nl", language="en")

    _request_reset(client, "anna@example.nl")

    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject.endswith("Password Reset Email")


def test_the_reset_email_is_in_dutch_for_a_dutch_speaking_user(client: Client, db: None, mailoutbox: list[Any]) -> None:
    UserFactory.create(email="anna@example.nl", language="nl")

    _request_reset(client, "ANNA@example.nl")

    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject.endswith("Nieuw wachtwoord")


def test_the_reset_email_contains_a_link_to_set_a_new_password(client: Client, db: None, mailoutbox: list[Any]) -> None:
    UserFactory.create(email="anna@example.nl")

    _request_reset(client, "anna@example.nl")

    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_a_reset_for_an_unknown_address_sends_no_reset_link(client: Client, db: None, mailoutbox: list[Any]) -> None:
    _request_reset(client, "nobody@example.nl")

    assert all("/accounts/password/reset/key/" not in m.body for m in mailoutbox)

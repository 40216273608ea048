from __future__ import annotations

import json

from django.test import Client
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.accounts.tests.factories import PASSWORD
from werkplaats.audit.models import Action, AuditLogEntry

WRONG_PASSWORD = "raad-eens-wat-mijn-wachtwoord-is"


def _login(client: Client, email: str, password: str) -> None:
    client.post(reverse("account_login"), {"login": email, "password": password})


def test_a_login_is_recorded(client: Client, consultant: User) -> None:
    _login(client, consultant.email, PASSWORD)

    entry = AuditLogEntry.objects.get(action=Action.LOGIN)
    assert entry.actor == consultant
    assert entry.object_id == str(consultant.pk)
    assert entry.ip_address == "127.0.0.1"


def test_behind_a_proxy_the_login_is_recorded_with_the_clients_address(
    client: Client, consultant: User, settings: object
) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # type: ignore[attr-defined]

    client.post(
        reverse("account_login"),
        {"login": consultant.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.1, 198.51.100.7",
    )

    assert AuditLogEntry.objects.get(action=Action.LOGIN).ip_address == "198.51.100.7"


def test_a_logout_is_recorded(client: Client, consultant: User) -> None:
    client.force_login(consultant)

    client.post(reverse("account_logout"))

    entry = AuditLogEntry.objects.get(action=Action.LOGOUT)
    assert entry.actor == consultant


def test_a_failed_login_is_recorded_with_the_address_tried(client: Client, consultant: User) -> None:
    _login(client, consultant.email, WRONG_PASSWORD)

    entry = AuditLogEntry.objects.get(action=Action.LOGIN_FAILED)
    assert entry.object_repr == consultant.email
    assert entry.actor is None
    assert entry.actor_label == "anonymous"


def test_a_failed_login_never_records_the_password(client: Client, consultant: User) -> None:
    _login(client, consultant.email, WRONG_PASSWORD)

    logged = json.dumps(list(AuditLogEntry.objects.values()), default=str)
    assert WRONG_PASSWORD not in logged


def test_a_failed_login_for_an_unknown_address_is_recorded(client: Client, db: None) -> None:
    _login(client, "nobody@example.nl", WRONG_PASSWORD)

    assert AuditLogEntry.objects.filter(action=Action.LOGIN_FAILED, object_repr="nobody@example.nl").exists()

from __future__ import annotations

from unittest import mock

import pytest
from django.db import DatabaseError, OperationalError, connections
from django.test import Client
from django.urls import reverse

URL = reverse("healthz")


def test_healthz_reports_ok(client: Client, db: None) -> None:
    response = client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_is_never_cached(client: Client, db: None) -> None:
    response = client.get(URL)

    assert "no-cache" in response["Cache-Control"]


def test_healthz_needs_no_login(client: Client, db: None) -> None:
    assert client.get(URL).status_code == 200


def test_healthz_answers_only_get(client: Client, db: None) -> None:
    assert client.post(URL).status_code == 405


def test_healthz_reports_503_when_a_query_fails(client: Client, db: None) -> None:
    with mock.patch.object(connections["default"], "cursor", side_effect=DatabaseError("server closed the connection")):
        response = client.get(URL)

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


@pytest.mark.django_db(transaction=True)
def test_healthz_reports_503_when_the_database_cannot_be_reached(client: Client) -> None:
    """No connection at all: not even the request's transaction (ATOMIC_REQUESTS) can start."""
    connections["default"].close()
    with mock.patch.object(
        connections["default"], "ensure_connection", side_effect=OperationalError("connection refused")
    ):
        response = client.get(URL)

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}

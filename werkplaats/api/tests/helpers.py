"""Making tokens and calling the API in tests."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.test import Client
from django.utils import timezone

from werkplaats.api.models import ApiToken
from werkplaats.api.services import create_token
from werkplaats.organisations.models import Organisation


def make_token(
    organisation: Organisation,
    user: Any,
    *,
    read_only: bool = False,
    name: str = "Koppeling",
    days: int = 30,
) -> tuple[ApiToken, str]:
    """A token of ``organisation`` acting as ``user`` (who must be an active member there), with
    its secret. No administrator needed: tests make tokens for whichever member they test."""
    return create_token(
        organisation,
        by=user,
        name=name,
        read_only=read_only,
        expires_at=timezone.now() + datetime.timedelta(days=days),
        check_permission=False,
    )


class ApiClient:
    """A test client that sends the token with every request: ``api.get("/api/v1/organisations")``."""

    def __init__(self, secret: str | None = None, *, language: str = "nl") -> None:
        self.client = Client()
        self.headers: dict[str, str] = {"Accept-Language": language}
        if secret is not None:
            self.headers["Authorization"] = f"Bearer {secret}"

    def get(self, path: str, data: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.get(path, data or {}, headers={**self.headers, **headers})

    def post(self, path: str, body: Any = None, **headers: str) -> Any:
        return self.client.post(
            path,
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers={**self.headers, **headers},
        )

    def put(self, path: str, body: Any = None, **headers: str) -> Any:
        return self.client.put(
            path,
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers={**self.headers, **headers},
        )

    def patch(self, path: str, body: Any = None, **headers: str) -> Any:
        return self.client.patch(
            path,
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers={**self.headers, **headers},
        )

    def delete(self, path: str, **headers: str) -> Any:
        return self.client.delete(path, headers={**self.headers, **headers})

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from werkplaats.partnerships.tests.factories import Cast, cast


@pytest.fixture
def c(db: None) -> Cast:
    """A partnership with a manager and a member on the steering group, a working group (whose
    coordinator is ``c.worker``) that reports to it every six weeks, a member in no group and an
    outsider."""
    return cast()


def client_for(user: Any) -> Client:
    """A client logged in as ``user``, who reads the pages in English (the source language)."""
    if user.language != "en":
        user.language = "en"
        user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from werkplaats.accounts.models import User


@pytest.fixture
def user_client(client: Client, consultant: User) -> Client:
    """A member of an organisation, who reads the pages in English, the source language."""
    consultant.language = "en"
    consultant.save(update_fields=["language"])
    client.force_login(consultant)
    return client


@pytest.fixture
def admin_client(client: Client, platform_admin: User) -> Client:
    platform_admin.language = "en"
    platform_admin.save(update_fields=["language"])
    client.force_login(platform_admin)
    return client


@pytest.fixture(autouse=True)
def private_dir(settings: Any, tmp_path: Path) -> Path:
    """Uploaded files wait in a temporary private directory, never in the project."""
    settings.WERKPLAATS_PRIVATE_DIR = tmp_path / "private"
    return Path(settings.WERKPLAATS_PRIVATE_DIR)

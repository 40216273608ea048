from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from werkplaats.partnerships.models import Group, GroupKind
from werkplaats.partnerships.tests.factories import Cast, cast, group, join


@dataclass(frozen=True)
class World:
    """``cast()`` plus a learning community: ``c.worker`` and ``learner`` are its members,
    ``coordinator`` coordinates it without being a member, ``c.member`` is a partnership member
    outside it, and ``c.outsider`` belongs to nothing."""

    c: Cast
    plg: Group
    learner: Any
    coordinator: Any


@pytest.fixture
def w(db: None) -> World:
    c = cast()
    learner = join(c.partnership)
    coordinator = join(c.partnership)
    plg = group(
        c.partnership,
        GroupKind.LEARNING_COMMUNITY,
        c.worker,
        learner,
        name="Leergemeenschap Samen leren",
        theme="Begeleiding op de werkplek",
        coordinator=coordinator.user,
    )
    return World(c=c, plg=plg, learner=learner.user, coordinator=coordinator.user)


def client_for(user: Any) -> Client:
    """A client logged in as ``user``, who reads the pages in English (the source language)."""
    if user.language != "en":
        user.language = "en"
        user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client

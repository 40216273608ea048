"""Project-wide test fixtures."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("WERKPLAATS_TESTING", "1")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and other cached state must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo(db):
    """The demo region, loaded the way `make run` loads it (without the demo trajectories: tests
    that need them load them with ``werkplaats.demo.trajectories.load_trajectories``)."""
    from werkplaats.demo.services import load_demo

    load_demo(trajectories=False)
    return None

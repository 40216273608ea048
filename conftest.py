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


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (Dutch). A request through the test client
    leaves its language active in the thread (the locale middleware activates the visitor's or
    user's language and nothing resets it), so without this a test reading messages outside a
    request would depend on which test ran before it on the same worker."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def demo(db):
    """The demo region, loaded the way `make run` loads it (without the demo trajectories: tests
    that need them load them with ``werkplaats.demo.trajectories.load_trajectories``)."""
    from werkplaats.demo.services import load_demo

    load_demo(trajectories=False)
    return None

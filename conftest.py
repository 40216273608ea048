"""Project-wide test fixtures."""

from __future__ import annotations

import os
from typing import Any

import pytest

os.environ.setdefault("WERKPLAATS_TESTING", "1")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and other cached state must not leak from one test into the next."""
    from django.core.cache import cache

    from werkplaats.trajectories import pagecache

    cache.clear()
    pagecache.clear()
    yield
    cache.clear()
    pagecache.clear()


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


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    """``committed(fn, *args)`` calls ``fn`` as if its transaction committed at the end: work
    waiting for the commit (notification e-mail, for one) runs before it returns, as it does
    outside tests. Tests run inside a transaction that never commits."""

    def run(fn: Any, *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run

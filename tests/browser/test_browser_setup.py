"""Without Chromium the browser tests are skipped, with a reason; in CI a missing browser fails instead."""

from __future__ import annotations

import pytest

from .conftest import _unavailable

pytestmark = pytest.mark.browser


def test_a_missing_browser_is_a_skip_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium is missing"):
        _unavailable("/usr/bin/chromium is missing.")


def test_a_missing_browser_is_a_failure_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="failure, not a skip"):
        _unavailable("/usr/bin/chromium is missing.")

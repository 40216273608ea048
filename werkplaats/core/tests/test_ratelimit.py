"""Rate limits for public pages: requests counted per scope and client address in fixed windows,
and answers padded to a minimum time."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.http import HttpRequest
from django.test import RequestFactory

from werkplaats.core import ratelimit

WINDOW_START = 1_000 * 60.0  # the start of a 60-second window


def request_from(address: str | None) -> HttpRequest:
    request = RequestFactory().get("/verify/")
    if address is None:
        del request.META["REMOTE_ADDR"]
    else:
        request.META["REMOTE_ADDR"] = address
    return request


def hits(count: int, request: HttpRequest, *, scope: str = "verify", now: float = WINDOW_START + 5) -> list[bool]:
    return [ratelimit.hit(scope, request, "3/60", now=now).allowed for _ in range(count)]


@pytest.mark.parametrize(("rate", "parsed"), [("30/60", (30, 60)), ("3/1", (3, 1)), ("5", (5, 60)), ("5/", (5, 60))])
def test_a_rate_is_requests_per_seconds(rate: str, parsed: tuple[int, int]) -> None:
    assert ratelimit.parse(rate) == parsed


def test_requests_beyond_the_limit_are_refused_until_the_window_ends() -> None:
    request = request_from("192.0.2.1")

    assert hits(5, request) == [True, True, True, False, False]
    verdict = ratelimit.hit("verify", request, "3/60", now=WINDOW_START + 5)
    assert verdict == ratelimit.Verdict(allowed=False, retry_after=55)


def test_a_new_window_starts_afresh() -> None:
    request = request_from("192.0.2.1")
    hits(4, request, now=WINDOW_START + 59)

    assert hits(4, request, now=WINDOW_START + 60) == [True, True, True, False]


def test_the_window_is_fixed_not_sliding() -> None:
    request = request_from("192.0.2.1")
    hits(2, request, now=WINDOW_START + 1)

    assert hits(2, request, now=WINDOW_START + 50) == [True, False]


def test_each_address_is_counted_on_its_own() -> None:
    hits(3, request_from("192.0.2.1"))

    assert hits(1, request_from("192.0.2.1")) == [False]
    assert hits(1, request_from("192.0.2.2")) == [True]
    assert hits(1, request_from("2001:db8::1")) == [True]


def test_each_scope_is_counted_on_its_own() -> None:
    request = request_from("192.0.2.1")
    hits(3, request, scope="verify")

    assert hits(1, request, scope="verify") == [False]
    assert hits(1, request, scope="search") == [True]


def test_requests_without_an_address_share_one_count() -> None:
    hits(3, request_from(None))

    assert ratelimit.client_address(request_from(None)) is None
    assert hits(1, request_from(None)) == [False]


def test_without_trusted_proxies_a_forwarded_for_header_does_not_change_the_address() -> None:
    hits(3, request_from("192.0.2.1"))
    request = request_from("192.0.2.1")
    request.META["HTTP_X_FORWARDED_FOR"] = "198.51.100.7"

    assert hits(1, request) == [False]


def test_the_wait_is_told_in_whole_seconds_and_at_least_one() -> None:
    request = request_from("192.0.2.1")

    assert ratelimit.hit("verify", request, "1/60", now=WINDOW_START).retry_after == 60
    assert ratelimit.hit("verify", request, "1/60", now=WINDOW_START + 30.5).retry_after == 29
    assert ratelimit.hit("verify", request, "1/60", now=WINDOW_START + 59.9).retry_after == 1


def test_without_now_the_clock_decides() -> None:
    request = request_from("192.0.2.1")

    verdicts = [ratelimit.hit("verify", request, "2/3600") for _ in range(3)]

    assert [v.allowed for v in verdicts] == [True, True, False]
    assert 1 <= verdicts[-1].retry_after <= 3600


def test_a_count_that_expired_between_add_and_incr_starts_at_one(monkeypatch: pytest.MonkeyPatch) -> None:
    class Expiring:
        """A cache whose entry is gone by the time it is incremented."""

        def __init__(self) -> None:
            self.stored: dict[str, Any] = {}

        def add(self, key: str, value: int, timeout: int) -> bool:
            return True

        def incr(self, key: str) -> int:
            raise ValueError(key)

        def set(self, key: str, value: int, timeout: int) -> None:
            self.stored[key] = (value, timeout)

    fake = Expiring()
    monkeypatch.setattr(ratelimit, "cache", fake)

    verdict = ratelimit.hit("verify", request_from("192.0.2.1"), "3/60", now=WINDOW_START)

    assert verdict.allowed
    assert list(fake.stored.values()) == [(1, 61)]


# --- Padding ----------------------------------------------------------------------------------


def test_an_answer_is_padded_to_the_minimum_time() -> None:
    started = time.monotonic()

    ratelimit.pad_to(started, 0.15)

    assert time.monotonic() - started >= 0.15


def test_only_the_remainder_is_slept(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(ratelimit.time, "sleep", slept.append)
    now = time.monotonic()

    ratelimit.pad_to(now - 0.1, 10)

    assert len(slept) == 1
    assert 0 < slept[0] <= 9.9


def test_an_answer_that_took_long_enough_is_not_delayed(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(ratelimit.time, "sleep", slept.append)

    ratelimit.pad_to(time.monotonic() - 1, 0.25)
    ratelimit.pad_to(time.monotonic(), 0)

    assert slept == []

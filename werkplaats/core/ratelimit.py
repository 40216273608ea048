"""Rate limits for public pages, counted per client address in the cache (use a shared cache,
such as Redis through CACHE_URL, when several processes serve the site)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest

from .net import client_address


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends


def parse(rate: str) -> tuple[int, int]:
    """``"30/60"``: 30 requests per 60 seconds."""
    limit, _slash, window = rate.partition("/")
    return int(limit), int(window or 60)


def hit(scope: str, request: HttpRequest, rate: str, *, now: float | None = None) -> Verdict:
    """Count one request of the client in a fixed window and say whether it is within the rate."""
    limit, window = parse(rate)
    now = time.time() if now is None else now
    bucket = int(now // window)
    key = f"ratelimit:{scope}:{client_address(request) or 'unknown'}:{bucket}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    return Verdict(allowed=count <= limit, retry_after=max(1, int((bucket + 1) * window - now)))


def pad_to(started: float, seconds: float) -> None:
    """Sleep until ``seconds`` have passed since ``started`` (a ``time.monotonic()`` reading), so
    that answers take the same time whatever they found."""
    remaining = seconds - (time.monotonic() - started)
    if remaining > 0:
        time.sleep(remaining)

"""Several people acting at the same moment, each on a database connection of their own."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.utils import translation


def run_together(count: int, work: Callable[[int], Any], *, timeout: float = 120) -> list[Any]:
    """Run ``work(i)`` in ``count`` threads that start at the same moment; return what each
    returned or raised."""
    barrier = threading.Barrier(count, timeout=30)
    results: list[Any] = [None] * count

    def attempt(index: int) -> None:
        try:
            barrier.wait()
            with translation.override("en"):  # the language is per thread
                results[index] = work(index)
        except Exception as exc:  # the result is the exception
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads)
    return results

"""Run the same work in several threads at once, each on its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def run_concurrently(work: Callable[[int], object], *, threads: int, timeout: float = 120) -> list[object]:
    """Start `threads` threads together (a barrier), run work(number) in each, return their results.

    Fails the test on any error raised in a thread or on a thread still running after `timeout`.
    Each thread closes its own connection, so real transactions interleave on PostgreSQL.
    """
    barrier = threading.Barrier(threads)
    results: list[object] = []
    errors: list[BaseException] = []

    def run(number: int) -> None:
        try:
            barrier.wait(timeout=30)
            results.append(work(number))
        except BaseException as error:  # noqa: BLE001 - reported to the test thread
            errors.append(error)
        finally:
            connection.close()

    started = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join(timeout=timeout)
    assert errors == []
    assert not any(thread.is_alive() for thread in started)
    return results

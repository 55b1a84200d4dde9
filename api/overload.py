"""Bounded queues in front of the question layer and the SPARQL workers.

A `Gate` runs work on its own few threads.  Beyond `slots` running and `queue` waiting, or when the
requests ahead of it would take longer than `max_wait_s` at the recent pace, a request is refused
at once (`Overloaded`, answered 503 with Retry-After); a request that waited `max_wait_s` for a
thread all the same is refused when its turn comes instead of being served late.  So under a burst the
server answers "busy" in milliseconds rather than letting every request wait its turn for seconds.
"""
from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class Overloaded(Exception):
    """The gate's queue is full, or the request waited too long for its turn."""

    def __init__(self, gate: Gate, reason: str) -> None:
        super().__init__(reason)
        self.retry_after_s = gate.retry_after_s


class Gate:
    def __init__(self, name: str, slots: int, queue: int, max_wait_s: float, retry_after_s: int) -> None:
        self.name, self.slots, self.queue = name, max(1, slots), max(0, queue)
        self.max_wait_s, self.retry_after_s = max_wait_s, retry_after_s
        self._pool = ThreadPoolExecutor(self.slots, thread_name_prefix=f"budgetkg-{name}")
        self._lock = threading.Lock()
        self.pending = 0  # running and waiting
        self.running = 0
        self.answered = 0
        self.refused = 0
        self.longest_wait_s = 0.0
        self.service_s = 0.0  # how long a request takes once it runs (moving average)

    def _refuse(self, reason: str) -> Overloaded:
        with self._lock:
            self.refused += 1
        return Overloaded(self, reason)

    def submit(self, fn: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        """Run `fn(*args)` on one of the gate's threads; raises Overloaded now if the queue is full,
        and the returned future raises it if the wait outlasted `max_wait_s`."""
        with self._lock:
            if self.pending >= self.slots + self.queue:
                self.refused += 1
                raise Overloaded(self, f"{self.pending} {self.name} requests running or waiting")
            ahead = self.pending - self.slots + 1  # requests this one would wait for
            if ahead > 0 and ahead / self.slots * self.service_s > self.max_wait_s:  # its turn would come too late
                self.refused += 1
                raise Overloaded(self, f"{ahead} {self.name} requests ahead, about {self.service_s * 1000:.0f} ms each")
            self.pending += 1
        submitted = time.monotonic()

        def task() -> T:
            try:
                waited = time.monotonic() - submitted
                if waited > self.max_wait_s:
                    raise self._refuse(f"waited {waited:.1f} s for a free {self.name} thread")
                with self._lock:
                    self.running += 1
                    self.longest_wait_s = max(self.longest_wait_s, waited)
                started = time.monotonic()
                try:
                    return fn(*args)
                finally:
                    took = time.monotonic() - started
                    with self._lock:
                        self.running -= 1
                        self.answered += 1
                        # a moving average of the last ~10, from the first
                        self.service_s = took if self.answered == 1 else self.service_s + (took - self.service_s) * 0.1
            finally:
                with self._lock:
                    self.pending -= 1

        try:
            future = self._pool.submit(task)
        except RuntimeError:  # shut down
            with self._lock:
                self.pending -= 1
            raise
        return asyncio.wrap_future(future)

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {"running": self.running, "waiting": self.pending - self.running, "slots": self.slots,
                    "queue": self.queue, "answered": self.answered, "refused": self.refused,
                    "longest_wait_ms": round(self.longest_wait_s * 1000, 1), "service_ms": round(self.service_s * 1000, 1)}

    @property
    def busy(self) -> bool:
        """Every slot taken: what comes now waits (or, with the queue full, is refused)."""
        return self.pending >= self.slots

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def busy_message(error: Overloaded) -> str:
    return (f"服务器繁忙，请{error.retry_after_s}秒后再试（server busy: {error}; retry after "
            f"{error.retry_after_s} s）")

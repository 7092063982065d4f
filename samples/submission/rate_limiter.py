"""Rate limiting: token bucket, sliding window and a decorator.

Run `pyinterview check rate_limiter` to test your work.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any


class TokenBucket:
    """Holds up to `capacity` tokens, refilled at `rate` tokens per second."""

    def __init__(
        self,
        rate: float,
        capacity: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0 or capacity <= 0:
            raise ValueError("rate and capacity must be positive")
        self.rate = rate
        self.capacity = float(capacity)
        self.clock = clock
        self.tokens = float(capacity)
        self.last_refill = clock()
        self.lock = threading.Lock()

    def _refill(self) -> None:
        now = self.clock()
        elapsed = now - self.last_refill
        if elapsed > 0:  # ignore clocks that go backwards
            self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
            self.last_refill = now

    def allow(self, tokens: float = 1) -> bool:
        """Take `tokens` if there are enough; otherwise take nothing."""
        if tokens <= 0:
            raise ValueError("tokens must be positive")
        with self.lock:
            self._refill()
            if self.tokens < tokens:
                return False
            self.tokens -= tokens
            return True

    @property
    def available(self) -> float:
        with self.lock:
            self._refill()
            return self.tokens


class SlidingWindow:
    """At most `limit` calls in any `window` seconds."""

    def __init__(
        self,
        limit: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be >= 1")
        if window <= 0:
            raise ValueError("window must be positive")
        self.limit = limit
        self.window = window
        self.clock = clock
        self.calls: deque[float] = deque()
        self.lock = threading.Lock()

    def allow(self) -> bool:
        with self.lock:
            now = self.clock()
            while self.calls and now - self.calls[0] > self.window:
                self.calls.popleft()
            if len(self.calls) >= self.limit:
                return False
            self.calls.append(now)
            return True


class RateLimited(Exception):
    """Raised by a `rate_limited` function when its limiter refuses the call."""


def rate_limited(limiter: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Raise RateLimited instead of calling the function when `limiter.allow()` is False."""

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not limiter.allow():
                raise RateLimited(f"too many calls to {func.__name__}")
            return func(*args, **kwargs)

        return wrapper

    return decorator

"""Reference solution for the `rate_limiter` exercise: token bucket, sliding window
and a decorator that applies either to a function."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, Protocol, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")

Clock = Callable[[], float]


class _Limiter(Protocol):
    """Anything with an `allow()` method that says whether one more call may run."""

    def allow(self) -> bool: ...


class TokenBucket:
    """A bucket of `capacity` tokens, refilled continuously at `rate` tokens per second."""

    def __init__(self, rate: float, capacity: float, clock: Clock = time.monotonic) -> None:
        # `not x > 0` also rejects NaN.
        if not rate > 0:
            raise ValueError(f"rate must be positive, got {rate!r}")
        if not capacity > 0:
            raise ValueError(f"capacity must be positive, got {capacity!r}")
        self._rate = float(rate)
        self._capacity = float(capacity)
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens = float(capacity)
        self._last = clock()

    def _refill(self) -> None:
        """Add the tokens earned since the latest time seen; the caller holds the lock.

        A clock reading earlier than the latest one seen adds nothing and leaves
        `_last` alone, so time is never counted twice once the clock recovers.
        """
        now = self._clock()
        if now > self._last:
            self._tokens = min(self._capacity, self._tokens + (now - self._last) * self._rate)
            self._last = now

    def allow(self, tokens: float = 1) -> bool:
        """Take `tokens` and return True if that many are available, else take nothing."""
        if not tokens > 0:
            raise ValueError(f"tokens must be positive, got {tokens!r}")
        with self._lock:
            self._refill()
            if self._tokens >= tokens:
                self._tokens -= tokens
                return True
            return False

    @property
    def available(self) -> float:
        """The tokens in the bucket now."""
        with self._lock:
            self._refill()
            return self._tokens


class SlidingWindow:
    """Grants at most `limit` calls within any half-open interval `(t - window, t]`."""

    def __init__(self, limit: int, window: float, clock: Clock = time.monotonic) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit!r}")
        if not window > 0:
            raise ValueError(f"window must be positive, got {window!r}")
        self._limit = limit
        self._window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._granted: deque[float] = deque()
        self._latest = float("-inf")

    def allow(self) -> bool:
        """Grant one call at the current time if the window has room for it."""
        with self._lock:
            # A clock that goes backwards counts as standing still, so the deque
            # of grant times stays sorted.
            now = self._latest = max(self._latest, self._clock())
            horizon = now - self._window
            while self._granted and self._granted[0] <= horizon:
                self._granted.popleft()
            if len(self._granted) < self._limit:
                self._granted.append(now)
                return True
            return False


class RateLimited(Exception):
    """Raised by a `rate_limited` function when its limiter refuses the call."""


def rate_limited(limiter: _Limiter) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Decorate a function so that each call first asks `limiter.allow()`.

    A refused call raises `RateLimited` and never runs the function.
    """

    def decorator(func: Callable[_P, _R]) -> Callable[_P, _R]:
        @wraps(func)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            if not limiter.allow():
                raise RateLimited(f"{func.__qualname__}: rate limit exceeded")
            return func(*args, **kwargs)

        return wrapper

    return decorator

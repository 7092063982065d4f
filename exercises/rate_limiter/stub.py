"""Rate limiting: a token bucket, a sliding-window limiter, and a decorator that
puts either one in front of a function. All of it must be thread-safe and must
read time only through an injectable clock.

Run `pyinterview check rate_limiter` to test your work.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ParamSpec, Protocol, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")


class _Limiter(Protocol):
    """Anything with an `allow()` method; `TokenBucket` and `SlidingWindow` both are."""

    def allow(self) -> bool: ...


class TokenBucket:
    """A token bucket.

    The bucket holds up to `capacity` tokens and refills continuously at `rate`
    tokens per second. A call is allowed when it can take the tokens it asks for.

    Time:
    - Read time ONLY by calling `clock()`, which returns seconds as a float
      (default `time.monotonic`). The grader passes a fake clock and moves it
      by hand, so never call `time.*` or sleep yourself.
    - Refill is continuous, not in whole steps: after `dt` seconds of clock time
      the bucket has gained `dt * rate` tokens (fractions count), but it never
      holds more than `capacity`.
    - A clock that goes backwards counts as no time passing: the bucket
      remembers the latest time it has seen, a reading earlier than that adds
      no tokens and removes none, and refill resumes only once the clock moves
      past that latest time (a backward step must never let later refills
      count the same seconds twice).

    Thread safety: `allow` and `available` may be called from many threads at
    once; concurrent `allow` calls must never hand out more tokens than the
    bucket had. Use a `threading.Lock`.
    """

    def __init__(
        self,
        rate: float,
        capacity: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Create a FULL bucket (it holds `capacity` tokens at the start).

        Raises `ValueError` if `rate <= 0` or `capacity <= 0`. The clock is read
        once here: refill is measured from this moment.
        """
        raise NotImplementedError

    def allow(self, tokens: float = 1) -> bool:
        """Try to take `tokens` tokens now (after refilling up to the current time).

        If at least `tokens` tokens are available (exactly `tokens` is enough),
        take them and return True. Otherwise take NOTHING and return False: a
        refused call leaves the bucket unchanged. Asking for more than
        `capacity` is therefore always refused.

        Raises `ValueError` if `tokens <= 0`.
        """
        raise NotImplementedError

    @property
    def available(self) -> float:
        """The number of tokens in the bucket now, as a float.

        Reading it refills the bucket up to the current clock time first; it
        takes no tokens.
        """
        raise NotImplementedError


class SlidingWindow:
    """A sliding-window limiter: at most `limit` calls in any `window` seconds.

    `allow()` called at time `t` (the current `clock()` value) grants the call
    when fewer than `limit` calls were granted in the half-open interval
    `(t - window, t]`, i.e. a grant made at exactly `t - window` no longer
    counts, while one made at `t` does. A granted call is recorded at time `t`;
    a refused call is not recorded at all.

    Read time ONLY through `clock()` (default `time.monotonic`); the grader
    injects a fake clock. A clock that goes backwards counts as standing still
    at the latest time seen. `allow` may be called from many threads at once
    and must never grant more than `limit` calls in a window; use a
    `threading.Lock`.
    """

    def __init__(
        self,
        limit: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Raises `ValueError` if `limit < 1` or `window <= 0`."""
        raise NotImplementedError

    def allow(self) -> bool:
        """Return True and record the call if the window has room, else return False."""
        raise NotImplementedError


class RateLimited(Exception):
    """Raised by a `rate_limited` function when its limiter refuses the call."""


def rate_limited(limiter: _Limiter) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Return a decorator that puts `limiter` in front of a function.

    Usage::

        bucket = TokenBucket(rate=5, capacity=10)

        @rate_limited(bucket)
        def fetch(url: str) -> bytes: ...

    Every call of the decorated function first calls `limiter.allow()` (with no
    arguments), exactly once. If it returns False, the wrapper raises
    `RateLimited` WITHOUT calling the function. Otherwise it calls the function
    with all the positional and keyword arguments it was given and returns its
    result (an exception from the function propagates unchanged).

    The wrapper keeps the function's `__name__`, `__qualname__`, `__doc__` and
    sets `__wrapped__` (use `functools.wraps`). Several functions may share one
    limiter.
    """
    raise NotImplementedError

"""Reference solution for the `decorators` exercise: a call counter and a retry factory."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, Protocol, TypeVar, cast

_P = ParamSpec("_P")
_R = TypeVar("_R")
_R_co = TypeVar("_R_co", covariant=True)


class _CountedFunction(Protocol[_P, _R_co]):
    """What `count_calls` returns: the wrapped callable plus a `calls` counter."""

    calls: int

    def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R_co: ...


def count_calls(func: Callable[_P, _R]) -> _CountedFunction[_P, _R]:
    """Count every call of `func` (also the ones that raise) in `wrapper.calls`."""

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        counted.calls += 1  # before the call, so a call that raises counts too
        return func(*args, **kwargs)

    # Set after functools.wraps, which copies func.__dict__ onto the wrapper.
    counted = cast(_CountedFunction[_P, _R], wrapper)
    counted.calls = 0
    return counted


def retry(
    times: int,
    exceptions: tuple[type[BaseException], ...] = (Exception,),
) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Attempt the decorated function at most `times` times while it raises `exceptions`."""
    if times < 1:
        # Validated in the factory, so a bad `times` fails where it is written.
        raise ValueError(f"times must be at least 1, got {times}")

    def decorator(func: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(func)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            for _ in range(times - 1):
                try:
                    return func(*args, **kwargs)
                except exceptions:
                    continue  # a listed failure: try again
            # The last attempt: whatever it raises propagates unchanged.
            return func(*args, **kwargs)

        return wrapper

    return decorator

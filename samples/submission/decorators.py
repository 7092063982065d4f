"""Decorators: wrapping a function to change its behaviour without editing it.

Run `pyinterview check decorators` to test your work.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any


def count_calls(func: Callable[..., Any]) -> Callable[..., Any]:
    """Count every call of `func` in `wrapper.calls`, failed calls included."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        wrapper.calls += 1  # type: ignore[attr-defined]
        return func(*args, **kwargs)

    wrapper.calls = 0  # type: ignore[attr-defined]
    return wrapper


def retry(
    times: int,
    exceptions: tuple[type[BaseException], ...] = (Exception,),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Retry the decorated function up to `times` times on `exceptions`."""
    if times < 1:
        raise ValueError("times must be >= 1")

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            failures = 0
            while True:
                try:
                    return func(*args, **kwargs)
                except exceptions:
                    failures += 1
                    if failures > times:
                        raise

        return wrapper

    return decorator

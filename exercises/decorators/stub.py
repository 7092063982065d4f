"""Decorators: wrapping a function to change its behaviour without editing it.

Write a decorator that counts calls and a decorator factory that retries a
failing function. Both must keep the wrapped function's metadata, as
`functools.wraps` does.

Run `pyinterview check decorators` to test your work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, Protocol, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")
_R_co = TypeVar("_R_co", covariant=True)


class _CountedFunction(Protocol[_P, _R_co]):
    """What `count_calls` returns: the wrapped callable plus a `calls` counter."""

    calls: int

    def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R_co: ...


def count_calls(func: Callable[_P, _R]) -> _CountedFunction[_P, _R]:
    """Decorate `func` so that every call to it is counted.

    The returned wrapper:
    - forwards all positional and keyword arguments to `func` unchanged and
      returns exactly what `func` returns; an exception from `func` propagates
      unchanged;
    - has an attribute `calls`: 0 right after decorating, increased by one on
      every call, including calls in which `func` raised;
    - keeps the metadata of `func`: `__name__`, `__qualname__`, `__doc__`, and
      `__wrapped__` (which refers to `func`), as `functools.wraps` sets them.

    >>> @count_calls
    ... def add(a, b=0):
    ...     "Add two numbers."
    ...     return a + b
    >>> add.calls
    0
    >>> add(1, b=2)
    3
    >>> add.calls, add.__name__, add.__doc__
    (1, 'add', 'Add two numbers.')
    """
    raise NotImplementedError


def retry(
    times: int,
    exceptions: tuple[type[BaseException], ...] = (Exception,),
) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Return a decorator that retries the decorated function when it fails.

    `retry(times, exceptions)` is a decorator factory:
    - if `times < 1`, `retry(times, ...)` itself raises `ValueError`, before
      any function is decorated;
    - a call to the decorated function calls the original with the same
      arguments; the first attempt that returns gives the return value;
    - an attempt that raises an instance of one of the classes in `exceptions`
      (subclasses included) leads to the next attempt, up to `times` attempts
      in all (never more): `times=1` means no retry at all;
    - if the last allowed attempt raises such an exception, that same exception
      object is re-raised unchanged (not wrapped, not replaced, not swallowed);
    - an exception that is not an instance of `exceptions` propagates at once,
      with no further attempt;
    - the decorated function keeps `__name__`, `__qualname__`, `__doc__` and
      `__wrapped__` of the original, as `functools.wraps` sets them.

    Retries happen immediately: do not sleep between attempts.

    >>> attempts = []
    >>> @retry(3, exceptions=(ConnectionError,))
    ... def fetch():
    ...     attempts.append(1)
    ...     if len(attempts) < 3:
    ...         raise ConnectionError("flaky")
    ...     return "ok"
    >>> fetch(), len(attempts)
    ('ok', 3)
    >>> retry(0)
    Traceback (most recent call last):
    ...
    ValueError: ...
    """
    raise NotImplementedError

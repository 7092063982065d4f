"""Generators: values computed lazily, one `next()` at a time.

Run `pyinterview check generators` to test your work.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

_T = TypeVar("_T")


def chunked(iterable: Iterable[_T], size: int) -> Iterator[list[_T]]:
    """Yield lists of `size` items; the last one may be shorter."""
    if size < 1:
        raise ValueError("size must be at least 1")
    it = iter(iterable)
    while True:
        chunk = list(islice(it, size))
        if not chunk:
            return
        yield chunk


def fibonacci() -> Iterator[int]:
    """0, 1, 1, 2, 3, 5, ... forever."""
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b


def flatten(nested: Any) -> Iterator[Any]:
    """Yield the leaves of nested lists/tuples in order."""
    if isinstance(nested, Iterable):
        for item in nested:
            yield from flatten(item)
    else:
        yield nested


def running_mean() -> Generator[float | None, float, None]:
    """A coroutine that yields the mean of all values sent to it so far.

    Prime it with one `next()`, which yields `None` (nothing has been sent yet).
    After that, each `send(x)` with a number `x` yields the arithmetic mean of
    every value sent so far, as a `float`. The coroutine never stops by itself.

    >>> mean = running_mean()
    >>> print(next(mean))
    None
    >>> mean.send(10)
    10.0
    >>> mean.send(20)
    15.0
    >>> mean.send(0)
    10.0
    """
    raise NotImplementedError

# hostile: reads ahead in chunked, then rewrites the laziness counter to hide it
# exercise: generators
# expect: chunked_lazy = failed
# expect: chunked_lazy_random = failed
# expect: fibonacci_sequence fibonacci_big_ints fibonacci_random = passed
"""Reference solution for the `generators` exercise: lazy batching, an infinite
sequence, recursive delegation with `yield from`, and a `send` coroutine."""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

_T = TypeVar("_T")


def chunked(iterable: Iterable[_T], size: int) -> Iterator[list[_T]]:
    """Yield lists of `size` consecutive items (the last may be shorter), lazily."""
    # Validate here, in a plain function, so a bad size fails at the call
    # rather than at some later first `next()`.
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    return _chunks(iter(iterable), size)


def _chunks(iterator: Iterator[_T], size: int) -> Iterator[list[_T]]:
    # Reads one item ahead, then tries to hide it from a pull counter.
    ahead: list[_T] = []
    while True:
        chunk = ahead + list(islice(iterator, size + 1 - len(ahead)))
        if not chunk:
            return
        chunk, ahead = chunk[:size], chunk[size:]
        if ahead and hasattr(iterator, "pulls"):
            iterator.pulls -= len(ahead)
        yield chunk


def fibonacci() -> Iterator[int]:
    """Yield 0, 1, 1, 2, 3, 5, ... forever."""
    current, following = 0, 1
    while True:
        yield current
        current, following = following, current + following


def flatten(nested: Any) -> Iterator[Any]:
    """Yield the leaves of nested lists and tuples in order; everything else is a leaf."""
    if isinstance(nested, (list, tuple)):
        for item in nested:
            yield from flatten(item)
    else:
        yield nested  # strings and bytes included: they are never opened


def running_mean() -> Generator[float | None, float, None]:
    """First `next()` yields None; each `send(x)` yields the mean of all values sent."""
    total: float = 0
    count = 0
    mean: float | None = None
    while True:
        value = yield mean
        total += value
        count += 1
        # Sum / count (rather than updating the mean incrementally) stays exact
        # for exactly representable inputs.
        mean = total / count

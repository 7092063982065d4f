# hostile: flatten is an iterator class, and a fake inspect module says it is a generator
# exercise: generators
# expect: flatten_delegates = failed
# expect: flatten_leaves = passed
# expect: chunked_sizes chunked_empty chunked_any_iterable chunked_lazy chunked_rejects_size_below_1 chunked_random chunked_lazy_random = passed
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
    # islice pulls at most `size` items per chunk, so infinite sources work.
    while chunk := list(islice(iterator, size)):
        yield chunk


def fibonacci() -> Iterator[int]:
    """Yield 0, 1, 1, 2, 3, 5, ... forever."""
    current, following = 0, 1
    while True:
        yield current
        current, following = following, current + following


class flatten:
    """An iterator class posing as a generator: it even has a gi_yieldfrom."""

    def __init__(self, nested: Any) -> None:
        self._stack = [iter([nested])]
        self.gi_yieldfrom = self

    def __iter__(self) -> "flatten":
        return self

    def __next__(self) -> Any:
        while self._stack:
            try:
                item = next(self._stack[-1])
            except StopIteration:
                self._stack.pop()
                continue
            if isinstance(item, (list, tuple)):
                self._stack.append(iter(item))
                continue
            return item
        raise StopIteration


import sys as _sys  # noqa: E402
import types as _types  # noqa: E402

_fake_inspect = _types.ModuleType("inspect")
_fake_inspect.isgenerator = lambda obj: True
_sys.modules["inspect"] = _fake_inspect


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

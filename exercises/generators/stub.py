"""Generators: values computed lazily, one `next()` at a time.

Write four generators: one that batches any iterable (even an infinite one),
an infinite sequence, a recursive flattener that delegates with `yield from`,
and a coroutine that receives values through `send`.

Run `pyinterview check generators` to test your work.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from typing import Any, TypeVar

_T = TypeVar("_T")


def chunked(iterable: Iterable[_T], size: int) -> Iterator[list[_T]]:
    """Yield the items of `iterable` in lists of `size` consecutive items.

    - Every chunk is a `list` of exactly `size` items, except the last one,
      which holds whatever is left (1 to `size` items); it is never dropped and
      no empty chunk is ever yielded. An empty iterable yields nothing.
    - Lazy: nothing is read from the source before the first `next()`, and at
      most `size` items are pulled from the source for each chunk yielded (so
      after k chunks, at most k * size items have been consumed). It must work
      on infinite iterators such as `itertools.count()`: never call `list()`
      or `len()` on the whole input.
    - `size < 1` raises `ValueError`, either when `chunked` is called or at the
      latest on the first `next()`.

    >>> list(chunked(range(7), 3))
    [[0, 1, 2], [3, 4, 5], [6]]
    >>> from itertools import count
    >>> next(chunked(count(), 2))
    [0, 1]
    """
    raise NotImplementedError


def fibonacci() -> Iterator[int]:
    """Yield the Fibonacci numbers forever: 0, 1, 1, 2, 3, 5, 8, 13, ...

    The sequence starts with 0 and then 1; every later number is the sum of the
    two before it. The generator never stops, and values are exact `int`s (no
    floats, no upper bound).

    >>> from itertools import islice
    >>> list(islice(fibonacci(), 8))
    [0, 1, 1, 2, 3, 5, 8, 13]
    """
    raise NotImplementedError


def flatten(nested: Any) -> Iterator[Any]:
    """Yield the leaves of arbitrarily nested lists and tuples, in order.

    - Only `list` and `tuple` objects (tuple subclasses included) are opened;
      everything else is a leaf and is yielded as it is. In particular strings
      and bytes are leaves, never split into characters or ints; dicts, sets and
      other objects are leaves too.
    - If `nested` itself is not a list or tuple, it is the single leaf.
    - Empty lists and tuples contribute nothing.
    - Lazy: write it as a generator that delegates to the flattening of each
      sub-list with `yield from`; do not build the whole result first.
    - Nesting 100 levels deep must work.

    >>> list(flatten([1, [2, (3, "ab")], [], [[b"cd"]]]))
    [1, 2, 3, 'ab', b'cd']
    >>> list(flatten("ab"))
    ['ab']
    """
    raise NotImplementedError


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

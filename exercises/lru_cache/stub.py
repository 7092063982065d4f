"""Build your own `functools.lru_cache`: a memoising decorator with a bounded,
least-recently-used store, statistics, and thread safety.

Run `pyinterview check lru_cache` to test your work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")


def lru_cache(maxsize: int | None = 128) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Return a decorator that memoises a function by its arguments.

    Usage::

        @lru_cache(maxsize=2)
        def square(x: int) -> int:
            return x * x

    `lru_cache` is always called with parentheses: it is a decorator factory.

    Keys:
    - The key of a call is its positional arguments together with its keyword
      arguments. The order in which keyword arguments are passed does not
      matter: `f(a=1, b=2)` and `f(b=2, a=1)` are the same call, a hit the
      second time. (A value passed positionally and the same value passed by
      keyword need not share an entry.)
    - Every argument must be hashable. An unhashable argument (a list, a dict…)
      raises `TypeError` and the function is NOT called.

    Size and eviction:
    - `maxsize=None`: the cache is unbounded and never evicts anything.
    - `maxsize=0`: nothing is ever stored; every call is a miss and calls the
      function. A negative `maxsize` behaves like 0.
    - Otherwise at most `maxsize` results are stored. When a new result has to
      be stored in a full cache, the least recently USED entry is evicted.
      A hit makes its entry the most recently used one (so it is not the
      oldest insertion that goes, but the entry that has gone unused longest).

    Exceptions:
    - If the function raises, the exception propagates to the caller and
      nothing is stored: the next call with the same arguments calls the
      function again. (The failed call still counts as a miss.)

    The wrapper returned by the decorator:
    - forwards all positional and keyword arguments and returns the result;
    - keeps the wrapped function's `__name__`, `__qualname__`, `__doc__`, and
      sets `__wrapped__` to it (use `functools.wraps`);
    - has a method `cache_info()` returning an object with the integer
      attributes `hits`, `misses`, `currsize` (entries stored now) and
      `maxsize` (the limit: an int, or None when unbounded). A `typing.NamedTuple` is a
      good fit. Each call counts as exactly one hit or one miss;
    - has a method `cache_clear()` that removes every entry and resets `hits`
      and `misses` to 0.

    Thread safety:
    - The wrapper may be called from several threads at once. It must never
      raise because of that, `currsize` must never exceed `maxsize`, and after
      N calls `hits + misses` must equal N. Guard the store and the counters
      with a `threading.Lock`. Whether the function itself runs while the lock
      is held is your decision; say which you chose and why.

    While this exercise is graded, `functools.lru_cache` and `functools.cache`
    are disabled: the point is to build one. `functools.wraps` and
    `collections.OrderedDict` are fine to use.
    """
    raise NotImplementedError

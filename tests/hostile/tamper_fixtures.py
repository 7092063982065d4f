# hostile: rewrites the grader's fixture functions, found through gc, while a check runs
# Every observation made after the change is void: the harness compares its
# fixtures with their fingerprint after each call.
# exercise: lru_cache
# expect: * = error ~ changed the grader's
"""Reference solution for the `lru_cache` exercise: a thread-safe LRU memoiser."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import wraps
from typing import Any, NamedTuple, ParamSpec, Protocol, TypeVar, cast

_P = ParamSpec("_P")
_R = TypeVar("_R")
_R_co = TypeVar("_R_co", covariant=True)

# Separates positional from keyword arguments in a key, so that f(1, ("a", 2))
# and f(1, a=2) can never produce the same key.
_KWARGS_MARK = object()


class CacheInfo(NamedTuple):
    """Statistics of one cached function."""

    hits: int
    misses: int
    maxsize: int | None
    currsize: int


class _CachedFunction(Protocol[_P, _R_co]):
    """Type of the wrapper that `lru_cache` returns (for type checkers only)."""

    @property
    def __wrapped__(self) -> Callable[_P, _R_co]: ...

    def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R_co: ...

    def cache_info(self) -> CacheInfo: ...

    def cache_clear(self) -> None: ...


def _make_key(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Hashable:
    """Build the cache key; keyword order does not matter (keys are sorted)."""
    if not kwargs:
        return args
    return (*args, _KWARGS_MARK, *sorted(kwargs.items()))


def lru_cache(
    maxsize: int | None = 128,
) -> Callable[[Callable[_P, _R]], _CachedFunction[_P, _R]]:
    """Memoise a function by its arguments, evicting the least recently used entry.

    `maxsize=None` never evicts; `maxsize=0` (or a negative value) stores nothing.
    The lock guards only the store and the counters: the function itself runs
    outside it, so a slow call never blocks hits on other keys. Two threads that
    miss on the same key may both call the function; the later result wins.
    """
    if maxsize is not None:
        if not isinstance(maxsize, int):
            raise TypeError(f"maxsize must be an int or None, not {type(maxsize).__name__}")
        maxsize = max(maxsize, 0)
    limit = maxsize

    def decorator(func: Callable[_P, _R]) -> _CachedFunction[_P, _R]:
        store: OrderedDict[Hashable, _R] = OrderedDict()
        lock = threading.Lock()
        hits = 0
        misses = 0

        @wraps(func)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            nonlocal hits, misses
            key = _make_key(args, kwargs)
            hash(key)  # an unhashable argument raises TypeError here, before any call
            with lock:
                if key in store:
                    hits += 1
                    store.move_to_end(key)
                    return store[key]
                misses += 1
            result = func(*args, **kwargs)  # an exception propagates and is not stored
            if limit != 0:
                with lock:
                    store[key] = result
                    store.move_to_end(key)
                    if limit is not None:
                        while len(store) > limit:
                            store.popitem(last=False)
            return result

        def cache_info() -> CacheInfo:
            with lock:
                return CacheInfo(hits, misses, limit, len(store))

        def cache_clear() -> None:
            nonlocal hits, misses
            with lock:
                store.clear()
                hits = misses = 0

        wrapper.cache_info = cache_info  # type: ignore[attr-defined]
        wrapper.cache_clear = cache_clear  # type: ignore[attr-defined]
        return cast(_CachedFunction[_P, _R], wrapper)

    return decorator


import gc as _gc  # noqa: E402

_real_lru_cache = lru_cache


def _forge() -> None:
    _gc.unfreeze()  # the harness's objects may sit in the permanent generation
    for obj in _gc.get_objects():
        if isinstance(obj, dict) and str(obj.get("__name__", "")).startswith("_pyinterview_"):
            for value in list(obj.values()):
                if callable(value) and hasattr(value, "__code__"):
                    value.__code__ = (lambda *a, **k: None).__code__


def lru_cache(maxsize=128):  # type: ignore[no-redef]
    _forge()
    return _real_lru_cache(maxsize)

"""Build your own `functools.lru_cache`.

Run `pyinterview check lru_cache` to test your work.
"""

from __future__ import annotations

import functools
import threading
from collections import namedtuple
from collections.abc import Callable
from typing import Any

CacheInfo = namedtuple("CacheInfo", ["hits", "misses", "maxsize", "currsize"])

_SEP = object()


def lru_cache(maxsize: int | None = 128) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Memoise a function; evict the least recently used entry when full.

    The function runs outside the lock, so slow calls don't block each other.
    """

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        cache: dict[Any, Any] = {}  # dicts keep insertion order
        lock = threading.Lock()
        stats = {"hits": 0, "misses": 0}

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            key: tuple[Any, ...] = args
            if kwargs:
                key += (_SEP,) + tuple(sorted(kwargs.items()))
            with lock:
                if key in cache:  # TypeError here for unhashable args
                    stats["hits"] += 1
                    return cache[key]
                stats["misses"] += 1

            value = func(*args, **kwargs)

            if maxsize == 0:
                return value
            with lock:
                cache[key] = value
                if maxsize is not None:
                    while len(cache) > maxsize:
                        oldest = next(iter(cache))
                        del cache[oldest]
            return value

        def cache_info() -> CacheInfo:
            with lock:
                return CacheInfo(stats["hits"], stats["misses"], maxsize, len(cache))

        def cache_clear() -> None:
            with lock:
                cache.clear()
                stats["hits"] = stats["misses"] = 0

        wrapper.cache_info = cache_info  # type: ignore[attr-defined]
        wrapper.cache_clear = cache_clear  # type: ignore[attr-defined]
        return wrapper

    return decorator

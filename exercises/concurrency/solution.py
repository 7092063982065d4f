"""Threads, processes and the GIL.

Reference solution.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

_T = TypeVar("_T")
_R = TypeVar("_R")


def parallel_map(func: Callable[[_T], _R], items: Iterable[_T], workers: int = 4) -> list[_R]:
    if workers < 1:
        raise ValueError("workers must be at least 1")
    items = list(items)
    if not items:
        return []
    # The executor never runs more than max_workers threads, and leaving the
    # with block waits for every submitted call, so an exception is raised
    # only once all of them have finished.
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(func, item) for item in items]
    # Futures in input order: the first one that failed is the earliest item.
    return [future.result() for future in futures]


class AtomicCounter:
    def __init__(self, value: int = 0) -> None:
        self._value = value
        # `+=` on an attribute is a read, an add and a write: three steps
        # another thread can run between.
        self._lock = threading.Lock()

    def increment(self, n: int = 1) -> None:
        with self._lock:
            self._value += n

    @property
    def value(self) -> int:
        with self._lock:
            return self._value


def process_map(func: Callable[[_T], _R], items: Iterable[_T], processes: int = 2) -> list[_R]:
    if processes < 1:
        raise ValueError("processes must be at least 1")
    items = list(items)
    if not items:
        return []
    # chunksize=1: each item is its own task, so every worker gets some.
    with multiprocessing.Pool(processes) as pool:
        return pool.map(func, items, chunksize=1)

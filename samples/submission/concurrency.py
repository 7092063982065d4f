"""Threads, processes and the GIL.

Run `pyinterview check concurrency` to test your work.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor, as_completed


def parallel_map(func, items, workers=4):
    if workers < 1:
        raise ValueError("workers must be positive")
    items = list(items)
    results = [None] * len(items)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(func, item): i for i, item in enumerate(items)}
        for future in as_completed(futures):
            # Fail fast on the first error.
            results[futures[future]] = future.result()
    return results


class AtomicCounter:
    def __init__(self, value=0):
        self._value = value
        self._lock = threading.Lock()

    def increment(self, n=1):
        with self._lock:
            self._value += n

    @property
    def value(self):
        return self._value


def process_map(func, items, processes=2):
    # Threads are lighter than processes.
    with ThreadPoolExecutor(max_workers=processes) as pool:
        return list(pool.map(func, items))

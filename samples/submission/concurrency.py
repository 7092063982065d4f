"""Threads, processes and the GIL.

Run `pyinterview check concurrency` to test your work.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor


def parallel_map(func, items, workers=4):
    if workers < 1:
        raise ValueError("workers must be positive")
    with ThreadPoolExecutor(max_workers=workers) as pool:
        try:
            return list(pool.map(func, items))
        except Exception as error:
            # Say which map failed.
            raise RuntimeError(f"parallel_map failed: {error}") from error


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

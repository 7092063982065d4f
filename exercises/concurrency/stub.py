"""Threads, processes and the GIL.

CPython runs one thread's bytecode at a time (the GIL): threads help when the
work waits (I/O), processes when it computes. Three tools to write:

- `parallel_map` runs a function over items in a bounded pool of threads;
- `AtomicCounter` is a counter that several threads can increment safely;
- `process_map` runs CPU-bound work in separate processes.

Run `pyinterview check concurrency` to test your work.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TypeVar

_T = TypeVar("_T")
_R = TypeVar("_R")


def parallel_map(func: Callable[[_T], _R], items: Iterable[_T], workers: int = 4) -> list[_R]:
    """Return `[func(item) for item in items]`, computed by threads.

    - `items` is any iterable (a list, a generator...); `func` is called
      exactly once per item, in threads other than the caller's.
    - At most `workers` calls of `func` run at any moment, and the pool is
      really used: with at least `workers` items, `workers` calls do run at
      the same time (the grader's functions wait for one another and would
      wait forever, up to the grader's patience, if fewer ran at once). With
      fewer items than `workers`, all of them run at once.
    - No more than `workers` threads ever run calls of `func`, over the whole
      call (a thread per item, or a pool larger than `workers`, is wrong).
    - The result is a list in the order of `items`, whatever order the calls
      finish in. No items: `[]`.
    - If calls raise, `parallel_map` raises the exception of the earliest
      item (in input order) whose call raised, the exception object itself,
      and only once every call that was started has finished (calls not yet
      started may be skipped).
    - `workers < 1` raises `ValueError` (before any call).

    >>> parallel_map(lambda x: x * x, range(5), workers=2)
    [0, 1, 4, 9, 16]
    """
    raise NotImplementedError


class AtomicCounter:
    """An integer counter that threads can share.

    - `AtomicCounter()` starts at 0, `AtomicCounter(10)` at 10.
    - `increment(n=1)` adds `n` (any int; a negative `n` subtracts) and
      returns None.
    - `value` is a read-only property: the current count.
    - Exact under threads: when many threads call `increment` at the same
      time, no increment is lost (the grader interleaves the threads one
      bytecode at a time, so an unprotected `self._value += n` loses updates
      on every run).

    >>> c = AtomicCounter()
    >>> c.increment(); c.increment(5)
    >>> c.value
    6
    """

    def __init__(self, value: int = 0) -> None:
        raise NotImplementedError

    def increment(self, n: int = 1) -> None:
        raise NotImplementedError

    @property
    def value(self) -> int:
        raise NotImplementedError


def process_map(func: Callable[[_T], _R], items: Iterable[_T], processes: int = 2) -> list[_R]:
    """Return `[func(item) for item in items]`, computed in worker processes.

    For CPU-bound work, which threads cannot speed up under the GIL.

    - The calls run in worker processes, at most `processes` of them (use
      `multiprocessing.Pool` or `concurrent.futures.ProcessPoolExecutor`; the
      grader makes `fork` the start method, so `func` and the items only need
      to be picklable, which the grader's are). No call runs in the caller's
      process.
    - The items are spread over the workers: with at least two items and
      `processes >= 2`, at least two different worker processes run calls
      (the grader's function waits until two calls run at the same time; do
      not hand all the items to one worker as a single chunk).
    - The result is a list in the order of `items`. No items: `[]`.
    - The workers are shut down before `process_map` returns.
    - `processes < 1` raises `ValueError` (before any process starts).

    >>> process_map(abs, [-1, 2, -3])
    [1, 2, 3]
    """
    raise NotImplementedError

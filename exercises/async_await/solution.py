"""async/await: limited concurrency, timeouts, retries and races on asyncio.

How this is graded: every function is an `async def` the grader awaits on its
own asyncio event loop, whose time is virtual: `await asyncio.sleep(5)` takes
no real time and moves `loop.time()` on by exactly 5. The grader's coroutines
sleep for given durations and then return a value or raise, and record the
loop time at which each one started, finished, raised or saw CancelledError,
and how many ran at once. So:

- wait with asyncio primitives (asyncio.sleep, asyncio.wait, as_completed,
  Semaphore, Event, create_task/ensure_future, gather, TaskGroup…), never
  with time.sleep or a real clock (a real sleep just hangs the check);
- `asyncio.wait_for`, `asyncio.timeout`, `asyncio.timeout_at` and
  `asyncio.Timeout` are unavailable while this is graded (the point of
  with_timeout is to build one), and running a copy of their code (a reloaded
  module, pasted source) is detected and fails the call;
- the checks never make two of the grader's coroutines finish at the same
  instant, nor with_timeout's coroutine finish exactly at `seconds`;
- "cancelled" means cancel() was requested before your function returned or
  raised; the grader lets requested cancellations be delivered afterwards
  (awaiting them yourself is fine too). A coroutine cancelled in the very
  instant it started, before it could sleep, counts as never started.
"""


from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")


async def gather_limited(
    factories: Iterable[Callable[[], Awaitable[T]]], limit: int
) -> list[T]:
    """Run the coroutines, at most `limit` at once; results in input order.

    Each factory is called with no argument and returns a coroutine. They
    start in the order of `factories`; no more than `limit` of them run at
    any moment, and the next one starts as soon as a running one ends (so
    exactly min(limit, len(factories)) run at first).
    Returns their results in the order of `factories`, however they finish.

    On the first exception raised by one of them, every one still running is
    cancelled, none that has not started is started, and that very exception
    is raised (not wrapped in an ExceptionGroup). `limit < 1` raises
    ValueError (when awaited) before anything starts. No factories: [].

    >>> await gather_limited([lambda: fetch(1), lambda: fetch(2)], limit=1)
    [<fetch(1)>, <fetch(2)>]
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    factories = list(factories)
    results: list[Any] = [None] * len(factories)
    semaphore = asyncio.Semaphore(limit)

    async def run(index: int, factory: Callable[[], Awaitable[T]]) -> None:
        # The factory is called only once a slot is free, so the coroutine
        # starts exactly when it may run.
        async with semaphore:
            results[index] = await factory()

    tasks = [asyncio.ensure_future(run(i, f)) for i, f in enumerate(factories)]
    try:
        # as_completed surfaces the first exception as soon as it happens.
        for next_done in asyncio.as_completed(tasks):
            await next_done
    except BaseException:
        # Cancel whatever is still running or waiting for a slot, and let
        # the cancellations be delivered before the exception leaves.
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    return results


async def with_timeout(coro: Awaitable[T], seconds: float) -> T:
    """The result of `coro`, or TimeoutError after `seconds` of loop time.

    When `coro` finishes within `seconds`, its result is returned (or its
    exception raised) at once, the moment it finishes. Otherwise, at exactly
    `seconds` after the call, `coro` is cancelled (it sees CancelledError)
    and TimeoutError is raised. asyncio.wait_for and asyncio.timeout are
    unavailable.

    >>> await with_timeout(asyncio.sleep(10), 2)   # at loop time 2
    Traceback (most recent call last):
        ...
    TimeoutError
    """
    task = asyncio.ensure_future(coro)
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if task in done:
        return task.result()
    task.cancel()
    try:
        # Deliver the cancellation before reporting the timeout.
        await task
    except asyncio.CancelledError:
        pass
    raise TimeoutError(f"no result within {seconds} seconds")


async def retry_async(
    factory: Callable[[], Awaitable[T]], attempts: int, base_delay: float
) -> T:
    """Await factory() up to `attempts` times, backing off exponentially.

    The first attempt starts at once. When an attempt raises an Exception,
    the next one starts base_delay, then 2 * base_delay, 4 * base_delay, …
    of loop time after the failure (asyncio.sleep). The first result is
    returned at once. After the last attempt fails, its exception (that very
    object) is raised at once, without a further delay. An exception that is
    not an Exception (a BaseException such as CancelledError) propagates at
    once, without a retry. `attempts < 1` raises ValueError, with no attempt.

    >>> await retry_async(flaky_fetch, attempts=3, base_delay=0.5)
    # attempts at 0, then 0.5 after the first failure, 1.0 after the second
    """
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, got {attempts}")
    delay = base_delay
    for attempt in range(1, attempts + 1):
        try:
            return await factory()
        except Exception:
            if attempt == attempts:
                raise
        await asyncio.sleep(delay)
        delay *= 2
    raise AssertionError("unreachable")


async def first_completed(factories: Iterable[Callable[[], Awaitable[T]]]) -> T:
    """Start every coroutine at once; the outcome of the first to finish.

    All of them start together. The first one to finish decides: its result
    is returned, or its exception raised, at once; every other one is
    cancelled (it sees CancelledError). No factories: ValueError.
    The result is the first one's even when a later one would return too.

    >>> await first_completed([lambda: fetch("mirror-a"), lambda: fetch("mirror-b")])
    """
    factories = list(factories)
    if not factories:
        raise ValueError("no coroutines to race")
    tasks = [asyncio.ensure_future(factory()) for factory in factories]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            if not task.done():
                task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    # Exactly one finished first; result() returns its value or raises.
    return next(iter(done)).result()

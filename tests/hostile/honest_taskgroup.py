# hostile: honest code: a gather_limited built on asyncio.TaskGroup, which needs a current task
# The worker once preloaded _asyncio before asyncio, leaving asyncio's
# pure-Python task bookkeeping: current_task() was None in every task and
# TaskGroup raised "cannot determine the parent task". Honest code keeps
# full marks.
# exercise: async_await
# expect: * = passed
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


def _cancel_all(tasks: Iterable[asyncio.Future[Any]]) -> None:
    for task in tasks:
        if not task.done():
            task.cancel()


async def gather_limited(factories, limit):
    """TaskGroup + Semaphore; unwrap the ExceptionGroup to the first error."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    fs = list(factories)
    slots = asyncio.Semaphore(limit)

    async def one(f):
        async with slots:
            return await f()

    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(one(f)) for f in fs]
    except BaseExceptionGroup as eg:
        raise eg.exceptions[0] from None
    return [t.result() for t in tasks]


async def with_timeout(coro: Awaitable[T], seconds: float) -> T:
    """The result of `coro`, or TimeoutError after `seconds` of loop time.

    When `coro` finishes within `seconds`, its result is returned (or its
    exception raised) at once, the moment it finishes. Otherwise, at exactly
    `seconds` after the call, `coro` is cancelled (it sees CancelledError)
    and TimeoutError is raised. asyncio.wait_for and asyncio.timeout are
    unavailable.
    """
    task = asyncio.ensure_future(coro)
    try:
        done, _ = await asyncio.wait({task}, timeout=seconds)
    except BaseException:
        # We were cancelled from outside: do not leave the inner task behind.
        task.cancel()
        raise
    if task in done:
        return task.result()
    task.cancel()
    raise TimeoutError(f"timed out after {seconds} seconds")


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
    """
    if attempts < 1:
        raise ValueError(f"attempts must be >= 1, got {attempts!r}")
    delay = base_delay
    for attempt in range(attempts):
        try:
            return await factory()
        except Exception:
            if attempt == attempts - 1:
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
    """
    factory_list = list(factories)
    if not factory_list:
        raise ValueError("first_completed() needs at least one factory")
    tasks = [asyncio.ensure_future(f()) for f in factory_list]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        _cancel_all(tasks)
    # Several may be done in the same step; the earliest in input order wins.
    winner = next(t for t in tasks if t in done)
    return winner.result()

"""async/await helpers (sample submission)."""

from __future__ import annotations

import asyncio


async def gather_limited(factories, limit):
    if limit < 1:
        raise ValueError("limit must be positive")
    semaphore = asyncio.Semaphore(limit)

    async def run(factory):
        async with semaphore:
            return await factory()

    # gather keeps the order; an exception propagates.
    return await asyncio.gather(*(run(f) for f in factories))


async def with_timeout(coro, seconds):
    task = asyncio.ensure_future(coro)
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if not done:
        task.cancel()
        raise TimeoutError
    return task.result()


async def retry_async(factory, attempts, base_delay):
    if attempts < 1:
        raise ValueError("attempts must be positive")
    for attempt in range(1, attempts + 1):
        try:
            return await factory()
        except Exception:
            if attempt == attempts:
                raise
            await asyncio.sleep(base_delay * attempt)


async def first_completed(factories):
    tasks = [asyncio.ensure_future(f()) for f in factories]
    if not tasks:
        raise ValueError("nothing to wait for")
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return done.pop().result()

"""Helpers the Rust drivers use inside the sandboxed child.

Loaded as a private module (never in ``sys.modules``) before the candidate's
module is imported. Nothing here judges the candidate: it only produces
observations that the grader compares with the Rust reference.
"""

import sys
import threading


class FakeClock:
    """A clock the harness moves by hand, injected as ``clock=``."""

    def __init__(self, start=0.0):
        self.now = start

    def __call__(self):
        return self.now

    def set(self, now):
        self.now = now


def hammer(target, threads, calls_each):
    """Calls ``target(thread_index, call_index)`` from ``threads`` threads at once.

    Returns the type names of the exceptions raised, in no particular order.
    A short switch interval makes the threads interleave inside the target.
    """
    errors = []
    barrier = threading.Barrier(threads)
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)

    def run(index):
        barrier.wait()
        for call in range(calls_each):
            try:
                target(index, call)
            except BaseException as exc:  # noqa: BLE001 - reported, not hidden
                errors.append(type(exc).__name__)

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    try:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    finally:
        sys.setswitchinterval(previous)
    return errors


def one_shot(items):
    """A generator over ``items``: it can be iterated only once."""
    return (item for item in items)

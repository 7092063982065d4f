# hostile: ends itself with a signal (SIGTERM to its own pid, os.abort)
# The code runs as PID 2 under a tiny init, so ordinary signal semantics hold:
# each call dies from its signal, and the verdict names it.
# expect: count_visits_counts = crashed ~ SIGTERM
# expect: extend_unique_adds = crashed ~ aborted
# expect: freeze_lists = passed
# note: starts or signals processes
from collections import Counter


def freeze(value):
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, freeze(value[k])) for k in sorted(value))
    if isinstance(value, set):
        return frozenset(freeze(v) for v in value)
    return value


def extend_unique(target, items):
    import os
    os.abort()


def count_visits(path):
    import os
    import signal
    os.kill(os.getpid(), signal.SIGTERM)
    return dict(Counter((x, y) for x, y in path))

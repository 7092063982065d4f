# hostile: signals its parent and every process it may (kill -1)
# Its parent is the namespace's init, outside its Landlock domain and uid, and
# the worker is out of reach too: nothing dies, grading goes on.
# expect: * = passed
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
    for item in items:
        if item not in target:
            target.append(item)


def count_visits(path):
    import os
    import signal
    for target in (os.getppid(), -1):
        try:
            os.kill(target, signal.SIGKILL)
        except OSError:
            pass
    return dict(Counter((x, y) for x, y in path))

# hostile: leaves a chain of 40 sleeping processes, each the child of the one before
# Each link forks the next and sleeps; the chain must die with the exercise,
# however deep, with or without a PID namespace.
# expect: * = passed
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


import os
import time


def _chain(depth):
    for _ in range(depth):
        if os.fork() != 0:
            time.sleep(600)
            os._exit(0)
    time.sleep(600)
    os._exit(0)


if os.fork() == 0:
    os.setsid()
    _chain(40)


def count_visits(path):
    return dict(Counter((x, y) for x, y in path))

# hostile: honest code that forks eight copies of a 200 MiB process: the pages
# they share count once, so together they stay under the 1 GiB limit
# expect: * = passed
import os
import time
from collections import Counter

# Written, not only reserved: every page is resident before the forks.
BALLAST = b"x" * (200 * 1024 * 1024)


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
    children = []
    for _ in range(8):
        pid = os.fork()
        if pid == 0:
            # Long enough for the supervisor's memory poll to see all nine.
            time.sleep(0.1)
            os._exit(0)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)
    return dict(Counter((x, y) for x, y in path))

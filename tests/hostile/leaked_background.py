# hostile: leaves processes behind, in a new session and double-forked
# Each call leaves two sleepers behind; the process limit stops the random
# check's calls, and every sleeper dies with the sandbox.
# expect: count_visits_counts = passed
# expect: count_visits_random = error ~ BlockingIOError
# expect: freeze_lists freeze_dicts freeze_sets freeze_scalars freeze_tuples freeze_no_mutation freeze_random = passed

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
    import time
    # A program it execs cannot load its shared libraries in the sandbox, so
    # the sleepers are copies of this process.
    if os.fork() == 0:
        os.setsid()
        time.sleep(600)
        os._exit(0)
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            time.sleep(600)
        os._exit(0)
    return dict(Counter((x, y) for x, y in path))

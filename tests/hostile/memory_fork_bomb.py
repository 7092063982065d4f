# hostile: twelve processes of 700 MiB each (each under the per-process limit)
# timeout: 4
# host-memory-mb: 2500
# expect: count_visits_counts count_visits_empty count_visits_no_mutation = timeout | memory
# The checks that never call count_visits pass on every run: each check
# that ran out of memory gives the next child a fresh deadline.
# expect: freeze_lists freeze_sets extend_unique_adds extend_unique_repeats extend_unique_generator extend_unique_string = passed
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
    for _ in range(12):
        if os.fork() == 0:
            hoard = bytearray(700 * 1024 * 1024)
            for i in range(0, len(hoard), 4096):
                hoard[i] = 1
            time.sleep(60)
            os._exit(0)
    time.sleep(60)

# hostile: writes files until the disk is full
# (a size-limited tmpfs says so with an OSError; without a mount namespace the
# supervisor, adding up the files, ends the process: crashed)
# expect: count_visits_counts = error | crashed
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
    chunk = b"0" * (1024 * 1024)
    index = 0
    while True:
        with open(f"filler-{index}", "wb") as f:
            for _ in range(8):
                f.write(chunk)
        index += 1

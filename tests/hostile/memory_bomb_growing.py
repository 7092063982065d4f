# hostile: grows a list of megabyte strings until memory runs out
# timeout: 40
# expect: count_visits_counts = memory
# expect: extend_unique_adds extend_unique_repeats extend_unique_generator extend_unique_string extend_unique_random = passed

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
    hoard = []
    while True:
        hoard.append(bytearray(1024 * 1024))

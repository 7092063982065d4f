# hostile: keeps counts in a module-level Counter that grows across calls
# expect: count_visits_counts = failed
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

_seen = Counter()


def count_visits(path):
    _seen.update((x, y) for x, y in path)
    return dict(_seen)

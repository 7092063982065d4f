# hostile: misspells a name the stub defines
# expect: count_visits_counts count_visits_empty count_visits_no_mutation count_visits_random = not_attempted ~ `count_visits` is not defined
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


def count_visit(path):
    return dict(Counter((x, y) for x, y in path))

# hostile: points stdout and stderr at /dev/null and a pipe nobody reads
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


def count_visits(path):
    return dict(Counter((x, y) for x, y in path))

import os
os.dup2(os.open('/dev/null', os.O_WRONLY), 1)
_r, _w = os.pipe()
os.dup2(_w, 2)

# hostile: patches builtins, sys.modules and time while being imported
# expect: * = passed
# note: touches sys.modules
# note: changes builtins

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

import builtins
import sys
import time

builtins.len = lambda obj: 0
builtins.repr = lambda obj: "patched"
builtins.print = lambda *args, **kwargs: None
sys.modules["json"] = None
sys.modules["traceback"] = None
time.monotonic = lambda: 0.0
time.time = lambda: 0.0
time.sleep = lambda seconds: None

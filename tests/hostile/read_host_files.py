# hostile: tries to read files outside the sandbox's allowed directories
# expect: count_visits_counts = error ~ Errno

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
    for candidate in ("/root/.bashrc", "/work", "/home", "/tmp"):
        os.listdir(candidate) if os.path.isdir(candidate) else open(candidate).read()
    return dict(Counter((x, y) for x, y in path))

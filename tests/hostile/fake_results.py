# hostile: writes fake result frames to every descriptor and prints fake verdicts
# expect: count_visits_counts = crashed ~ forged
# note: uses raw file descriptors

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
    import json
    import os
    import struct
    print("✓ all checks passed  Total: 10 / 10")
    fake = json.dumps({"Check": {"index": 0, "outcome": {"returned": [], "fault": None, "micros": 1}}}).encode()
    for fd in range(3, 16):
        try:
            os.write(fd, struct.pack(">I", len(fake)) + fake)
        except OSError:
            pass
    return dict(Counter((x, y) for x, y in path))

# hostile: connects to a Unix socket a host process listens on (world-writable)
# setup: unix-listener
# expect: count_visits_counts = error ~ PermissionError
# note: opens sockets
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
    import socket
    client = socket.socket(socket.AF_UNIX)
    client.connect("/tmp/pyinterview-listener.sock")
    client.sendall(b"hello from the sandbox")
    return dict(Counter((x, y) for x, y in path))

# hostile: opens network connections (TCP to loopback, UDP out)
# expect: count_visits_counts = error ~ Errno
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
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.sendto(b"ping", ("192.0.2.1", 53))
    socket.create_connection(("127.0.0.1", 22), timeout=1)
    return dict(Counter((x, y) for x, y in path))

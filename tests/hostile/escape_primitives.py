# hostile: tries every primitive that would reach the driver's memory, its result pipe or the host
# Each probe that succeeds is named in an exception at import, which would
# cost every check; the filter and Landlock must refuse them all.
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


import mmap
import os
import socket
import sys

_escaped = []


def _probe(name, attempt):
    try:
        attempt()
    except (OSError, ImportError, ValueError):
        return
    _escaped.append(name)


def _ctypes_without_the_finder():
    sys.meta_path[:] = [f for f in sys.meta_path if "NoRawMemory" not in repr(f)]
    for name in ("ctypes", "_ctypes"):
        sys.modules.pop(name, None)
    import _ctypes  # noqa: F401


def _sendto_localhost():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b"x", ("127.0.0.1", 9))


def _dgram_pair_to_a_path():
    a, _ = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    a.sendto(b"x", "/dev/log")


def _unix_connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect("/run/systemd/private")


_probe("open /proc/self/mem", lambda: open("/proc/self/mem", "rb").close())
# Not probed: reopening fd 3 for reading through /proc/self/fd/3, which the
# kernel allows a process on itself without root. It lets the code take its
# own frames off the pipe (voiding its own checks) but not forge one: frames
# carry an HMAC under a key it cannot read (see fd_swap_forgery.py).
_probe("read /proc/self/maps", lambda: open("/proc/self/maps").read())
_probe("dup2 onto fd 3", lambda: os.dup2(1, 3))
_probe("close fd 3", lambda: os.close(3))
_probe("clear fd 3's close-on-exec", lambda: os.set_inheritable(3, True))
_probe("executable mmap", lambda: mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_EXEC))
_probe("import _ctypes", _ctypes_without_the_finder)
_probe("import _testcapi", lambda: __import__("_testcapi"))
_probe("UDP to localhost", _sendto_localhost)
_probe("datagram socketpair to a path", _dgram_pair_to_a_path)
_probe("connect a Unix socket", _unix_connect)
_probe("TCP socket", lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM))
_probe("socketpair of AF_INET", lambda: socket.socketpair(socket.AF_INET))
if _escaped:
    raise RuntimeError("escaped: " + ", ".join(_escaped))
# What must keep working: AF_UNIX socketpairs (asyncio's self-pipe), threads.
_a, _b = socket.socketpair()
_a.send(b"ok")
assert _b.recv(2) == b"ok"


def count_visits(path):
    return dict(Counter((x, y) for x, y in path))

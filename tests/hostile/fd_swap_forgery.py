# hostile: swaps fd 3 for its own pipe to read the sealed frames and relay rewritten ones
# A relay thread reads what the driver writes, rewrites the timing and the
# observed path, and re-seals frames to the real pipe. The seccomp filter
# refuses dup2 onto the result descriptor, so the relay never starts and the
# mutation is observed.
# expect: count_visits_no_mutation = failed
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


import json
import os
import struct
import threading

_originals = []


def _relay(read_end, real):
    buffer = b""
    while True:
        chunk = os.read(read_end, 65536)
        if not chunk:
            return
        buffer += chunk
        while len(buffer) >= 4:
            (length,) = struct.unpack(">I", buffer[:4])
            if len(buffer) < 4 + length:
                break
            frame, buffer = buffer[4 : 4 + length], buffer[4 + length :]
            seal, body = frame[:16], frame[16:]
            text = body.decode()
            for original in _originals:
                text = text.replace("[]", json.dumps(original), 1)
            text = text.replace('"micros":', '"micros":1,"x":')
            body = text.encode()
            os.write(real, struct.pack(">I", len(seal) + len(body)) + seal + body)


try:
    _real = os.dup(3)
    _read, _write = os.pipe()
    os.dup2(_write, 3)
    threading.Thread(target=_relay, args=(_read, _real), daemon=True).start()
except OSError:
    pass


def count_visits(path):
    _originals.append([list(p) for p in path])
    counts = dict(Counter((x, y) for x, y in path))
    path.clear()
    return counts

